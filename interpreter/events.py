"""Typed events emitted by the core, one utterance id shared by all events of an utterance.

Times are seconds from the start of the stream. ``audio_start``/``audio_end``/``speech_end``
are positions in the audio; ``emitted_at`` is when the event left the core, on the
pipeline clock, so ``emitted_at - speech_end`` is the delay a listener feels.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

STAFF = "staff"
CLIENT = "client"
SIDES = (STAFF, CLIENT)


@dataclass(frozen=True)
class Event:
    """Fields shared by every event; ``type`` names the kind in the JSON stream."""

    type: ClassVar[str] = "event"

    utterance_id: int
    side: str | None
    lang: str | None
    text: str
    audio_start: float
    audio_end: float
    speech_end: float
    emitted_at: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with ``type`` first, rounded times; the ``--jsonl`` contract."""
        data: dict[str, Any] = {"type": self.type}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, float):
                value = round(value, 3)
            elif isinstance(value, tuple):
                value = list(value)
            data[item.name] = value
        return data


@dataclass(frozen=True)
class UtteranceStarted(Event):
    """Voice activity began; language and side may still be unknown."""

    type: ClassVar[str] = "utterance_started"


@dataclass(frozen=True)
class TentativeText(Event):
    """The not yet committed tail of the utterance; replaces the previous tentative text."""

    type: ClassVar[str] = "tentative"


@dataclass(frozen=True)
class CommittedText(Event):
    """Newly committed words, appended to the utterance; never changed afterwards."""

    type: ClassVar[str] = "committed"


@dataclass(frozen=True)
class RevisedText(Event):
    """The utterance was recognised again, e.g. in the other language of the pair.

    ``text`` is the utterance's whole committed text so far and replaces everything
    committed before (committed events after it append to it); ``side`` and ``lang`` are
    the corrected ones. ``previous_lang`` and ``previous_text`` are what it replaces, and
    ``reason`` says why (``language``). ``utterance_ended`` always carries the final text,
    so a consumer that ignores this event is right once the utterance ends.
    """

    type: ClassVar[str] = "revised"
    previous_lang: str | None = None
    previous_text: str = ""
    reason: str = "language"


@dataclass(frozen=True)
class UtteranceEnded(Event):
    """The utterance is closed; ``text`` is all of its committed text."""

    type: ClassVar[str] = "utterance_ended"
    language_probability: float = 0.0
    language_fallback: bool = False
    #: Who recognised the utterance's last words: ``local`` or ``server HOST``.
    asr_backend: str = "local"


@dataclass(frozen=True)
class TranslationEvent(Event):
    """The translation of an utterance's committed text so far; replaces the previous one.

    ``lang`` is the target language and ``text`` the translation; ``source_text`` is what
    was translated. ``flags`` name problems (``untranslated``, ``degenerate``,
    ``placeholder_lost`` ...); an untranslated event carries the source text as ``text``.
    ``ms`` is the translation time and ``tokens_out`` the generated tokens.
    """

    type: ClassVar[str] = "translation"
    source_lang: str = ""
    source_text: str = ""
    flags: tuple[str, ...] = ()
    route: str = ""
    backend: str = ""
    ms: float = 0.0
    tokens_out: int = 0
    final: bool = False


@dataclass(frozen=True)
class ErrorEvent(Event):
    """Something went wrong; ``text`` says what and what to do. ``fatal`` stops the stream."""

    type: ClassVar[str] = "error"
    source: str = "core"
    fatal: bool = False
