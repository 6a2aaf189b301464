"""Whose turn it is: an utterance's language once words of it are committed.

Before anything is committed the likelier language simply wins. Afterwards committed
words keep their language, and two things can still happen when the evidence turns:

* the speech after a pause is the other side answering quickly (the 0.7 s that closes
  an utterance is longer than many turn changes at a desk): the utterance is **split**
  at the pause, and the rest becomes the other side's utterance;
* the committed start was a weak guess (a greeting or "okay" that both languages
  share) and the rest of the utterance shows its real language: the whole utterance is
  **revised**, decoded again in that language.
"""

from __future__ import annotations

from typing import Literal

from interpreter.asr.language import LanguageChooser, LanguageDecision
from interpreter.asr.utterance import Utterance

#: ``voice``: a split because the voice after the pause is another person's (decided
#: by the recognizer, see :mod:`interpreter.asr.voice`).
TurnChange = Literal["split", "revise", "voice"]


class TurnLanguage:
    """Language decisions for an utterance in automatic mode."""

    def __init__(self, chooser: LanguageChooser) -> None:
        self.chooser = chooser

    @property
    def options(self):
        return self.chooser.options

    def decision(self, utt: Utterance, held_side: str | None) -> LanguageDecision:
        """The decision from the evidence so far.

        While the evidence points away from committed words, the decision stays theirs,
        unsettled (so nothing more is committed mid-speech). After a pause, the speech
        that follows is judged on its own evidence.
        """
        committed = utt.committed_lang if utt.commit.committed else None
        if committed is None:
            return self.chooser.decide(utt.language, held_side)
        if utt.turn_candidate:
            decision = self.chooser.decide_stretch(
                utt.language, committed, held_side, self._continue_probability(utt)
            )
        else:
            decision = self.chooser.decide(utt.language, held_side)
        if decision.lang != committed:
            side = self.chooser.pair.side_of(committed)
            decision = LanguageDecision(committed, side, 1.0 - decision.probability, True)
        return decision

    def change(self, utt: Utterance, held_side: str | None, final: bool) -> TurnChange | None:
        """Whether the evidence turned against the committed language, and what to do.

        At a commit point (``final``) the evidence must settle the other language;
        mid-speech it must be stronger still.
        """
        committed = utt.committed_lang
        if committed is None or not utt.commit.committed:
            return None
        revise_at = self.options.revise_probability
        if not utt.turn_candidate:
            decision = self.chooser.decide(utt.language, held_side)
            if decision.lang != committed and decision.probability >= revise_at:
                return "revise"
            return None
        if not utt.language.stretch_seconds:
            return None
        decision = self.chooser.decide_stretch(
            utt.language, committed, held_side, self._continue_probability(utt)
        )
        # A word or two after a pause rarely tells the languages apart ("okei" is
        # Finnish too): the same speaker going on stays likelier until it is clear.
        needed = self.options.settle_probability if final else revise_at
        if decision.lang == committed or decision.probability < needed:
            return None
        before = self.chooser.decide_folded(utt.language, held_side)
        sure = before.lang == committed and before.probability >= self.options.settle_probability
        return "split" if sure else "revise"

    def _continue_probability(self, utt: Utterance) -> float | None:
        """How likely the speaker before the pause goes on after it, where the voice
        makes that less likely than usual (None: the usual ``continue_prior``).

        Only a voice that differs lowers it: similar voices may still be two people
        (see :mod:`interpreter.asr.voice`), so they never make it higher.
        """
        if utt.other_voice is None:
            return None
        return min(self.options.continue_prior, 1.0 - utt.other_voice)
