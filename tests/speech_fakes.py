"""A stand-in for ``sounddevice``'s output side: a speaker that records what it plays
and can be unplugged mid-playback."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import numpy as np


class FakePortAudioError(Exception):
    pass


class FakeOutputStream:
    """Pulls blocks from the callback at the device's pace on its own thread."""

    def __init__(self, owner: FakeSpeaker, samplerate: float, callback, finished_callback, **_):
        self.owner, self.rate = owner, int(samplerate)
        self.callback, self.finished_callback = callback, finished_callback
        self.block = max(1, self.rate // 50)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        clock = 0.0
        while not self._stop.is_set():
            out = np.zeros((self.block, 1), np.float32)
            info = SimpleNamespace(currentTime=clock, outputBufferDacTime=clock + 0.05)
            self.callback(out, self.block, info, None)
            self.owner.record(out[:, 0])
            clock += self.block / self.rate
            self._stop.wait(self.block / self.rate)  # the device's own pace

    def lose(self) -> None:
        """Unplugged: the stream ends on its own."""
        self._stop.set()
        self._thread.join(5.0)
        self.finished_callback()

    def abort(self) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(5.0)

    def close(self) -> None:
        self.abort()


class FakeSpeaker:
    """The ``sounddevice`` surface :class:`AudioPlayer` uses, with one speaker."""

    PortAudioError = FakePortAudioError

    def __init__(self, name: str = "Desk speaker") -> None:
        self.name = name
        self.default = SimpleNamespace(device=(None, 0))
        self.streams: list[FakeOutputStream] = []
        self.unplugged = False
        self._lock = threading.Condition()
        self.played: list[np.ndarray] = []

    def query_devices(self) -> list[dict[str, Any]]:
        return [{"name": self.name, "max_output_channels": 2, "max_input_channels": 0}]

    def check_output_settings(self, **_: Any) -> None:
        if self.unplugged:
            raise FakePortAudioError("device unavailable")

    def OutputStream(self, **kwargs: Any) -> FakeOutputStream:
        stream = FakeOutputStream(self, **kwargs)
        self.streams.append(stream)
        return stream

    def record(self, block: np.ndarray) -> None:
        with self._lock:
            self.played.append(block.copy())
            self._lock.notify_all()

    def loud_seconds(self) -> float:
        """Seconds of sound played so far (all streams)."""
        with self._lock:
            return self._loud_locked()

    def wait_for_sound(self, seconds: float, timeout: float = 10.0) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self._loud_locked() >= seconds, timeout)

    def _loud_locked(self) -> float:
        audio = np.concatenate(self.played) if self.played else np.zeros(0)
        rate = self.streams[-1].rate if self.streams else 1
        return float(np.count_nonzero(np.abs(audio) > 1e-3)) / rate
