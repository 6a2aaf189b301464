"""One decoding step of Whisper on a stretch of audio, built for streaming.

faster-whisper's ``transcribe`` always pads to a 30 s window and detects the language
with a separate encoder pass. Streaming decodes the same growing utterance every half
second, so this engine uses faster-whisper's model, feature extractor and tokenizer but
drives CTranslate2 itself: the encoder runs once per step on a window just longer than
the audio, and that one encoder output serves language detection and decoding.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from interpreter.asr.engine_options import AsrOptions, resolve_device
from interpreter.asr.guards import (
    copies_context,
    is_no_speech,
    is_repetitive,
    remove_repetition_loops,
)
from interpreter.asr.results import Encoded, Hypothesis
from interpreter.audio.base import SAMPLE_RATE

logger = logging.getLogger(__name__)

_FRAMES_PER_SECOND = 100  # Whisper's mel hop is 10 ms


class WhisperEngine:
    """A loaded Whisper model; ``encode`` then ``language_scores`` and ``decode``."""

    #: Who decodes, as events name it (a server engine names the server).
    backend_name = "local"

    def __init__(self, model_path: Path, options: AsrOptions | None = None) -> None:
        from faster_whisper import WhisperModel

        self.options = options or AsrOptions()
        self.device, self.compute_type = resolve_device(self.options)
        threads = self.options.cpu_threads or os.cpu_count() or 1
        self.workers = max(1, min(self.options.workers, threads))
        started = time.perf_counter()
        self._model = WhisperModel(
            os.fspath(model_path),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=max(1, threads // self.workers),
            num_workers=self.workers,
            local_files_only=True,
        )
        self.load_seconds = time.perf_counter() - started
        self.model_path = Path(model_path)
        self._blas = _blas_threads()
        self._tokenizers: dict[str, object] = {}
        logger.info(
            "Loaded Whisper from %s on %s/%s (%d workers, %d threads) in %.2f s",
            model_path,
            self.device,
            self.compute_type,
            self.workers,
            threads,
            self.load_seconds,
        )

    @property
    def multilingual(self) -> bool:
        return bool(self._model.model.is_multilingual)

    @property
    def supported_languages(self) -> list[str]:
        return list(self._model.supported_languages)

    def _tokenizer(self, language: str):
        from faster_whisper.tokenizer import Tokenizer

        if language not in self._tokenizers:
            self._tokenizers[language] = Tokenizer(
                self._model.hf_tokenizer,
                self.multilingual,
                task="transcribe",
                language=language if self.multilingual else "en",
            )
        return self._tokenizers[language]

    def window_seconds(self, audio_seconds: float) -> float:
        o = self.options
        wanted = math.ceil(audio_seconds + o.window_margin_seconds)
        return float(min(30, max(o.min_window_seconds, wanted)))

    def encode(self, audio: np.ndarray) -> Encoded:
        """Run the encoder on a window just longer than ``audio`` (at most 30 s)."""
        from faster_whisper.audio import pad_or_trim

        started = time.perf_counter()
        audio_seconds = len(audio) / SAMPLE_RATE
        window = self.window_seconds(audio_seconds)
        with self._blas.limit(limits=1, user_api="blas"):
            features = self._model.feature_extractor(audio.astype(np.float32, copy=False))
        features = pad_or_trim(features, int(window * _FRAMES_PER_SECOND))
        output = self._model.encode(features)
        return Encoded(output, audio_seconds, window, time.perf_counter() - started)

    def language_scores(self, encoded: Encoded) -> dict[str, float]:
        """Probability of every language Whisper knows (codes like ``fi``)."""
        if not self.multilingual:
            return {"en": 1.0}
        results = self._model.model.detect_language(encoded.output)[0]
        return {token[2:-2]: float(prob) for token, prob in results}

    def decode(
        self,
        encoded: Encoded,
        language: str,
        prefix: str = "",
        hotwords: Sequence[str] = (),
        final: bool = False,
        context: str = "",
    ) -> Hypothesis:
        """Transcribe the words after ``prefix`` (committed text, forced, not regenerated).

        ``context`` is earlier text of the same utterance whose audio is no longer
        passed in; it and the ``hotwords`` (glossary terms) go into Whisper's
        previous-text prompt, which biases spelling and keeps the sentence coherent. On a
        final decode a looping or low-confidence result is retried with a wider beam.
        """
        return self.complete(self.submit(encoded, language, prefix, hotwords, final, context))

    def complete(self, pending: PendingHypothesis) -> Hypothesis:
        """Wait for a submitted decode. A reading that copies a run of its earlier text is
        read again without that text in the prompt; a final one that loops or has low
        confidence is retried with a wider beam."""
        started = pending.started
        hypothesis = pending.result()
        guards = self.options.guards
        if pending.context and copies_context(hypothesis.words, pending.fixed_words, guards):
            # Read again without the earlier text; a copy that stays was really said.
            unprompted = pending.without_context()
            reread = unprompted.result()
            if not copies_context(reread.words, pending.fixed_words, guards):
                logger.debug("a reading copied its previous-text prompt: read without it")
                pending, hypothesis = unprompted, reread
        doubtful = (
            hypothesis.looped
            or hypothesis.compression_ratio > (guards.compression_ratio_threshold)
            or hypothesis.avg_logprob < guards.log_prob_threshold
        )
        retry_beam = self.options.retry_beam_size
        wider = retry_beam > pending.beam_size
        if pending.final and doubtful and not hypothesis.no_speech and wider:
            retry = pending.retry(retry_beam).result()
            if retry.avg_logprob > hypothesis.avg_logprob or hypothesis.looped:
                hypothesis = retry
        return replace(hypothesis, seconds=time.perf_counter() - started)

    def submit(
        self,
        encoded: Encoded,
        language: str,
        prefix: str = "",
        hotwords: Sequence[str] = (),
        final: bool = False,
        context: str = "",
    ) -> PendingHypothesis:
        """Start :meth:`decode` on a free worker and return at once; :meth:`complete`
        takes the result."""
        request = self._request(
            encoded, self._tokenizer(language), prefix, hotwords, final, context
        )
        beam_size = self.options.final_beam_size if final else self.options.beam_size
        return PendingHypothesis(self, request, beam_size)

    def _request(self, encoded, tokenizer, prefix, hotwords, final, context) -> _DecodeRequest:
        prompt = self._prompt(tokenizer, prefix, hotwords, context)
        budget = int(self.options.max_tokens_per_second * encoded.audio_seconds) + 10
        prefix_tokens = len(tokenizer.encode(" " + prefix.strip())) if prefix else 0
        new_tokens = max(8, budget - prefix_tokens)
        # CTranslate2's Whisper bounds the whole sequence (prompt and new tokens) by
        # max_length and the returned part (forced prefix and new tokens) by half of it.
        wanted = max(len(prompt) + new_tokens, 2 * (prefix_tokens + new_tokens))
        max_length = min(self._model.max_length, wanted)
        return _DecodeRequest(
            encoded, prompt, tokenizer, max_length, prefix, tuple(hotwords), context, final
        )

    def word_end_times(self, encoded: Encoded, language: str, words: Sequence[str]) -> list[float]:
        """When each of ``words`` ends in the encoded audio (seconds), by cross-attention.

        Whisper's alignment is good to about a tenth of a second; callers cut audio only
        where an error of that size does no harm.
        """
        if not words:
            return []
        tokenizer = self._tokenizer(language)
        tokens = tokenizer.encode(" " + " ".join(words))
        frames = int(encoded.audio_seconds * _FRAMES_PER_SECOND)
        aligned = self._model.find_alignment(tokenizer, [tokens], encoded.output, frames)[0]
        # Whisper splits punctuation into words of its own: map back to our words by
        # counting non-space characters.
        ends: list[float] = []
        consumed, target = 0, 0
        pieces = iter(aligned)
        for word in words:
            target += len(word)
            end = ends[-1] if ends else 0.0
            while consumed < target:
                piece = next(pieces, None)
                if piece is None:
                    break
                consumed += len(piece["word"].strip())
                end = float(piece["end"])
            ends.append(end)
        return ends

    def cut_loop_across_prefix(self, hypothesis: Hypothesis, prefix: str) -> Hypothesis:
        """A forced prefix primes Whisper to repeat it: look for loops over both.

        The prefix is committed text and stays; only new copies are removed.
        """
        before = prefix.split()
        words, looped = remove_repetition_loops(
            before + hypothesis.words, self.options.guards, fixed=len(before)
        )
        if not looped:
            return hypothesis
        return replace(hypothesis, words=words[len(before) :], looped=True)

    def _prompt(
        self, tokenizer, prefix: str, hotwords: Sequence[str], context: str = ""
    ) -> list[int]:
        prompt: list[int] = []
        terms = ", ".join(t.strip() for t in hotwords if t.strip())
        previous: list[int] = []
        if terms:
            previous += tokenizer.encode(" " + terms)[: self._model.max_length // 4]
        if context.strip():
            previous += tokenizer.encode(" " + context.strip())
        if previous:
            # The most recent text matters most: keep the end when it is too long.
            prompt += [tokenizer.sot_prev, *previous[-(self._model.max_length // 2 - 1) :]]
        prompt += [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        if prefix.strip():
            prompt += tokenizer.encode(" " + prefix.strip())[: self._model.max_length // 2]
        return prompt

    def _start(self, encoded, prompt, max_length, beam_size):
        return self._model.model.generate(
            encoded.output,
            [prompt],
            asynchronous=True,
            beam_size=beam_size,
            max_length=max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]

    def _hypothesis(self, result, prompt, tokenizer) -> Hypothesis:
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        # CTranslate2 returns the forced prefix as part of the sequence: drop it.
        forced = prompt[prompt.index(tokenizer.no_timestamps) + 1 :]
        if forced and tokens[: len(forced)] == forced:
            tokens = tokens[len(forced) :]
        text = tokenizer.decode(tokens).strip()
        # CTranslate2 returns the length-normalised log-probability; convert it the way
        # Whisper computes its average (over tokens + end of text).
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        guards = self.options.guards
        words, looped = remove_repetition_loops(text.split(), guards)
        no_speech = is_no_speech(result.no_speech_prob, avg_logprob, guards)
        return Hypothesis(
            words=[] if no_speech else words,
            avg_logprob=float(avg_logprob),
            no_speech_prob=float(result.no_speech_prob),
            compression_ratio=_compression(text),
            no_speech=no_speech,
            looped=looped or is_repetitive(text, guards),
            seconds=0.0,
        )


@dataclass(frozen=True)
class _DecodeRequest:
    encoded: Encoded
    prompt: list[int]
    tokenizer: object
    max_length: int
    prefix: str
    hotwords: tuple[str, ...]
    context: str
    final: bool

    @property
    def fixed_words(self) -> str:
        """Committed text before the decoded words (context and prefix)."""
        return f"{self.context} {self.prefix}"


class PendingHypothesis:
    """A decode running on one of the engine's workers."""

    def __init__(self, engine: WhisperEngine, request: _DecodeRequest, beam_size: int) -> None:
        self._engine = engine
        self._request = request
        self.final = request.final
        self.beam_size = beam_size
        self.started = time.perf_counter()
        self._async = engine._start(request.encoded, request.prompt, request.max_length, beam_size)
        self._hypothesis: Hypothesis | None = None

    @property
    def context(self) -> str:
        return self._request.context

    @property
    def fixed_words(self) -> str:
        return self._request.fixed_words

    def done(self) -> bool:
        return self._hypothesis is not None or self._async.done()

    def result(self) -> Hypothesis:
        """The hypothesis, waiting for it if need be (loops across the prefix cut)."""
        if self._hypothesis is None:
            request = self._request
            raw = self._engine._hypothesis(self._async.result(), request.prompt, request.tokenizer)
            cut = self._engine.cut_loop_across_prefix(raw, request.fixed_words)
            self._hypothesis = replace(cut, seconds=time.perf_counter() - self.started)
        return self._hypothesis

    def retry(self, beam_size: int) -> PendingHypothesis:
        """The same decode again with another beam size."""
        return PendingHypothesis(self._engine, self._request, beam_size)

    def without_context(self) -> PendingHypothesis:
        """The same decode again with no earlier text in the prompt (glossary terms and
        the forced prefix stay)."""
        r = self._request
        request = self._engine._request(
            r.encoded, r.tokenizer, r.prefix, r.hotwords, r.final, context=""
        )
        return PendingHypothesis(self._engine, request, self.beam_size)


def _blas_threads():
    """numpy's BLAS thread pool, to run the feature extractor's small matrix products on
    one thread. Woken for them, OpenBLAS's other threads spin for about 0.1 s after
    every call: a core's worth of CPU for every encoder step, taken from the decoders
    and translation, for no gain in speed (docs/benchmarks.md)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _compression(text: str) -> float:
    from faster_whisper.transcribe import get_compression_ratio

    return get_compression_ratio(text) if text else 0.0
