"""Threads around the synchronous core: an audio source in, events out.

One worker thread owns the :class:`StreamingRecognizer`: it blocks on the audio source,
feeds everything that has arrived, runs one processing step and publishes the events.
Commands from other threads (speaker mode, push-to-talk, next client, stop) are queued
and run by the worker between steps, so the recognizer never needs a lock.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from interpreter.audio.base import AudioError, AudioSource
from interpreter.clock import StreamClock
from interpreter.events import ErrorEvent, Event, TentativeText
from interpreter.streaming import StreamingRecognizer

logger = logging.getLogger(__name__)

#: How long the worker waits for audio before looking at its command queue.
_READ_TIMEOUT_SECONDS = 0.1


class EventQueue:
    """A bounded queue of events for a consumer thread.

    When the consumer falls behind, tentative updates are dropped (and counted): they
    are replaced by the next one anyway. Every other event waits for room.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self._queue: queue.Queue[Event | None] = queue.Queue(maxsize)
        self.dropped = 0

    def put(self, event: Event | None) -> None:
        if isinstance(event, TentativeText):
            try:
                self._queue.put_nowait(event)
            except queue.Full:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 100 == 0:
                    logger.warning(
                        "event consumer is slow: %d tentative updates dropped", self.dropped
                    )
            return
        self._queue.put(event)

    def get(self, timeout: float | None = None) -> Event | None:
        """Next event; ``None`` once the pipeline has finished. Raises queue.Empty on timeout."""
        return self._queue.get(timeout=timeout)

    def __iter__(self) -> Iterator[Event]:
        while (event := self._queue.get()) is not None:
            yield event


class Pipeline:
    """Runs a source through a recognizer on a worker thread.

    ``on_event`` is called on the worker thread for every event (a GUI bridges it to its
    own thread); :attr:`events` is a queue for consumers that prefer to pull (created
    when no ``on_event`` is given).
    """

    def __init__(
        self,
        source: AudioSource,
        recognizer: StreamingRecognizer,
        clock: StreamClock | None = None,
        on_event: Callable[[Event], None] | None = None,
        event_queue: EventQueue | None = None,
    ) -> None:
        self.source = source
        self.recognizer = recognizer
        self.clock = clock or StreamClock()
        self._on_event = on_event
        # A queue only when someone will drain it: an undrained queue would block the worker.
        if event_queue is None and on_event is None:
            event_queue = EventQueue()
        self.events = event_queue
        self._commands: queue.SimpleQueue[Callable[[], list[Event]]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("pipeline already started")
        self.clock.start()
        self.source.start()
        # A live source times its own audio (it may start delivering long after it was
        # opened): event times then count seconds of captured audio, like sample positions.
        stream_time = getattr(self.source, "stream_time", None)
        if callable(stream_time):
            self.clock.follow(stream_time)
        self._thread = threading.Thread(target=self._run, name="interpreter-pipeline", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening; audio captured so far is still recognised and emitted."""
        self._stop.set()
        self.source.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker has emitted its last event; False on timeout."""
        return self._finished.wait(timeout)

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    # -- commands (any thread) ------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """``auto``, ``staff`` or ``client``; the open utterance is finished first."""
        self._commands.put(lambda: self.recognizer.set_mode(mode))

    def set_held_side(self, side: str | None) -> None:
        self._commands.put(lambda: _no_events(self.recognizer.set_held_side(side)))

    def set_hotwords(self, terms: list[str]) -> None:
        self._commands.put(lambda: _no_events(self.recognizer.set_hotwords(terms)))

    def reset(self) -> None:
        """Next client: forget the conversation, including any open utterance."""
        self._commands.put(lambda: _no_events(self.recognizer.reset()))

    # -- worker ---------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
        except AudioError as exc:
            logger.error("audio source failed: %s", exc)
            self.error = exc
            self._publish_error(str(exc), "audio")
            self._finish_quietly()
        except Exception as exc:  # the worker must report, not die silently
            logger.exception("pipeline worker failed")
            self.error = exc
            self._publish_error(f"Recognition failed: {exc}", "core")
        finally:
            if self.events is not None:
                self.events.put(None)
            self._finished.set()

    def _loop(self) -> None:
        ended = False
        while not ended:
            block = self.source.read(_READ_TIMEOUT_SECONDS)
            self._run_commands()
            if block is None:
                break
            self.recognizer.insert_audio(block)
            # Take everything that is already waiting, so a slow step catches up at once.
            while (more := self.source.read(0.0)) is not None and len(more):
                self.recognizer.insert_audio(more)
            ended = more is None
            events = self.recognizer.process()
            self._publish_all(events)
            if events:
                # Boundary events (a commit at a pause, an utterance's end) come back at
                # once, before the recognition step they would otherwise wait for.
                self._publish_all(self.recognizer.process())
        self._run_commands()
        self._publish_all(self.recognizer.finish())

    def _run_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            self._publish_all(command())

    def _finish_quietly(self) -> None:
        try:
            self._publish_all(self.recognizer.finish())
        except Exception:
            logger.exception("could not finish the open utterance after an audio error")

    def _publish_all(self, events: list[Event]) -> None:
        if not events:
            return
        # Stamped as they leave the core: one step can hold an event back for a whole
        # decode after it was made, and a listener only sees it now.
        now = self.clock()
        for event in events:
            event = replace(event, emitted_at=max(event.emitted_at, now))
            if self._on_event is not None:
                self._on_event(event)
            if self.events is not None:
                self.events.put(event)

    def _publish_error(self, message: str, source: str) -> None:
        self._publish_all(
            [
                ErrorEvent(
                    utterance_id=0,
                    side=None,
                    lang=None,
                    text=message,
                    audio_start=0.0,
                    audio_end=0.0,
                    speech_end=0.0,
                    emitted_at=self.clock(),
                    source=source,
                    fatal=True,
                )
            ]
        )


def _no_events(_: object) -> list[Event]:
    return []
