"""Measures how long the UI event loop stalls: a timer that notes late ticks.

A QTimer set to fire every ``interval_ms`` fires late by however long the event loop was
busy; the worst lateness is the longest stall the user could have felt. Used by the tests
during a whole replayed conversation, and by the app at debug log level.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt, QTimer

logger = logging.getLogger(__name__)


class StallWatchdog(QObject):
    """Records event-loop stalls longer than ``report_ms`` and the longest one."""

    def __init__(
        self, interval_ms: int = 10, report_ms: float = 100.0, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.report_ms = report_ms
        self.max_stall_ms = 0.0
        self.stalls: list[float] = []
        self.ticks = 0
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._last = None

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            stall = (now - self._last) * 1000.0 - self.interval_ms
            self.max_stall_ms = max(self.max_stall_ms, stall)
            if stall > self.report_ms:
                self.stalls.append(stall)
                logger.debug("UI event loop stalled for %.0f ms", stall)
        self._last = now
        self.ticks += 1
