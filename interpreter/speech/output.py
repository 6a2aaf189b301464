"""Speech output as a consumer of translation events.

:class:`SpeechOutput` takes every event (from any thread, without blocking) and speaks the
final translation of each utterance to the side that listens: the client hears the staff
member's words in the client's language, and, when that side is on, the staff member
hears the client's words in Finnish. Text is synthesised sentence by sentence on the
output's own thread and queued to the player as each sentence is ready, so the first
sentence plays while the rest is synthesised; neither the UI thread nor the recognition
thread ever waits for it.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from interpreter.events import CLIENT, SIDES, STAFF, TranslationEvent
from interpreter.speech.engines import SpeechError

logger = logging.getLogger(__name__)

#: A sentence longer than this is cut at its clauses, so the first sound comes sooner.
LONG_SENTENCE_CHARS = 90
#: The first piece is cut at its first clause when longer than this: a neural voice
#: synthesises a whole piece before it plays, so a short first piece is heard sooner.
FIRST_PIECE_CHARS = 24
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")


@dataclass(frozen=True)
class SpeechJob:
    """One text to speak: a final translation, or a bubble spoken again."""

    key: int
    text: str
    lang: str
    utterance_id: int | None = None
    #: Clock time the job was queued (for the latency figures).
    queued_at: float = 0.0
    #: The output's generation when queued: a stop() since drops the job.
    generation: int = 0


@dataclass(frozen=True)
class SpeechStarted:
    """The first sample of ``job`` reached the loudspeaker at ``heard_at``."""

    job: SpeechJob
    heard_at: float
    engine: str

    @property
    def latency(self) -> float:
        return self.heard_at - self.job.queued_at


def speech_chunks(text: str, lang: str) -> list[str]:
    """The pieces synthesised one by one: sentences, long ones cut at their clauses."""
    from interpreter.translate.sentences import split_sentences

    chunks: list[str] = []
    for segment in split_sentences(text, lang) or []:
        sentence = segment.text.strip()
        if len(sentence) <= LONG_SENTENCE_CHARS:
            chunks.append(sentence)
            continue
        piece = ""
        for clause in _CLAUSE_END.split(sentence):
            piece = f"{piece} {clause}".strip()
            if len(piece) >= LONG_SENTENCE_CHARS // 3:
                chunks.append(piece)
                piece = ""
        if piece:
            chunks.append(piece)
    chunks = [chunk for chunk in chunks if chunk]
    if chunks and len(chunks[0]) > FIRST_PIECE_CHARS:
        head, _, rest = chunks[0].partition(", ")
        if rest and len(head) >= 8:
            chunks[:1] = [head + ",", rest]
    return chunks


def listener_of(speaker_side: str | None) -> str | None:
    """Who hears an utterance's translation: the other side."""
    if speaker_side == STAFF:
        return CLIENT
    if speaker_side == CLIENT:
        return STAFF
    return None


class SpeechOutput:
    """Speaks final translations to the listening sides; see the module docstring.

    ``voices`` is a :class:`~interpreter.speech.voices.VoiceLibrary` (or anything with
    ``engine(lang)``); ``player`` an :class:`~interpreter.speech.player.AudioPlayer`.
    ``listeners``: the sides that hear translations (``client``, ``staff``).
    ``on_started`` and ``on_error`` are called on the output's or the audio thread.
    """

    def __init__(
        self,
        voices,
        player,
        listeners: Iterable[str] = (CLIENT,),
        *,
        on_started: Callable[[SpeechStarted], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.voices = voices
        self.player = player
        self.clock = clock
        self.on_started = on_started
        self.on_error = on_error
        self._listeners = frozenset(self._check_sides(listeners))
        self._jobs: queue.SimpleQueue[SpeechJob | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._generation = 0  # bumped by stop(): older jobs are dropped
        self._next_key = 0
        self._spoken: set[int] = set()  # utterances already spoken
        self._pending: dict[int, tuple[SpeechJob, int, str]] = {}  # chunk key -> job
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._thread = threading.Thread(target=self._run, name="speech-output", daemon=True)
        self._closed = False
        player.on_started = self._on_chunk_started
        player.on_lost = self.stop  # the rest of a sentence is not said on a reopened device
        self._thread.start()

    @staticmethod
    def _check_sides(sides: Iterable[str]) -> list[str]:
        sides = list(sides)
        unknown = [side for side in sides if side not in SIDES]
        if unknown:
            raise ValueError(f"Unknown side(s) {unknown}: use staff and/or client.")
        return sides

    # -- any thread ----------------------------------------------------------------------
    @property
    def listeners(self) -> frozenset[str]:
        return self._listeners

    def set_listeners(self, sides: Iterable[str]) -> None:
        self._listeners = frozenset(self._check_sides(sides))

    def submit(self, event: object) -> None:
        """Take any core event; final translations to a listening side are spoken."""
        if not isinstance(event, TranslationEvent) or not event.final:
            return
        if "untranslated" in event.flags or not event.text.strip() or not event.lang:
            return  # the source text in the wrong language must not be read out
        if listener_of(event.side) not in self._listeners:
            return
        with self._lock:
            if event.utterance_id in self._spoken:
                return  # a later final of the same utterance (e.g. revised): said once
            self._spoken.add(event.utterance_id)
        self._queue(event.text, event.lang, event.utterance_id)

    def say(self, text: str, lang: str) -> SpeechJob:
        """Speak ``text`` now (a bubble spoken again, or ``interpreter say``)."""
        return self._queue(text, lang, None)

    def stop(self) -> None:
        """Stop speaking at once and drop what is queued (barge-in, next client)."""
        with self._lock:
            self._generation += 1
            self._pending.clear()
        self.player.stop()

    def forget(self) -> None:
        """Next client: stop, and forget which utterances were spoken."""
        self.stop()
        with self._lock:
            self._spoken.clear()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every queued job has been synthesised and handed to the player."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def close(self, timeout: float = 5.0) -> None:
        if self._closed:
            return
        self._closed = True
        self.stop()
        self._jobs.put(None)
        self._thread.join(timeout)
        self.player.close()

    # -- the output's thread -------------------------------------------------------------
    def _queue(self, text: str, lang: str, utterance_id: int | None) -> SpeechJob:
        with self._lock:
            self._next_key += 1
            self._busy += 1
            job = SpeechJob(
                self._next_key, text, lang, utterance_id, self.clock(), self._generation
            )
        self._jobs.put(job)
        return job

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                self._speak(job)
            except SpeechError as exc:
                logger.warning("speech output: %s", exc)
                if self.on_error is not None:
                    self.on_error(str(exc))
            except Exception as exc:  # the output thread must survive anything
                logger.exception("speech output failed")
                if self.on_error is not None:
                    self.on_error(f"Speech output failed: {exc}")
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _speak(self, job: SpeechJob) -> None:
        generation = job.generation
        with self._lock:
            if generation != self._generation:
                return  # queued before a stop(): never said
        engine = self.voices.engine(job.lang)
        for index, chunk in enumerate(speech_chunks(job.text, job.lang)):
            stops = self.player.stops  # before the check: a stop after it drops the chunk
            synthesis = engine.synthesize(chunk)
            with self._lock:
                if generation != self._generation:
                    return  # stopped meanwhile
                key = (job.key, index)
                if index == 0:
                    self._pending[job.key] = (job, generation, engine.name)
            self.player.play(synthesis, key=key, stops=stops)

    def _on_chunk_started(self, key: object, heard_at: float) -> None:
        """From the player: a chunk's first sample is heard (the first chunk counts)."""
        if not isinstance(key, tuple) or key[1] != 0:
            return
        with self._lock:
            entry = self._pending.pop(key[0], None)
        if entry is not None and self.on_started is not None:
            job, _, engine = entry
            self.on_started(SpeechStarted(job, heard_at, engine))
