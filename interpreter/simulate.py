"""Deterministic replay: run a recorded signal through the core without waiting.

A virtual clock stands in for the wall clock. Audio block *i* becomes available at its
end time; a processing step starts when the core is free and the next block is there,
and takes the compute time it really took (or none, with ``count_compute=False``). As in
the live pipeline, every block that arrived during a step is fed before the next one.
So ``emitted_at - speech_end`` is the latency a live user would feel on this machine,
measured in a fraction of the real-time duration.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from interpreter.audio.base import SAMPLE_RATE
from interpreter.events import Event
from interpreter.streaming import StreamingRecognizer


class VirtualClock:
    """Virtual seconds: ``now`` plus the compute time of the step in progress."""

    def __init__(self) -> None:
        self.now = 0.0
        self._step_started: float | None = None

    def begin_step(self, count_compute: bool = True) -> None:
        """Start a step; without ``count_compute`` time stands still until it ends, so
        everything the core measures on this clock depends on the audio alone."""
        self._step_started = time.perf_counter() if count_compute else None

    def end_step(self) -> None:
        if self._step_started is not None:
            self.now += time.perf_counter() - self._step_started
        self._step_started = None

    def __call__(self) -> float:
        if self._step_started is None:
            return self.now
        return self.now + time.perf_counter() - self._step_started


def blocks(audio: np.ndarray, block_seconds: float) -> Iterator[tuple[float, np.ndarray]]:
    size = max(1, int(block_seconds * SAMPLE_RATE))
    for start in range(0, len(audio), size):
        chunk = audio[start : start + size]
        yield (start + len(chunk)) / SAMPLE_RATE, chunk


def simulate(
    recognizer: StreamingRecognizer,
    clock: VirtualClock,
    audio: np.ndarray,
    block_seconds: float = 0.1,
    count_compute: bool = True,
) -> list[Event]:
    """Replay ``audio`` through ``recognizer`` (built with ``clock``); return all events."""
    events: list[Event] = []
    pending = list(blocks(audio, block_seconds))
    index = 0
    while index < len(pending):
        available_at = pending[index][0]
        clock.now = max(clock.now, available_at)
        # Everything that arrived while the previous step ran is fed at once.
        while index < len(pending) and pending[index][0] <= clock.now:
            recognizer.insert_audio(pending[index][1])
            index += 1
        clock.begin_step(count_compute)
        boundary_events = recognizer.process()
        events += boundary_events
        if boundary_events:  # as the pipeline does: the step follows at once
            events += recognizer.process()
        clock.end_step()
    clock.begin_step(count_compute)
    events += recognizer.finish()
    clock.end_step()
    return events
