"""What the streaming recognizer does at utterance boundaries and turn changes.

A pause commits what was said before it; the end of an utterance closes it. At either,
the language evidence may say that the speech after a pause is the other side answering
(the utterance is split there) or that the committed words were read in the wrong
language (the utterance is revised). The language readings that feed that evidence (the
same audio decoded in both languages of the pair) live here too.

:class:`TurnHandling` is a part of :class:`~interpreter.streaming.StreamingRecognizer`,
kept in its own module for size; it works on the recognizer's state.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from interpreter.asr.commit import CommitState
from interpreter.asr.decoding import UtteranceDecoder
from interpreter.asr.guards import is_silence_phrase, sounds_like_noise
from interpreter.asr.language import LanguageChooser, LanguagePair
from interpreter.asr.turns import TurnLanguage
from interpreter.asr.utterance import RecognizerStats, Utterance
from interpreter.asr.whisper_engine import Hypothesis, WhisperEngine
from interpreter.audio.base import SAMPLE_RATE
from interpreter.events import (
    CommittedText,
    Event,
    RevisedText,
    UtteranceEnded,
    UtteranceStarted,
)
from interpreter.logs import conversation_logger
from interpreter.repetition import LoopRule, has_loop
from interpreter.segmenter import Boundary, BoundaryKind

if TYPE_CHECKING:
    from interpreter.streaming import StreamingOptions

logger = logging.getLogger(__name__)
text_log = conversation_logger(__name__)

AUTO = "auto"
MIN_DECODE_SAMPLES = SAMPLE_RATE // 10
CUT_MARGIN_SAMPLES = SAMPLE_RATE // 10  # where decoding resumes after a committed pause


class TurnHandling:
    """Commits at pauses, utterance ends, turn splits, revisions and language readings."""

    # The recognizer's state these methods work on (set by its constructor).
    engine: WhisperEngine
    pair: LanguagePair
    options: StreamingOptions
    stats: RecognizerStats
    _chooser: LanguageChooser
    _turns: TurnLanguage
    _decoder: UtteranceDecoder
    _mode: str
    _held_side: str | None
    _utterance: Utterance | None
    _next_id: int
    _buffer: np.ndarray
    _buffer_start: int

    def _on_boundary(self, boundary: Boundary) -> list[Event]:
        if boundary.kind is BoundaryKind.START:
            start = max(boundary.sample, self._buffer_start)
            utt = Utterance(self._next_id, start, self._chooser.evidence(), audio_from=start)
            utt.commit.agreement = self.options.agreement
            utt.stretch_start = start
            self._next_id += 1
            self._utterance = utt
            if self._mode != AUTO:
                utt.decision = self._chooser.forced(self._mode)
            return [self._event(UtteranceStarted, utt, "", boundary.sample, boundary.speech_end)]
        utt = self._utterance
        if utt is None:
            return []
        if boundary.kind is BoundaryKind.PAUSE:
            return self._commit_through(utt, boundary.speech_end, boundary.sample, pause=True)
        events = self._commit_through(utt, boundary.speech_end, boundary.sample)
        # The speech after a pause may have turned out to be the other side's turn.
        utt = self._utterance or utt
        self._utterance = None
        return [*events, self._ended(utt, boundary.sample, boundary.speech_end, boundary.reason)]

    def _ended(self, utt: Utterance, audio_end: int, speech_end: int, reason: str) -> Event:
        decision = utt.decision
        text = utt.commit.committed_text
        if text and decision is not None:
            self._chooser.remember(decision.side)
        ended = self._event(UtteranceEnded, utt, text, audio_end, speech_end)
        if decision is not None:
            ended = replace(
                ended,
                language_probability=round(decision.probability, 3),
                language_fallback=decision.fallback,
            )
        ended = replace(ended, asr_backend=self.engine.backend_name)
        logger.info(
            "utterance %d (%s, %s): %d words, %.1f s of audio",
            utt.id,
            ended.lang,
            reason,
            len(text.split()),
            ended.audio_end - ended.audio_start,
        )
        text_log.debug("utterance %d: %s", utt.id, text)
        return ended

    def _commit_through(
        self, utt: Utterance, speech_end: int, position: int, pause: bool = False
    ) -> list[Event]:
        """Commit every word spoken up to ``speech_end`` (a pause or the end).

        At a ``pause``, an utterance's opening words whose language is still a weak
        guess are held instead (see :meth:`_holds_opening`)."""
        if utt.committed_through >= speech_end:
            return []
        end = max(speech_end, min(position, self._buffer_start + len(self._buffer)))
        if utt.hypothesis_speech_end < speech_end:
            # No ready hypothesis covers this speech: decode now, audio up to the boundary.
            too_short = end - utt.audio_from < MIN_DECODE_SAMPLES
            utt.tail = [] if too_short else self._final_hypothesis(utt, end).words
        events: list[Event] = []
        read_whole = False  # a revision read the whole utterance: nothing is left unread
        change = self._turn_change(utt, final=True) if self._credible(utt) else None
        if change == "split":
            events += self._split(utt, speech_end)
            utt = self._utterance
            assert utt is not None
            utt.tail = self._decode(utt, end, final=True, reuse=True).words
        elif change == "revise":
            revised = self._whole_reading(utt, end)
            if revised is not None:
                events.append(self._revise(utt, revised, position, speech_end))
                utt.tail, read_whole = [], True
        credible = self._credible(utt)
        tail = utt.tail if credible else []
        if not utt.commit.committed and tail and is_silence_phrase(" ".join(tail)):
            logger.info("dropped a known silence phrase (utterance %d)", utt.id)
            text_log.debug("silence phrase dropped: %s", " ".join(tail))
            credible, tail = False, []
        if pause and credible and tail and self._holds_opening(utt, speech_end):
            # Shown as they are; decoded again with what follows, and committed once the
            # language is settled or the utterance ends.
            utt.hypothesis_speech_end = speech_end
            utt.tail = tail
            utt.stretch_held = True
            self.stats.openings_held += 1
            logger.debug("utterance %d: opening held, language unsettled", utt.id)
            return events
        utt.committed_through = speech_end
        utt.hypothesis_speech_end = speech_end
        utt.tail = []
        newly = utt.commit.commit_all(tail)
        # All speech before the pause is committed: later decodes start in the pause.
        resume = max(utt.audio_from, min(speech_end + CUT_MARGIN_SAMPLES, position))
        unread = speech_end - utt.audio_from
        if (
            credible
            and not tail
            and not read_whole
            and unread <= self.options.max_unread_seconds * SAMPLE_RATE
        ):
            logger.debug(
                "utterance %d: %.2f s read as no words, kept", utt.id, unread / SAMPLE_RATE
            )
            resume = utt.audio_from
            self.stats.unread_kept += 1
        if newly:
            weak = utt.decision is None or utt.decision.fallback
            utt.stretches.append((utt.stretch_start, utt.stretch_words, speech_end, weak))
        utt.stretch_start, utt.stretch_words = resume, len(utt.commit.committed)
        utt.stretch_held = False
        self._move_audio_from(utt, resume)
        utt.turn_candidate = True  # what follows the pause may be the other side
        utt.context_words = len(utt.commit.committed)
        if newly:
            self._note_committed(utt)
            events.append(self._event(CommittedText, utt, " ".join(newly), position, speech_end))
        if events:
            events += self._tentative(utt, "", position, speech_end)
        return events

    def _holds_opening(self, utt: Utterance, speech_end: int) -> bool:
        """Whether the words before this pause are an opening too weak to commit.

        A greeting, "yes" or "okay" alone rarely tells the pair's languages apart, and
        committed in the wrong one it would reach the client's screen. The words open
        the utterance, or follow a pause after committed words (where the other side
        may have begun to answer); their language is a weak guess; and their speech is
        short: then the speech that follows the pause is decoded together with them.
        """
        if self._mode != AUTO:
            return False
        decision = utt.decision
        if decision is None or not decision.fallback:
            return False
        if utt.commit.committed and not utt.turn_candidate:
            return False
        opening = utt.stretch_start if utt.commit.committed else utt.audio_from
        return speech_end - opening <= self.options.weak_opening_seconds * SAMPLE_RATE

    def _whole_reading(self, utt: Utterance, end: int) -> list[str] | None:
        """The whole utterance decoded in the language the evidence now favours."""
        decision = self._chooser.decide(utt.language, self._held_side)
        if decision.lang == utt.committed_lang:
            return None
        whole = self._decode(utt, end, final=True, language=decision.lang, whole=True)
        if not whole.words or whole.looped or whole.no_speech:
            return None
        utt.decision = decision
        return whole.words

    def _split(self, utt: Utterance, speech_end: int) -> list[Event]:
        """End ``utt`` at a pause; what follows is a new utterance, the other side's.

        Weakly decided stretches just before the split (an "okay" or "yes" that opens
        the answer) go with the answer: they leave ``utt`` in a ``revised`` event and are
        decoded again as the start of the new utterance.
        """
        events: list[Event] = []
        # Words committed mid-speech since the pause are in the audio the new utterance
        # decodes again: they go with it.
        start, kept = utt.audio_from, utt.stretch_words
        # The kept words end with their speech; speech read as no words after them goes
        # with the new turn.
        kept_end = utt.stretches[-1][2] if utt.stretches else utt.committed_through
        while len(utt.stretches) > 1 and utt.stretches[-1][3]:
            start, kept, _, _ = utt.stretches.pop()
            kept_end = utt.stretches[-1][2]
        if kept < len(utt.commit.committed):
            previous_text = utt.commit.committed_text
            utt.commit.committed = utt.commit.committed[:kept]
            revised = self._event(RevisedText, utt, utt.commit.committed_text, start, kept_end)
            events.append(
                replace(
                    revised,
                    previous_lang=utt.committed_lang,
                    previous_text=previous_text,
                    reason="turn",
                )
            )
        events.append(self._ended(utt, start, kept_end, "language change"))
        turn = Utterance(self._next_id, start, self._chooser.evidence(), audio_from=start)
        turn.commit.agreement = self.options.agreement
        turn.stretch_start = start
        turn.language.continue_stretch(utt.language)
        if start == utt.audio_from:
            turn.last_encoded, turn.decoded_to = utt.last_encoded, utt.decoded_to
        turn.noise_votes = utt.noise_votes[-1:]
        self._next_id += 1
        self._utterance = turn
        self._redecide(turn)
        self.stats.turn_splits += 1
        events.append(self._event(UtteranceStarted, turn, "", start, speech_end))
        return events

    def _revise(self, utt: Utterance, words: list[str], position: int, speech_end: int):
        """Replace the utterance's committed text with a reading in another language."""
        previous_lang = utt.committed_lang
        previous_text = utt.commit.committed_text
        utt.commit = CommitState(agreement=self.options.agreement)
        utt.commit.commit_all(words)
        self._note_committed(utt)
        self.stats.revisions += 1
        assert utt.decision is not None
        logger.info(
            "utterance %d revised from %s to %s (p=%.2f)",
            utt.id,
            previous_lang,
            utt.decision.lang,
            utt.decision.probability,
        )
        revised = self._event(RevisedText, utt, utt.commit.committed_text, position, speech_end)
        return replace(revised, previous_lang=previous_lang, previous_text=previous_text)

    def _note_noise(self, utt: Utterance, hypothesis: Hypothesis) -> None:
        """One decode's vote on whether the utterance is noise (see ``_credible``)."""
        guards = self.engine.options.guards
        utt.noise_votes.append(
            sounds_like_noise(hypothesis.no_speech_prob, hypothesis.avg_logprob, guards)
        )

    def _note_committed(self, utt: Utterance) -> None:
        utt.committed_lang = utt.decision.lang if utt.decision else None

    def _final_hypothesis(self, utt: Utterance, end: int) -> Hypothesis:
        """The decode that may be committed whole.

        While the language is not settled, the same audio is also decoded in the pair's
        other language and the likelihoods join the evidence. After a pause (when the
        speech may be the other side's) both readings leave out the committed words, so
        neither is primed by the language they were in.
        """
        candidate = self._mode == AUTO and utt.turn_candidate
        first_bare = candidate and (utt.decision is None or utt.decision.fallback)
        encoded = self._encode(utt, end)
        decision = utt.decision
        assert decision is not None
        if self._mode != AUTO or not decision.fallback:
            return self._decode(utt, end, final=True, reuse=True, bare=first_bare)
        # Both readings at once, one per worker.
        other = self._other_language(decision.lang)
        readings = self._decoder.decode_each(
            utt, encoded, [decision.lang, other], final=True, bare=candidate
        )
        for reading in readings:
            self._note_noise(utt, reading)
        hypothesis, alternative = readings
        if hypothesis.no_speech:
            return hypothesis
        self.stats.language_decodes += 1
        by_lang = {decision.lang: hypothesis, other: alternative}
        utt.language.observe_likelihood(
            _reading_score(by_lang[self.pair.staff]), _reading_score(by_lang[self.pair.client])
        )
        self._redecide(utt)
        return by_lang[utt.decision.lang]

    def _other_language(self, lang: str) -> str:
        return self.pair.client if lang == self.pair.staff else self.pair.staff

    def _redecide(self, utt: Utterance) -> None:
        """Update the decision from the evidence (see :meth:`TurnLanguage.decision`)."""
        if self._mode != AUTO:
            return
        decision = self._turns.decision(utt, self._held_side)
        if utt.decision is not None and decision.lang != utt.decision.lang:
            utt.commit.forget_hypotheses()  # hypotheses in another language don't agree
        utt.decision = decision

    def _turn_change(self, utt: Utterance, final: bool) -> str | None:
        if self._mode != AUTO:
            return None
        return self._turns.change(utt, self._held_side, final)

    def _language_open(self, utt: Utterance) -> bool:
        """Whether the detector still listens to this utterance."""
        if self._mode != AUTO:
            return False
        unsettled = utt.decision is None or utt.decision.fallback or utt.turn_candidate
        return unsettled or utt.language.audio_seconds < self.options.language_evidence_seconds


#: A reading that repeats itself (any word three times, any group of words twice in a
#: row) is predictable text, not a better reading: its likelihood is discounted.
_ECHO = LoopRule(word_repeats=3, group_repeats=2, doubled_phrase=2)
_ECHO_PENALTY = 0.5


def _reading_score(hypothesis: Hypothesis) -> float:
    """Average log-probability of a reading, for comparing the pair's two languages."""
    echoes = hypothesis.looped or has_loop(hypothesis.words, _ECHO)
    return hypothesis.avg_logprob - (_ECHO_PENALTY if echoes else 0.0)
