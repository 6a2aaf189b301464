"""Decoding one utterance's audio with Whisper, committed words forced or as context."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interpreter.asr.results import Encoded, Hypothesis
from interpreter.asr.utterance import RecognizerStats, Utterance
from interpreter.asr.whisper_engine import PendingHypothesis, WhisperEngine
from interpreter.logs import conversation_logger

logger = logging.getLogger(__name__)
#: Transcript or translation text: silent unless the debug option logs it (logs.py).
text_log = conversation_logger(__name__)


class UtteranceDecoder:
    """Runs the engine for the recognizer and counts what it costs."""

    def __init__(self, engine: WhisperEngine, stats: RecognizerStats) -> None:
        self.engine = engine
        self.stats = stats
        self.hotwords: tuple[str, ...] = ()

    def encode(self, audio: np.ndarray) -> Encoded:
        encoded = self.engine.encode(audio)
        self.stats.decode_seconds += encoded.seconds
        return encoded

    def decode(
        self,
        utt: Utterance,
        encoded: Encoded,
        language: str,
        final: bool,
        bare: bool = False,
    ) -> Hypothesis:
        """Transcribe ``encoded`` with the committed words forced or as context; ``bare``:
        without them (a new reading, not a continuation)."""
        return self.decode_each(utt, encoded, [language], final, bare)[0]

    def decode_each(
        self,
        utt: Utterance,
        encoded: Encoded,
        languages: Sequence[str],
        final: bool,
        bare: bool = False,
    ) -> list[Hypothesis]:
        """:meth:`decode` in each of ``languages`` at once, one per free worker."""
        pending = [self.submit(utt, lang, encoded, final, bare) for lang in languages]
        results = [self.engine.complete(p) for p in pending]
        for lang, hypothesis in zip(languages, results, strict=True):
            self.count(utt, encoded, lang, hypothesis, final=final, bare=bare)
        return results

    def submit(
        self,
        utt: Utterance,
        language: str,
        encoded: Encoded,
        final: bool = False,
        bare: bool = False,
    ) -> PendingHypothesis:
        """Start a decode on a free worker (see :meth:`decode`); count it with :meth:`count`
        once its result is taken."""
        prefix, context = self._committed(utt, bare)
        return self.engine.submit(
            encoded, language, prefix=prefix, hotwords=self.hotwords, final=final, context=context
        )

    def _committed(self, utt: Utterance, bare: bool) -> tuple[str, str]:
        """(forced prefix, previous-text context) from the committed words."""
        if bare:
            return "", ""
        committed = utt.commit.committed
        return (
            " ".join(committed[utt.context_words :]),
            " ".join(committed[: utt.context_words]),
        )

    def count(
        self,
        utt: Utterance,
        encoded: Encoded,
        language: str,
        hypothesis: Hypothesis,
        final: bool,
        bare: bool = False,
    ) -> None:
        logger.debug(
            "decode utt %d (%s%s): %.2f s audio (window %.0f s), final=%s, enc %.3f s, "
            "dec %.3f s: %d words, no speech %.2f, log-prob %.2f",
            utt.id,
            language,
            ", bare" if bare else "",
            encoded.audio_seconds,
            encoded.window_seconds,
            final,
            encoded.seconds,
            hypothesis.seconds,
            len(hypothesis.text.split()),
            hypothesis.no_speech_prob,
            hypothesis.avg_logprob,
        )
        text_log.debug("decode utt %d: %s", utt.id, hypothesis.text)
        self.stats.decodes += 1
        self.stats.decode_seconds += hypothesis.seconds

    def committed_cut(self, utt: Utterance, minimum: int) -> tuple[float, int] | None:
        """Where the audio of committed words that are still forced can be cut off.

        Returns (seconds into the latest decode's audio, how many words it covers), or
        None when fewer than ``minimum`` words are forced or no cut is trustworthy. The
        most recent committed word stays forced: it anchors the decoder on the audio
        that follows the cut, so an alignment error of a few frames costs nothing.
        """
        words: Sequence[str] = utt.commit.committed[utt.context_words :]
        encoded = utt.last_encoded
        if not minimum or len(words) < minimum or encoded is None or utt.decision is None:
            return None
        ends = self.engine.word_end_times(encoded, utt.decision.lang, list(words))
        keep_anchor = len(words) - 2
        cut = ends[keep_anchor]
        # Trust only cuts well inside the audio that was aligned.
        if not 0.5 <= cut <= encoded.audio_seconds - 1.0:
            return None
        logger.debug("utt %d: decoding resumes %.2f s later", utt.id, cut)
        text_log.debug("utt %d: decoding resumes after %r", utt.id, words[keep_anchor])
        return cut, keep_anchor + 1


@dataclass
class PendingTentative:
    """A tentative decode that may still be running, and what it was started from."""

    hypothesis: PendingHypothesis
    utterance: Utterance
    encoded: Encoded
    lang: str
    end: int
    speech_end: int
    committed_words: int
    hypothesis_speech_end: int
    started_at: float  # session clock when its encoding began

    @classmethod
    def start(
        cls,
        decoder: UtteranceDecoder,
        utt: Utterance,
        encoded: Encoded,
        end: int,
        speech_end: int,
        started_at: float,
    ) -> PendingTentative:
        assert utt.decision is not None
        lang = utt.decision.lang
        hypothesis = decoder.submit(utt, lang, encoded)
        committed = len(utt.commit.committed)
        return cls(
            hypothesis,
            utt,
            encoded,
            lang,
            end,
            speech_end,
            committed,
            utt.hypothesis_speech_end,
            started_at,
        )

    def still_fits(self, utt: Utterance) -> bool:
        """Whether nothing it depends on changed while it ran (a commit, a new language,
        newer audio decoded for a pause)."""
        return (
            utt is self.utterance
            and utt.last_encoded is self.encoded
            and utt.decision is not None
            and utt.decision.lang == self.lang
            and len(utt.commit.committed) == self.committed_words
            and utt.hypothesis_speech_end == self.hypothesis_speech_end
        )
