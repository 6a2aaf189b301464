"""Choosing an utterance's language among the conversation's pair only.

Whisper scores ~100 languages; a desk conversation has two. Restricting the scores to
the pair and renormalising removes confusions with languages nobody at the desk speaks.
The detector's reading is one piece of evidence among several: how much audio it heard,
how well each language decodes the audio, who holds push-to-talk and whose turn it is.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    probability: float  # of ``lang``, within the pair, all evidence combined, 0..1
    fallback: bool  # True while the evidence is not conclusive (or there is none)


@dataclass(frozen=True)
class LanguageOptions:
    """How the evidence about an utterance's language is weighed.

    Evidence is summed as log-odds of the client's language against Finnish. Whisper's
    language detector is the main source, but on short audio it is unreliable (on
    diphone Finnish it says English for most one-word answers), so a detection counts
    fully only on ``full_weight_seconds`` of audio and less on shorter stretches.
    """

    #: The language is settled (words may be committed mid-speech) at this probability.
    settle_probability: float = 0.85
    #: Committed text is recognised again in the other language at this probability.
    revise_probability: float = 0.9
    #: Turn-taking: after one side has spoken, the other side speaks next this often.
    turn_prior: float = 0.65
    #: The side holding push-to-talk speaks this often.
    held_prior: float = 0.9
    #: After a pause within an utterance, the same speaker goes on this often.
    continue_prior: float = 0.7
    #: A quick answer in another voice (an utterance split off where the voice changed)
    #: is the other side's this often: at a desk, whoever answers within a second is
    #: mostly the one who was spoken to, though a client's companion may speak too.
    other_voice_prior: float = 0.75
    #: Once words are committed, more are committed mid-speech while the language of
    #: what follows is at least this likely (not yet settled, but not doubted either).
    continue_commit_probability: float = 0.6
    full_weight_seconds: float = 2.0
    min_weight: float = 0.25
    #: Log-odds Whisper's detector adds to a language on short audio, whatever was
    #: said: it fades linearly from this at no audio to nothing at
    #: ``full_weight_seconds``, and is taken off the reading. Whisper hears English in
    #: most short words of any language (on one-word Finnish answers it says English
    #: three times in four, by half as much as on one-word English), so without this
    #: correction a short Finnish opener after English is decided by the bias, not by
    #: the audio or the turn-taking.
    short_audio_bias: Mapping[str, float] = field(default_factory=lambda: {"en": 6.0})
    #: One stretch of audio never counts for more than this (log-odds).
    max_detection_logodds: float = 6.0
    #: Log-odds per unit of average log-probability difference between the two
    #: languages' decodes of the same audio.
    likelihood_weight: float = 4.0

    def __post_init__(self) -> None:
        names = ("settle_probability", "revise_probability", "turn_prior", "held_prior")
        for name in (*names, "continue_prior", "continue_commit_probability", "other_voice_prior"):
            if not 0.5 <= getattr(self, name) < 1.0:
                raise ValueError(f"{name} must be at least 0.5 and below 1")


def _logit(probability: float) -> float:
    probability = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(probability / (1 - probability))


class UtteranceLanguage:
    """The evidence about one utterance's language, for the pair's two languages.

    Detection and likelihood are kept per stretch of audio (the part still decoded);
    when decoding moves past a stretch (its words are committed and its audio dropped),
    its evidence is folded into the total and the next stretch starts fresh. So a short
    opener and the rest of the sentence are weighed by how much audio each had.
    """

    def __init__(self, pair: LanguagePair, options: LanguageOptions) -> None:
        self.pair = pair
        self.options = options
        self._folded = 0.0
        self._detection = 0.0
        self._likelihood = 0.0
        self._stretch_seconds = 0.0
        self._folded_seconds = 0.0
        #: The side whose speech this utterance was split off from because another
        #: voice began: the utterance most likely answers that side.
        self.answers: str | None = None

    def observe_detection(self, scores: Mapping[str, float], audio_seconds: float) -> None:
        """Whisper's detector on the current stretch (it replaces the previous reading)."""
        staff = max(0.0, float(scores.get(self.pair.staff, 0.0)))
        client = max(0.0, float(scores.get(self.pair.client, 0.0)))
        if staff + client <= 0.0:
            self._detection = 0.0
            return
        o = self.options
        limit = o.max_detection_logodds
        logodds = _logit(client / (staff + client)) - self.detector_lean(audio_seconds)
        logodds = max(-limit, min(limit, logodds))
        self._detection = self._weight(audio_seconds) * logodds
        self._stretch_seconds = audio_seconds

    def detector_lean(self, audio_seconds: float) -> float:
        """The detector's own lean towards the client's language on this much audio."""
        o = self.options
        fade = max(0.0, 1.0 - audio_seconds / o.full_weight_seconds)
        if not fade:
            return 0.0
        lean = o.short_audio_bias.get(self.pair.client, 0.0)
        return fade * (lean - o.short_audio_bias.get(self.pair.staff, 0.0))

    def observe_likelihood(self, staff_logprob: float, client_logprob: float) -> None:
        """Average log-probabilities of the current stretch decoded in each language.

        Weighted by the stretch's audio like a detection: on a word or two, either
        language can read the sounds about as well.
        """
        difference = client_logprob - staff_logprob
        self._likelihood = (
            self._weight(self._stretch_seconds) * self.options.likelihood_weight * difference
        )

    def _weight(self, audio_seconds: float) -> float:
        o = self.options
        return min(1.0, max(o.min_weight, audio_seconds / o.full_weight_seconds))

    def fold(self) -> None:
        """Decoding moves past the current stretch: keep its evidence, start a new one."""
        self._folded += self._detection + self._likelihood
        self._folded_seconds += self._stretch_seconds
        self._detection = self._likelihood = self._stretch_seconds = 0.0

    @property
    def audio_seconds(self) -> float:
        """Audio the detector has heard, over all stretches."""
        return self._folded_seconds + self._stretch_seconds

    def continue_stretch(self, other: UtteranceLanguage) -> None:
        """Take over the current stretch of ``other`` (a turn split off from it)."""
        self._detection = other._detection
        self._likelihood = other._likelihood
        self._stretch_seconds = other._stretch_seconds

    @property
    def stretch_seconds(self) -> float:
        return self._stretch_seconds

    @property
    def stretch_logodds(self) -> float:
        """Evidence from the current stretch alone."""
        return self._detection + self._likelihood

    @property
    def folded_logodds(self) -> float:
        """Evidence from the stretches before the current one."""
        return self._folded

    @property
    def logodds(self) -> float:
        """Evidence for the client's language (negative: for Finnish), priors excluded."""
        return self._folded + self._detection + self._likelihood


class LanguageChooser:
    """Decides which side speaks from an utterance's evidence and the conversation.

    Priors: the side holding push-to-talk, and turn-taking (after one side has spoken,
    the other usually answers; before anyone has, the staff, who usually opens the
    conversation).
    """

    def __init__(self, pair: LanguagePair, options: LanguageOptions | None = None) -> None:
        self.pair = pair
        self.options = options or LanguageOptions()
        self.last_side: str | None = None

    def evidence(self) -> UtteranceLanguage:
        return UtteranceLanguage(self.pair, self.options)

    def restrict(self, scores: Mapping[str, float]) -> dict[str, float]:
        """Scores of the pair's two languages, renormalised to sum to 1."""
        raw = {lang: max(0.0, float(scores.get(lang, 0.0))) for lang in self.pair.languages}
        total = sum(raw.values())
        if total <= 0.0:
            return {lang: 0.5 for lang in raw}
        return {lang: value / total for lang, value in raw.items()}

    def prior_logodds(self, held_side: str | None = None, answers: str | None = None) -> float:
        """Log-odds of the client speaking before any audio is heard (``answers``: see
        :attr:`UtteranceLanguage.answers`)."""
        o = self.options
        if held_side is not None:
            return _logit(o.held_prior) * (1 if held_side == CLIENT else -1)
        if answers is not None:
            return _logit(o.other_voice_prior) * (1 if answers == STAFF else -1)
        if self.last_side is None:
            # Nobody has spoken yet: the staff usually opens the conversation.
            return -_logit(o.turn_prior)
        return _logit(o.turn_prior) * (1 if self.last_side == STAFF else -1)

    def decide(
        self, evidence: UtteranceLanguage | None, held_side: str | None = None
    ) -> LanguageDecision:
        """The likelier side given the evidence and the priors."""
        if evidence is None:
            return self._decision(self.prior_logodds(held_side))
        return self._decision(self.prior_logodds(held_side, evidence.answers) + evidence.logodds)

    def decide_folded(
        self, evidence: UtteranceLanguage, held_side: str | None = None
    ) -> LanguageDecision:
        """The likelier side of the stretches before the current one."""
        prior = self.prior_logodds(held_side, evidence.answers)
        return self._decision(prior + evidence.folded_logodds)

    def decide_stretch(
        self,
        evidence: UtteranceLanguage,
        speaking: str,
        held_side: str | None = None,
        continue_probability: float | None = None,
    ) -> LanguageDecision:
        """The likelier language of the current stretch alone, after a pause in an
        utterance in ``speaking``: the same speaker usually goes on (``continue_prior``,
        or ``continue_probability`` where the voice after the pause says more), unless
        push-to-talk says otherwise."""
        if held_side is not None:
            prior = self.prior_logodds(held_side)
        else:
            if continue_probability is None:
                continue_probability = self.options.continue_prior
            prior = _logit(continue_probability)
            prior *= 1 if speaking == self.pair.client else -1
        return self._decision(prior + evidence.stretch_logodds)

    def _decision(self, logodds: float) -> LanguageDecision:
        client = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logodds))))
        side = CLIENT if client > 0.5 else STAFF
        probability = client if side == CLIENT else 1.0 - client
        settled = probability >= self.options.settle_probability
        return LanguageDecision(self.pair.language_of(side), side, probability, not settled)

    def choose(
        self, scores: Mapping[str, float] | None, held_side: str | None = None
    ) -> LanguageDecision:
        """Decide from one detector reading on a full-weight stretch of audio."""
        evidence = None
        if scores:
            evidence = self.evidence()
            evidence.observe_detection(scores, self.options.full_weight_seconds)
        return self.decide(evidence, held_side)

    def forced(self, side: str) -> LanguageDecision:
        """Manual mode: the caller says which side speaks."""
        return LanguageDecision(self.pair.language_of(side), side, 1.0, False)

    def remember(self, side: str) -> None:
        """Record the side of a finished utterance, for the next turn's prior."""
        self.last_side = side
