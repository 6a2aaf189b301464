"""The pipeline clock: seconds since the stream started, shared by all events."""

from __future__ import annotations

import time
from collections.abc import Callable


class StreamClock:
    """Monotonic seconds since :meth:`start`; the time source is injectable for tests."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._origin = now()

    def start(self) -> None:
        self._origin = self._now()

    def __call__(self) -> float:
        return self._now() - self._origin
