"""Choosing an utterance's language among the conversation's pair only.

Whisper scores ~100 languages; a desk conversation has two. Restricting the scores to
the pair and renormalising removes confusions with languages nobody at the desk speaks,
and a confidence threshold decides when to trust the result at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from interpreter.events import CLIENT, SIDES, STAFF

logger = logging.getLogger(__name__)

#: The staff side of every pair speaks Finnish.
STAFF_LANGUAGE = "fi"


@dataclass(frozen=True)
class LanguagePair:
    """Finnish (the staff side) and the client's language, e.g. ``LanguagePair.parse("fi-en")``."""

    staff: str
    client: str

    @classmethod
    def parse(cls, text: str) -> LanguagePair:
        parts = [p.strip().lower() for p in text.replace("_", "-").split("-")]
        if len(parts) != 2 or not all(p.isalpha() and 2 <= len(p) <= 3 for p in parts):
            raise ValueError(f"Language pair '{text}' is not of the form fi-en.")
        if parts[0] == parts[1]:
            raise ValueError(f"Language pair '{text}' names the same language twice.")
        if STAFF_LANGUAGE not in parts:
            raise ValueError(
                f"Language pair '{text}' must include Finnish (fi), e.g. fi-{parts[1]}."
            )
        client = parts[1] if parts[0] == STAFF_LANGUAGE else parts[0]
        return cls(staff=STAFF_LANGUAGE, client=client)

    @property
    def languages(self) -> tuple[str, str]:
        return (self.staff, self.client)

    def language_of(self, side: str) -> str:
        if side not in SIDES:
            raise ValueError(f"Unknown side '{side}'; expected one of {SIDES}.")
        return self.staff if side == STAFF else self.client

    def side_of(self, language: str) -> str:
        return STAFF if language == self.staff else CLIENT

    def __str__(self) -> str:
        return f"{self.staff}-{self.client}"


@dataclass(frozen=True)
class LanguageDecision:
    lang: str
    side: str
    probability: float  # restricted to the pair, 0..1
    fallback: bool  # True when the detector was not confident enough (or not asked)


class LanguageChooser:
    """Picks the side that speaks, from detector scores or from the caller.

    Fallback order when the detector is unsure: the side whose push-to-talk is held, then
    the side that spoke last, then the staff side (who usually opens the conversation).
    """

    def __init__(self, pair: LanguagePair, threshold: float = 0.7) -> None:
        if not 0.5 <= threshold <= 1.0:
            raise ValueError("language threshold must be between 0.5 and 1.0")
        self.pair = pair
        self.threshold = threshold
        self.last_side: str | None = None

    def restrict(self, scores: Mapping[str, float]) -> dict[str, float]:
        """Scores of the pair's two languages, renormalised to sum to 1."""
        raw = {lang: max(0.0, float(scores.get(lang, 0.0))) for lang in self.pair.languages}
        total = sum(raw.values())
        if total <= 0.0:
            return {lang: 0.5 for lang in raw}
        return {lang: value / total for lang, value in raw.items()}

    def choose(
        self, scores: Mapping[str, float] | None, held_side: str | None = None
    ) -> LanguageDecision:
        """Decide from detector ``scores`` (language code -> probability)."""
        if scores:
            restricted = self.restrict(scores)
            lang = max(restricted, key=restricted.__getitem__)
            probability = restricted[lang]
            if probability >= self.threshold:
                return LanguageDecision(lang, self.pair.side_of(lang), probability, False)
        else:
            probability = 0.0
        side = held_side or self.last_side or STAFF
        lang = self.pair.language_of(side)
        if scores:
            logger.debug("language unsure (%.2f): falling back to %s side", probability, side)
        restricted_p = self.restrict(scores)[lang] if scores else 0.0
        return LanguageDecision(lang, side, restricted_p, True)

    def forced(self, side: str) -> LanguageDecision:
        """Manual mode: the caller says which side speaks."""
        return LanguageDecision(self.pair.language_of(side), side, 1.0, False)

    def remember(self, side: str) -> None:
        """Record the side of a finished utterance, for the next fallback."""
        self.last_side = side
