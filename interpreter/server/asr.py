"""Whisper on the city's server, behind the same engine interface as local Whisper.

The streaming policy (:mod:`interpreter.streaming`) stays exactly as it is: it still calls
``encode``, ``language_scores``, ``submit``/``complete`` and ``word_end_times``. Only the
model runs elsewhere, through the OpenAI-compatible ``POST /v1/audio/transcriptions``
(``verbose_json``) that vLLM, speaches and faster-whisper servers serve. What that API
cannot do is done this way:

* ``encode`` keeps the audio; the server encodes it with each request.
* Language scores: a request without ``language`` gives the detected language, which
  counts as certain (the policy clamps a detection's weight anyway). It carries the prompt
  of the latest decode, so its transcription is the answer to the decode that follows in
  the detected language: one request instead of two while the language is checked.
* Committed words cannot be forced as a decoder prefix: the audio is transcribed whole
  and the words that repeat the committed prefix are dropped from the result.
* Word times for cutting committed audio are not available: the audio is not cut while
  the server serves (an utterance is at most 25 s long).

Every request has a deadline. A request that fails (down, slow, 401/429/5xx, garbage) is
answered by the local engine, from the same audio, and :class:`ServerHealth` keeps later
requests local until a background retry reaches the server again.
"""

from __future__ import annotations

import difflib
import io
import logging
import threading
import time
import wave
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from interpreter.asr.guards import (
    copies_context,
    is_no_speech,
    is_repetitive,
    remove_repetition_loops,
)
from interpreter.asr.results import Encoded, Hypothesis
from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.audio.base import SAMPLE_RATE
from interpreter.server.client import ServerClient, ServerError, ServerHealth
from interpreter.textnorm import normalise_for_wer

logger = logging.getLogger(__name__)

TRANSCRIPTIONS = "/v1/audio/transcriptions"


def wav_bytes(audio: np.ndarray) -> bytes:
    """16 kHz mono 16-bit PCM WAV: what every transcription server reads."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


class RemoteWhisper:
    """Transcription requests to one server."""

    def __init__(self, client: ServerClient) -> None:
        self.client = client
        self.model = client.config.asr_model or "whisper-1"
        self._count_lock = threading.Lock()
        self.requests = 0  # sent, for load figures
        self.failures = 0

    def transcribe(self, audio: np.ndarray, language: str | None, prompt: str = "") -> dict:
        """The server's ``verbose_json`` answer, checked for the fields used."""
        data = {
            "model": self.model,
            # faster-whisper-server reads the model from this field instead of ``model``.
            "model_name": self.model,
            "response_format": "verbose_json",
            "temperature": "0",
        }
        if language:
            data["language"] = language
        if prompt:
            data["prompt"] = prompt
        files = {"file": ("audio.wav", wav_bytes(audio), "audio/wav")}
        with self._count_lock:
            self.requests += 1
        try:
            return self._checked(self.client.post_form(TRANSCRIPTIONS, data, files))
        except ServerError:
            with self._count_lock:
                self.failures += 1
            raise

    def _checked(self, answer) -> dict:
        if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
            raise ServerError(
                f"Server {self.client.name} answered {TRANSCRIPTIONS} without a transcription "
                f"text: {str(answer)[:80]!r}"
            )
        segments = answer.get("segments")
        if segments is not None and not isinstance(segments, list):
            raise ServerError(f"Server {self.client.name} sent malformed segments.")
        return answer

    def detect_language(self, audio: np.ndarray, prompt: str = "") -> tuple[str, dict]:
        """The language the server hears, and its transcription in that language (with
        ``prompt``, as a decode in that language would send it)."""
        answer = self.transcribe(audio, None, prompt)
        language = answer.get("language")
        if not isinstance(language, str) or not language:
            raise ServerError(f"Server {self.client.name} did not say which language it heard.")
        return _language_code(language), answer


#: Names some servers return instead of ISO codes.
_LANGUAGE_NAMES = {"finnish": "fi", "english": "en", "swedish": "sv", "russian": "ru"}


def _language_code(value: str) -> str:
    value = value.strip().lower()
    return _LANGUAGE_NAMES.get(value, value)


def hypothesis_from_answer(answer: dict, prefix: str, engine: WhisperEngine) -> Hypothesis:
    """A :class:`Hypothesis` with the same guards as a local decode, the words that repeat
    the committed ``prefix`` dropped."""
    guards = engine.options.guards
    segments = [s for s in answer.get("segments") or [] if isinstance(s, dict)]
    text = str(answer.get("text", "")).strip()
    try:
        if segments:
            weights = [max(1, len(s.get("tokens") or [])) for s in segments]
            logprobs = [float(s.get("avg_logprob", 0.0)) for s in segments]
            avg_logprob = float(np.average(logprobs, weights=weights))
            no_speech_prob = float(segments[0].get("no_speech_prob", 0.0))
            compression = max(float(s.get("compression_ratio", 1.0)) for s in segments)
        else:
            avg_logprob, compression = 0.0, 1.0
            no_speech_prob = 0.0 if text else 1.0
    except (TypeError, ValueError) as exc:
        raise ServerError(f"Server sent malformed segment scores: {exc}") from exc
    words = after_prefix(text.split(), prefix.split())
    words, looped = remove_repetition_loops(words, guards)
    no_speech = is_no_speech(no_speech_prob, avg_logprob, guards)
    return Hypothesis(
        words=[] if no_speech else words,
        avg_logprob=avg_logprob,
        no_speech_prob=no_speech_prob,
        compression_ratio=compression,
        no_speech=no_speech,
        looped=looped or is_repetitive(text, guards),
        seconds=0.0,
    )


def after_prefix(words: Sequence[str], prefix: Sequence[str]) -> list[str]:
    """``words`` less the leading words that read the same as ``prefix``.

    The transcription may spell the committed words differently (case, punctuation, a
    word split or joined: "Lapsen it" committed from half a word, "Lapseni" heard whole):
    the cut is where the leading words are most like the prefix, letter by letter,
    compared without case and punctuation.
    """
    if not prefix:
        return list(words)
    target = normalise_for_wer(" ".join(prefix))
    normal = [normalise_for_wer(w) for w in words]
    best, best_score = 0, -1.0
    for cut in range(len(words) + 1):
        head = " ".join(w for w in normal[:cut] if w)
        score = difflib.SequenceMatcher(None, target, head, autojunk=False).ratio()
        if score > best_score + 1e-9:
            best, best_score = cut, score
    if best and _runs_past(target, normal[:best]):
        best -= 1  # a few letters said twice, rather than new words lost
    return list(words[best:])


#: Letters of the last word before the cut that the prefix leaves unexplained, beyond
#: which that word carries speech after the committed words.
_UNEXPLAINED_LETTERS = 4


def _runs_past(target: str, head: Sequence[str]) -> bool:
    """Whether the last word of ``head`` goes on past the committed words.

    A reading may join the end of the committed words and new speech into one word
    ("henkilön oli syöstodistustai" read as "henkilöllisyystodistustai"): dropping that
    word would lose what was said after the commit.
    """
    last = head[-1]
    joined = " ".join(w for w in head if w)
    matcher = difflib.SequenceMatcher(None, target, joined, autojunk=False)
    # Where the prefix's letters end in the reading (single letters match anywhere).
    explained = max((b.b + b.size for b in matcher.get_matching_blocks() if b.size > 1), default=0)
    unexplained = len(joined) - explained
    return unexplained >= _UNEXPLAINED_LETTERS and unexplained * 2 > len(last)


@dataclass
class _Audio:
    """What a server-side ``Encoded`` holds: the audio, and its local encoding once needed."""

    audio: np.ndarray
    local: Encoded | None = None
    #: Server answers by (language, prompt): the language request's transcription serves
    #: a decode in the language it detected.
    answers: dict[tuple[str, str], dict] = field(default_factory=dict)


class ServerWhisperEngine:
    """The engine interface of :class:`WhisperEngine`, served remotely with local fallback."""

    def __init__(self, local: WhisperEngine, remote: RemoteWhisper, health: ServerHealth) -> None:
        self.local = local
        self.remote = remote
        self.health = health
        self.options = local.options
        self.workers = local.workers
        self.device, self.compute_type = local.device, local.compute_type
        self.model_path = local.model_path
        self.load_seconds = local.load_seconds
        self._pool = ThreadPoolExecutor(max_workers=max(2, local.workers), thread_name_prefix="asr")
        self._lock = threading.Lock()
        self.last_backend = self.server_label
        #: The prompt of the latest decode: the next decode most likely sends it again
        #: (it changes only at a commit after a pause), so a language check sends it too.
        self._recent_prompt = ""

    @property
    def server_label(self) -> str:
        return f"server {self.remote.client.name}"

    @property
    def backend_name(self) -> str:
        """Who decoded the latest result: the server, or this PC."""
        return self.last_backend

    @property
    def multilingual(self) -> bool:
        return self.local.multilingual

    @property
    def supported_languages(self) -> list[str]:
        return self.local.supported_languages

    def close(self) -> None:
        self.health.close()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.remote.client.close()

    def window_seconds(self, audio_seconds: float) -> float:
        return self.local.window_seconds(audio_seconds)

    def encode(self, audio: np.ndarray) -> Encoded:
        """Keep the audio for the server; encode locally only while the server is down."""
        held = _Audio(np.asarray(audio, dtype=np.float32))
        seconds = len(audio) / SAMPLE_RATE
        if not self.health.available:
            held.local = self.local.encode(held.audio)
            return Encoded(held, seconds, held.local.window_seconds, held.local.seconds)
        return Encoded(held, seconds, seconds, 0.0)

    def _local_encoded(self, encoded: Encoded) -> Encoded:
        held: _Audio = encoded.output  # type: ignore[assignment]
        with self._lock:
            if held.local is None:
                held.local = self.local.encode(held.audio)
            return held.local

    def language_scores(self, encoded: Encoded) -> dict[str, float]:
        if self.health.available:
            held: _Audio = encoded.output  # type: ignore[assignment]
            prompt = self._recent_prompt
            try:
                language, answer = self.remote.detect_language(held.audio, prompt)
                held.answers[(language, prompt)] = answer
                return {language: 1.0}
            except ServerError as exc:
                self.health.failed(exc)
        return self.local.language_scores(self._local_encoded(encoded))

    def decode(
        self,
        encoded: Encoded,
        language: str,
        prefix: str = "",
        hotwords: Sequence[str] = (),
        final: bool = False,
        context: str = "",
    ) -> Hypothesis:
        return self.complete(self.submit(encoded, language, prefix, hotwords, final, context))

    def submit(
        self,
        encoded: Encoded,
        language: str,
        prefix: str = "",
        hotwords: Sequence[str] = (),
        final: bool = False,
        context: str = "",
    ) -> _ServerPending:
        started = time.perf_counter()
        self._recent_prompt = _prompt(hotwords, context)
        future = self._pool.submit(
            self._decode_now, encoded, language, prefix, tuple(hotwords), final, context
        )
        return _ServerPending(future, final, started)

    def complete(self, pending: _ServerPending) -> Hypothesis:
        hypothesis, backend = pending.future.result()
        self.last_backend = backend
        return replace(hypothesis, seconds=time.perf_counter() - pending.started)

    def _decode_now(self, encoded, language, prefix, hotwords, final, context):
        held: _Audio = encoded.output
        if self.health.available and held.local is None:
            fixed = f"{context} {prefix}"
            try:
                hypothesis = self._transcribe(held, language, prefix, _prompt(hotwords, context))
                guards = self.local.options.guards
                if context and copies_context(hypothesis.words, fixed, guards):
                    # As the local engine does: a copy of the prompt is read again without it.
                    reread = self._transcribe(held, language, prefix, _prompt(hotwords, ""))
                    if not copies_context(reread.words, fixed, guards):
                        hypothesis = reread
                return self.local.cut_loop_across_prefix(hypothesis, fixed), self.server_label
            except ServerError as exc:
                self.health.failed(exc)
        else:
            self.health.count_local()
        local = self._local_encoded(encoded)
        hypothesis = self.local.decode(local, language, prefix, hotwords, final, context)
        return hypothesis, "local"

    def _transcribe(self, held: _Audio, language: str, prefix: str, prompt: str) -> Hypothesis:
        answer = held.answers.get((language, prompt))
        if answer is None:
            answer = self.remote.transcribe(held.audio, language, prompt)
        return hypothesis_from_answer(answer, prefix, self.local)

    def word_end_times(self, encoded: Encoded, language: str, words: Sequence[str]) -> list[float]:
        """Alignment only on audio encoded locally; a server result is never cut (0.0 says
        no trustworthy cut, see ``UtteranceDecoder.committed_cut``)."""
        held: _Audio = encoded.output
        if held.local is None:
            return [0.0] * len(words)
        return self.local.word_end_times(held.local, language, words)


def _prompt(hotwords: Sequence[str], context: str) -> str:
    """Whisper's previous-text prompt: glossary terms, then the utterance's earlier text
    (as the local engine builds it)."""
    terms = ", ".join(t.strip() for t in hotwords if t.strip())
    return " ".join(part for part in (terms, context.strip()) if part)


class _ServerPending:
    """A decode running on the engine's pool (server request, or its local fallback)."""

    def __init__(self, future: Future, final: bool, started: float) -> None:
        self.future = future
        self.final = final
        self.started = started

    def done(self) -> bool:
        return self.future.done()

    def result(self) -> Hypothesis:
        return self.future.result()[0]
