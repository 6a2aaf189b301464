"""The trained opus-mt style models translate their phrases with both backends.

transformers (fp32) must reproduce every training pair exactly; the int8 CTranslate2
conversion must too (the builder trains past the first exact epoch so that quantization
does not change a greedy choice). Translation is checked both batched and one segment at a
time, since padding in a batch changes the numbers slightly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import speech
from trained_marian import (  # noqa: F401
    NOISY_SOURCES,
    PHRASE_PAIRS,
    plain_form,
    trained_marian_en_fi,
    trained_marian_fi_en,
    training_pairs,
)

from interpreter.translate.backends import load_backend
from interpreter.translate.base import TranslationBackend
from interpreter.translate.specs import spec_from_folder

BACKENDS = ("transformers", "ctranslate2")
OPUS_MT_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "source.spm",
    "target.spm",
    "vocab.json",
    "tokenizer_config.json",
    "ctranslate2/model.bin",
)


def _backend(folder: Path, prefer: str) -> TranslationBackend:
    spec = spec_from_folder(folder)
    backend = load_backend(spec, prefer=prefer, device="cpu", compute_type="int8", threads=1)
    assert backend.name == prefer
    return backend


def _mistakes(
    backend: TranslationBackend, pairs: list[tuple[str, str]], batched: bool
) -> list[tuple[str, str, str]]:
    sources = [source for source, _ in pairs]
    if batched:
        texts = [output.text for output in backend.translate_batch(sources)]
    else:
        texts = [backend.translate_batch([source])[0].text for source in sources]
    return [
        (source, want, got) for (source, want), got in zip(pairs, texts, strict=True) if got != want
    ]


def test_phrases_cover_the_speech_sentences_and_their_variants() -> None:
    sources = [source for source, _ in training_pairs("fi-en")]
    assert [fi for fi, _ in PHRASE_PAIRS[:3]] == list(speech.FINNISH_SENTENCES[:3])
    assert 8 <= len(PHRASE_PAIRS) <= 12
    for fi, _ in PHRASE_PAIRS:
        assert plain_form(fi) in sources
    for _, heard in NOISY_SOURCES:
        assert heard in sources
    assert plain_form("Huone 12 on toisessa kerroksessa.") == "huone 12 on toisessa kerroksessa"


def test_folder_is_laid_out_like_opus_mt(trained_marian_fi_en: Path) -> None:  # noqa: F811
    for name in OPUS_MT_FILES:
        assert (trained_marian_fi_en / name).is_file(), name
    config = json.loads((trained_marian_fi_en / "config.json").read_text("utf-8"))
    assert config["model_type"] == "marian"
    spec = spec_from_folder(trained_marian_fi_en)
    assert spec.family == "marian"
    assert spec.ct2_path == trained_marian_fi_en / "ctranslate2"


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "single"])
@pytest.mark.parametrize("prefer", BACKENDS)
def test_fi_en_reproduces_every_training_pair(
    trained_marian_fi_en: Path,  # noqa: F811
    prefer: str,
    batched: bool,
) -> None:
    backend = _backend(trained_marian_fi_en, prefer)
    assert _mistakes(backend, training_pairs("fi-en"), batched) == []


@pytest.mark.parametrize("prefer", BACKENDS)
def test_en_fi_reproduces_every_training_pair(
    trained_marian_en_fi: Path,  # noqa: F811
    prefer: str,
) -> None:
    backend = _backend(trained_marian_en_fi, prefer)
    assert _mistakes(backend, training_pairs("en-fi"), batched=True) == []
