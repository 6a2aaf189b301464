"""The language readings of an utterance: the same audio decoded in both languages.

While an utterance's language is not settled, the decode that may be committed is made
in both languages of the pair and their likelihoods join the language evidence; the
decision is then updated from all the evidence. :class:`LanguageReadings` is a part of
:class:`~interpreter.streaming.StreamingRecognizer`, kept in its own module for size; it
works on the recognizer's state.
"""

from __future__ import annotations

from interpreter.asr.decoding import UtteranceDecoder
from interpreter.asr.guards import sounds_like_clear_speech, sounds_like_noise
from interpreter.asr.language import LanguagePair
from interpreter.asr.results import Hypothesis
from interpreter.asr.turns import TurnLanguage
from interpreter.asr.utterance import RecognizerStats, Utterance
from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.repetition import LoopRule, has_loop
from interpreter.streaming_options import StreamingOptions

AUTO = "auto"


class LanguageReadings:
    """Readings in both languages, noise votes and language decisions (decoding itself is
    the recognizer's ``_encode`` and ``_decode``)."""

    # The recognizer's state these methods work on (set by its constructor).
    engine: WhisperEngine
    pair: LanguagePair
    options: StreamingOptions
    stats: RecognizerStats
    _turns: TurnLanguage
    _decoder: UtteranceDecoder
    _mode: str
    _held_side: str | None

    def _note_noise(self, utt: Utterance, hypothesis: Hypothesis) -> None:
        """One decode's vote on whether the utterance is noise (see ``_credible``)."""
        guards = self.engine.options.guards
        no_speech, log_prob = hypothesis.no_speech_prob, hypothesis.avg_logprob
        utt.noise_votes.append(sounds_like_noise(no_speech, log_prob, guards))
        words = 0 if hypothesis.looped else len(hypothesis.words)
        if sounds_like_clear_speech(no_speech, log_prob, words, guards):
            utt.speech_heard = True

    def _final_hypothesis(self, utt: Utterance, end: int, speech_end: int) -> Hypothesis:
        """The decode that may be committed whole: the audio to ``end``, in a pause after
        speech that ended at ``speech_end``.

        While the language is not settled (or rests on a short detection, see
        :meth:`_short_and_open`), the same audio is also decoded in the pair's other
        language and the likelihoods join the evidence. After a pause (when the
        speech may be the other side's) both readings leave out the committed words, so
        neither is primed by the language they were in. Not once words after the pause
        are committed too: a bare reading would read them again, and they would be
        committed twice.
        """
        since_pause = utt.commit.committed[utt.context_words :]
        candidate = self._mode == AUTO and utt.turn_candidate and not since_pause
        first_bare = candidate and (utt.decision is None or utt.decision.fallback)
        pause = utt.encoded_pause(speech_end)
        if pause is not None:
            encoded = pause.encoded
            utt.pause_encoding = None  # decoded now
        else:
            encoded = self._encode(utt, end, speech_end=speech_end)
        decision = utt.decision
        assert decision is not None
        if self._mode != AUTO or (not decision.fallback and not self._short_and_open(utt)):
            return self._decode(utt, end, final=True, reuse=True, bare=first_bare)
        # Both readings at once, one per worker.
        other = self._other_language(decision.lang)
        readings = self._decoder.decode_each(
            utt, encoded, [decision.lang, other], final=True, bare=candidate
        )
        hypothesis, alternative = readings
        # One vote for one piece of audio: it is speech if either language reads it as
        # such (the reading forced into the wrong language is always a poor one).
        self._note_noise(utt, max(readings, key=lambda reading: reading.avg_logprob))
        if hypothesis.no_speech:
            return hypothesis
        self.stats.language_decodes += 1
        by_lang = {decision.lang: hypothesis, other: alternative}
        utt.language.observe_likelihood(
            _reading_score(by_lang[self.pair.staff]), _reading_score(by_lang[self.pair.client])
        )
        self._redecide(utt)
        return by_lang[utt.decision.lang]

    def _short_and_open(self, utt: Utterance) -> bool:
        """Whether nothing of the utterance is committed yet and the detector heard too
        little of it to count fully: its language is then also weighed by which
        language reads it better, however settled it looks (a word or two costs little
        to decode twice, and Whisper's detector is least reliable on it)."""
        full = self._turns.options.full_weight_seconds
        return not utt.commit.committed and utt.language.audio_seconds < full

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
