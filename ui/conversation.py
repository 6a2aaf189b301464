"""The conversation as the windows show it: utterances built from core events.

Qt-free so that the windows, the transcript export and the tests share one definition of
what an utterance's text is. Committed text grows, except when the core recognises an
utterance again (a ``revised`` event, e.g. in the other language of the pair): then its
text, side and language are replaced and its old translation is dropped until the new one
arrives. Tentative text and translations replace their previous value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from interpreter.events import (
    CommittedText,
    ErrorEvent,
    Event,
    RevisedText,
    TentativeText,
    TranslationEvent,
    UtteranceEnded,
)

logger = logging.getLogger(__name__)

#: Flags that mean the translation shown is not a translation (or not a trustworthy one).
WARNING_FLAGS = frozenset({"untranslated", "degenerate", "placeholder_lost", "error"})


@dataclass
class Utterance:
    """One utterance: what was said (committed + tentative tail) and its translation."""

    utterance_id: int
    side: str | None = None
    lang: str | None = None
    committed: str = ""
    tentative: str = ""
    translation: str = ""
    translation_lang: str | None = None
    translation_final: bool = False
    flags: tuple[str, ...] = ()
    ended: bool = False
    typed: bool = False
    start: float = 0.0
    end: float = 0.0
    #: Seconds from the end of speech to the final translation (or last commit without one).
    latency: float | None = None
    error: str = ""
    #: When the core recognised it again: the language and text first shown (else None).
    previous_lang: str | None = None
    previous_text: str = ""

    @property
    def revised(self) -> bool:
        return self.previous_lang is not None

    @property
    def original(self) -> str:
        """Everything heard so far, committed first."""
        return " ".join(part for part in (self.committed, self.tentative) if part)

    @property
    def flagged(self) -> bool:
        return bool(WARNING_FLAGS.intersection(self.flags)) or bool(self.error)


@dataclass
class Conversation:
    """Utterances in the order they started, updated in place by :meth:`apply`."""

    utterances: dict[int, Utterance] = field(default_factory=dict)

    def apply(self, event: Event) -> Utterance | None:
        """Fold one core event in; returns the utterance it changed (None: nothing shown)."""
        if isinstance(event, ErrorEvent):
            if event.utterance_id <= 0 or event.utterance_id not in self.utterances:
                return None  # stream-level errors are the controller's business
            utt = self.utterances[event.utterance_id]
            utt.error = event.text
            utt.flags = tuple(dict.fromkeys((*utt.flags, "error")))
            return utt
        if not isinstance(
            event, TentativeText | CommittedText | RevisedText | UtteranceEnded | TranslationEvent
        ):
            return None
        utt = self.utterances.get(event.utterance_id)
        if utt is None:
            if isinstance(event, UtteranceEnded) and not event.text:
                return None  # an utterance that produced no words: nothing to show
            utt = self.utterances[event.utterance_id] = Utterance(
                event.utterance_id, start=event.audio_start
            )
        if isinstance(event, TranslationEvent):
            return utt if self._apply_translation(utt, event) else None
        if isinstance(event, RevisedText):
            self._apply_revision(utt, event)  # before the side and language change
        if event.side is not None:
            utt.side = event.side
        if event.lang is not None:
            utt.lang = event.lang
        utt.end = max(utt.end, event.audio_end)
        if isinstance(event, TentativeText):
            utt.tentative = event.text
        elif isinstance(event, CommittedText):
            utt.committed = " ".join(p for p in (utt.committed, event.text) if p)
            utt.tentative = ""
            utt.latency = max(0.0, event.emitted_at - event.speech_end)
        elif isinstance(event, UtteranceEnded):
            if event.text and event.text != utt.committed:
                logger.debug(
                    "utterance %d ended with text differing from its commits", utt.utterance_id
                )
                utt.committed = event.text
            utt.tentative = ""
            utt.ended = True
        return utt

    @staticmethod
    def _apply_revision(utt: Utterance, event: RevisedText) -> None:
        """Everything committed so far is replaced; the old translation no longer fits."""
        if utt.previous_lang is None:
            utt.previous_lang = event.previous_lang or utt.lang or ""
        utt.previous_text = event.previous_text or utt.committed
        utt.committed = event.text
        utt.tentative = ""
        utt.translation = ""
        utt.translation_lang = None
        utt.translation_final = False
        utt.flags = tuple(flag for flag in utt.flags if flag == "error")

    def _apply_translation(self, utt: Utterance, event: TranslationEvent) -> bool:
        """Fold a translation in; False when it is stale and was ignored."""
        if utt.translation_final and not event.final:
            return False  # a late interim result must not replace the final one
        if self._stale(utt, event):
            return False  # a translation of the text as first recognised
        utt.translation = event.text
        utt.translation_lang = event.lang
        utt.translation_final = event.final
        utt.flags = tuple(f for f in event.flags if f != "tentative")
        if utt.side is None:
            utt.side = event.side
        if utt.lang is None:
            utt.lang = event.source_lang or None
        if event.final:
            utt.latency = max(0.0, event.emitted_at - event.speech_end)
        return True

    @staticmethod
    def _stale(utt: Utterance, event: TranslationEvent) -> bool:
        """A translation of a revised utterance's earlier recognition, still under way when
        the revision came: its source is in the old language, or is the old text's."""
        if not utt.revised:
            return False
        if event.source_lang and utt.lang and event.source_lang != utt.lang:
            return True
        source = event.source_text.strip()
        return bool(source) and (
            utt.previous_text.startswith(source) and not utt.committed.startswith(source)
        )

    def add_typed(self, utterance_id: int, side: str, lang: str, text: str, at: float) -> Utterance:
        """A typed utterance: committed and ended at once; its translation follows."""
        utt = Utterance(
            utterance_id, side, lang, committed=text, ended=True, typed=True, start=at, end=at
        )
        self.utterances[utterance_id] = utt
        return utt

    def ordered(self) -> list[Utterance]:
        """In the order they first appeared, as the windows show them."""
        return list(self.utterances.values())

    def clear(self) -> None:
        self.utterances.clear()

    def __len__(self) -> int:
        return len(self.utterances)
