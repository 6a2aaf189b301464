"""The pipeline clock: seconds since the stream started, shared by all events."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class StreamClock:
    """Seconds since the stream started; the time source is injectable for tests.

    By default the stream starts at :meth:`start`. A live source knows better when its
    audio starts: :meth:`follow` makes the clock read the source's own stream time (the
    captured sample position that corresponds to now) once it has one, so that event
    times measured on this clock and sample positions share one scale.
    """

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._origin = now()
        self._stream_time: Callable[[], float | None] | None = None
        self._last_followed = float("-inf")
        self._lock = threading.Lock()  # events are stamped on several threads

    def start(self) -> None:
        self._origin = self._now()

    def follow(self, stream_time: Callable[[], float | None]) -> None:
        """Read ``stream_time()`` from now on; until it gives a value, time since start."""
        self._stream_time = stream_time

    def __call__(self) -> float:
        if self._stream_time is not None:
            value = self._stream_time()
            if value is not None:
                # The source refines its estimate as blocks arrive: never run backwards.
                with self._lock:
                    self._last_followed = max(self._last_followed, value)
                    return self._last_followed
        return self._now() - self._origin
