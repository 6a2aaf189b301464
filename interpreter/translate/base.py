"""What every translation backend offers, and the shapes of requests and results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# Defined in the model store below the core, which raises it too; the core's name for it.
from models.errors import TranslationError as TranslationError


class TranslationCancelled(TranslationError):
    """A translation given up half-way because its result is no longer wanted."""


@dataclass(frozen=True)
class ModelSpec:
    """One translation model on disk and how to address languages in it.

    ``family`` is ``marian`` (opus-mt), ``m2m100`` or ``nllb``. ``source_code`` and
    ``target_code`` are the model's own language codes (``__fi__``-style tokens are built
    from ``fi`` for M2M100, ``fin_Latn`` for NLLB); ``target_prefix`` is the token an
    opus-mt multi-target model expects at the start of the source (``>>est<<``), or "".
    ``ct2_path`` is a CTranslate2 conversion of the same model, when one exists.
    """

    path: Path
    family: str
    source_code: str = ""
    target_code: str = ""
    target_prefix: str = ""
    ct2_path: Path | None = None


@dataclass(frozen=True)
class BackendOutput:
    """One translated segment: text and the number of target tokens generated."""

    text: str
    tokens_out: int


class TranslationBackend(Protocol):
    """Translates batches of plain segments (sentences) with one loaded model.

    Generation is greedy or beam search with a length bound relative to each input;
    ``translate_batch`` never raises for content (empty input gives empty output).
    """

    name: str  # "transformers" or "ctranslate2"

    def translate_batch(self, segments: Sequence[str]) -> list[BackendOutput]: ...
