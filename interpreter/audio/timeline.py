"""When captured audio was heard: the clock time of a live stream's first sample.

Event times are sample positions: seconds of audio from the start of the stream. For a
file replay that is also time since the replay started. A device is different: it starts
delivering some time after it was opened (PulseAudio can take a second or two), then
hands over blocks a little after they were captured, sometimes late and in bursts when
the machine is busy. The pipeline's clock must count from the instant the first captured
sample was heard, not from the moment the device was opened, so that
``emitted_at - speech_end`` is the delay a listener feels on a microphone as on a replay.

:class:`CaptureTimeline` estimates that instant from the blocks' arrival times and the
number of samples captured. Each block gives an upper bound on it (a block cannot arrive
before its last sample was captured); the smallest bound seen recently is the estimate,
so late and bursty blocks do not move it. Only the last ``window_seconds`` count, so the
estimate follows a device clock that runs slightly fast or slow, and audio that was lost.
"""

from __future__ import annotations

import math
from collections import deque


class CaptureTimeline:
    """Maps a live stream's sample count to the clock its arrival times are read from.

    Not thread-safe: the owner serialises :meth:`add_block` and the readers.
    """

    def __init__(self, rate: float, window_seconds: float = 10.0, buckets: int = 4) -> None:
        if rate <= 0 or window_seconds <= 0 or buckets < 1:
            raise ValueError("rate, window_seconds and buckets must be positive")
        self.rate = float(rate)
        self.frames = 0
        self._bucket_seconds = window_seconds / buckets
        self._closed: deque[float] = deque(maxlen=buckets)  # minima of past buckets
        self._current = math.inf
        self._bucket_end = -math.inf
        self._origin: float | None = None

    def add_block(self, arrival: float, frames: int, age: float = 0.0) -> None:
        """``frames`` samples arrived at ``arrival``; the newest was captured ``age`` s earlier."""
        if frames <= 0:
            return
        self.frames += frames
        bound = arrival - age - self.frames / self.rate
        if arrival >= self._bucket_end:
            if math.isfinite(self._current):
                self._closed.append(self._current)
            self._current = math.inf
            self._bucket_end = arrival + self._bucket_seconds
        self._current = min(self._current, bound)
        self._origin = min(self._current, *self._closed) if self._closed else self._current

    @property
    def origin(self) -> float | None:
        """Clock time at which the first sample was captured; ``None`` before any audio."""
        return self._origin

    def stream_time(self, now: float) -> float | None:
        """Seconds of audio from the stream's start that correspond to clock time ``now``."""
        return None if self._origin is None else now - self._origin


def block_age(
    current_time: float, adc_time: float, frames: int, rate: float, bound: float
) -> float:
    """How long before the callback the newest sample of a block was captured.

    From PortAudio's callback times (``currentTime`` and ``inputBufferAdcTime``, the
    capture time of the block's first sample). Some host APIs report zeros or, like ALSA's
    PulseAudio plugin while a stream starts, the server's whole buffer: the result is
    therefore kept within ``[0, bound]``, where ``bound`` is the stream's input latency
    as PortAudio reports it.
    """
    age = current_time - adc_time - frames / rate
    if not math.isfinite(age) or age <= 0.0 or current_time <= 0.0:
        return 0.0
    return min(age, max(0.0, bound))
