"""Playing synthesised speech on an output device (PortAudio through ``sounddevice``).

One output stream is opened when there is something to play and closed soon after the
last sample: opening one is cheap (tens of ms on PulseAudio), while a stream kept running
on silence makes PulseAudio grow its buffer, and every later sentence starts later.
Samples are queued from any thread; PortAudio's callback copies them out, applies the
volume and tells the :class:`~interpreter.speech.gate.PlaybackGate` when each block
reaches the loudspeaker (from PortAudio's DAC time), which is also when an item's first
sample is heard.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpreter.speech.engines import SpeechError, Synthesis

logger = logging.getLogger(__name__)

#: Rates tried for the stream: what the voices produce, then the usual device rates.
STREAM_RATES = (22_050, 48_000, 44_100, 16_000)


@dataclass
class _Item:
    """Samples of one queued piece, at the stream's rate, and where playback is."""

    key: object
    samples: np.ndarray
    offset: int = 0
    started: bool = False


class AudioPlayer:
    """Queue samples; they play in order on ``device`` (None: the system default).

    ``sounddevice`` is the module (or a stand-in with the same surface). ``on_started``
    gets ``(key, clock time the first sample is heard)`` for each queued piece;
    ``on_error`` a message when the device fails or disappears during playback, after
    ``on_lost`` (no arguments) has let the producer drop what it was about to queue.
    """

    def __init__(
        self,
        device: str | int | None = None,
        *,
        sounddevice: Any = None,
        volume: float = 1.0,
        gate: Any = None,
        idle_close_seconds: float = 1.0,
        latency: float | str = 0.1,
        clock: Callable[[], float] = time.monotonic,
        on_started: Callable[[object, float], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self._sd = sounddevice
        self.device = device
        self.volume = volume
        self.gate = gate
        self.idle_close_seconds = idle_close_seconds
        #: PortAudio's output latency: seconds, or "low"/"high". Python fills the
        #: buffer, so too little underruns on a busy PC (ALSA's pulse plugin drops audio).
        self.latency = latency
        self.clock = clock
        self.on_started = on_started
        self.on_error = on_error
        self.on_lost = on_lost
        self._lock = threading.Condition()
        #: Held while the stream is opened or closed, so a piece is never queued on a
        #: stream the idle closer is taking away.
        self._stream_lock = threading.RLock()
        self._queue: deque[_Item] = deque()
        self._stream: Any = None
        self._rate = 0
        self._idle_since: float | None = None
        self._closer: threading.Thread | None = None
        self._failed = False
        self._heard_until = 0.0  # clock time the last queued sample is heard
        #: How often stop() was called: a piece decided before a stop is not queued after it.
        self._stops = 0

    # -- any thread ----------------------------------------------------------------------
    @property
    def stops(self) -> int:
        """How many times :meth:`stop` was called (pass it to :meth:`play`)."""
        with self._lock:
            return self._stops

    def play(self, synthesis: Synthesis, key: object = None, stops: int | None = None) -> None:
        """Queue ``synthesis``; opens the device when it is not open. Raises
        :class:`SpeechError` when the device cannot be opened. With ``stops`` (the value of
        :attr:`stops` when the piece was decided on), a piece that a :meth:`stop` has
        overtaken meanwhile is dropped: a barge-in is never followed by more speech."""
        with self._stream_lock:
            if self._overtaken(stops):
                return  # before opening: a device lost meanwhile is not reopened for it
            self._ensure_stream(synthesis.rate)
            samples = _resample(synthesis.samples, synthesis.rate, self._rate)
            with self._lock:
                if self._overtaken(stops):
                    return
                self._queue.append(_Item(key, samples))
                self._idle_since = None
                self._lock.notify_all()

    def stop(self) -> None:
        """Silence at once: everything queued is dropped (barge-in, next client)."""
        with self._lock:
            self._stops += 1
            self._queue.clear()
            self._lock.notify_all()

    def _overtaken(self, stops: int | None) -> bool:
        with self._lock:
            return stops is not None and stops != self._stops

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._queue)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until everything queued has been handed to the device."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._queue or self._failed, timeout)

    def wait_done(self, timeout: float = 60.0) -> bool:
        """Wait until everything queued has been heard (its last sample played)."""
        deadline = self.clock() + timeout
        if not self.wait_idle(timeout):
            return False
        with self._lock:
            while not self._failed and self.clock() < min(self._heard_until, deadline):
                self._lock.wait(min(0.05, max(0.0, self._heard_until - self.clock())))
            return not self._failed and self.clock() >= self._heard_until

    def set_device(self, device: str | int | None) -> None:
        """Use another device from the next piece on (the open stream is closed)."""
        self.device = device
        self.close()

    def close(self) -> None:
        with self._stream_lock, self._lock:
            stream, self._stream = self._stream, None
            self._queue.clear()
            self._lock.notify_all()
        # Outside the lock: closing a PulseAudio stream can take a second, and the next
        # piece must not wait for it.
        _close_stream(stream)

    def _idle(self) -> bool:
        """Nothing queued and nothing played for ``idle_close_seconds`` (lock held)."""
        return (
            not self._queue
            and self._idle_since is not None
            and self.clock() - self._idle_since >= self.idle_close_seconds
        )

    def _close_when_idle(self) -> None:
        """Close the stream once nothing has played for ``idle_close_seconds``."""
        while True:
            with self._lock:
                if self._stream is None:
                    return
                if not self._idle():
                    self._lock.wait(0.2)
                    continue
            with self._stream_lock, self._lock:
                if not self._idle():
                    continue  # a piece came meanwhile
                stream, self._stream = self._stream, None
            _close_stream(stream)  # outside the lock (see close)
            return

    # -- stream --------------------------------------------------------------------------
    def _module(self) -> Any:
        if self._sd is None:
            from interpreter.audio.devices import load_sounddevice

            self._sd = load_sounddevice()
        return self._sd

    def _ensure_stream(self, wanted_rate: int) -> None:
        with self._lock:
            if self._stream is not None and not self._failed:
                return
        self.close()
        sd = self._module()
        device = self._device_index(sd)
        last_error: Exception | None = None
        for rate in (wanted_rate, *STREAM_RATES):
            try:
                sd.check_output_settings(
                    device=device, channels=1, dtype="float32", samplerate=rate
                )
                stream = sd.OutputStream(
                    device=device,
                    samplerate=rate,
                    channels=1,
                    dtype="float32",
                    blocksize=0,
                    latency=self.latency,
                    callback=self._callback,
                    finished_callback=self._on_finished,
                )
                stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                last_error = exc
                continue
            with self._lock:
                self._stream, self._rate, self._failed = stream, rate, False
                self._idle_since = None
            self._start_closer()
            logger.info("speech output on %s at %d Hz", self.describe(), rate)
            return
        raise SpeechError(
            f"Cannot open {self.describe()} for speech output ({last_error}): check that "
            "it is connected, or choose another output device."
        )

    def _device_index(self, sd: Any) -> int | None:
        if self.device is None or self.device == "" or isinstance(self.device, int):
            return self.device or None
        if str(self.device).isdigit():
            return int(self.device)
        wanted = str(self.device).lower()
        for index, info in enumerate(sd.query_devices()):
            if info["max_output_channels"] > 0 and wanted in info["name"].lower():
                return index
        raise SpeechError(
            f"No output device matches {self.device!r}: choose one of the output devices "
            "(interpreter say --devices)."
        )

    def describe(self) -> str:
        if self.device in (None, ""):
            return "the default output device"
        return f"the output device {self.device!r}"

    def _start_closer(self) -> None:
        if self._closer is not None and self._closer.is_alive():
            return
        self._closer = threading.Thread(
            target=self._close_when_idle, daemon=True, name="speech-out"
        )
        self._closer.start()

    # -- PortAudio's thread --------------------------------------------------------------
    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        now = self.clock()
        try:
            ahead = max(0.0, float(time_info.outputBufferDacTime) - float(time_info.currentTime))
        except (AttributeError, TypeError, ValueError):
            ahead = 0.0
        heard_at = now + (ahead if ahead < 2.0 else 0.0)
        out = outdata[:, 0]
        out.fill(0.0)
        filled = 0
        started: list[tuple[object, float]] = []
        with self._lock:
            while filled < frames and self._queue:
                item = self._queue[0]
                take = min(frames - filled, len(item.samples) - item.offset)
                if not item.started:
                    item.started = True
                    started.append((item.key, heard_at + filled / self._rate))
                out[filled : filled + take] = item.samples[item.offset : item.offset + take]
                item.offset += take
                filled += take
                if item.offset >= len(item.samples):
                    self._queue.popleft()
            if filled == 0:
                if self._idle_since is None:
                    self._idle_since = now
                self._lock.notify_all()
                return
            if not self._queue:
                self._lock.notify_all()
            out[:filled] *= self.volume
            self._heard_until = heard_at + filled / self._rate
            if self.gate is not None:
                # Under the lock: once stop() has returned, every block that will still be
                # heard has been counted, so a barge-in knows where the app's speech ended.
                block = out[:filled]
                self.gate.note_played(
                    heard_at, filled / self._rate, float(np.dot(block, block)) / filled
                )
        if self.on_started is not None:
            for key, at in started:
                self.on_started(key, at)

    def _on_finished(self) -> None:
        with self._lock:
            unexpected = self._stream is not None
            if unexpected:
                # Like a stop: what was being said is dropped, not resumed mid-sentence
                # on a reopened device.
                self._failed = True
                self._stops += 1
                self._queue.clear()
            self._lock.notify_all()
        if unexpected:
            if self.on_lost is not None:
                self.on_lost()
            message = (
                f"Speech output on {self.describe()} stopped (unplugged or failed): "
                "reconnect it or choose another output device."
            )
            logger.warning("%s", message)
            if self.on_error is not None:
                self.on_error(message)


def _close_stream(stream: Any) -> None:
    if stream is None:
        return
    try:
        stream.abort()
        stream.close()
    except Exception as exc:  # a device that vanished cannot always be closed
        logger.info("closing the output stream: %s", exc)


def output_devices(sd: Any = None) -> list[tuple[int, str, bool]]:
    """(index, name, is the default) of every device that can play audio."""
    if sd is None:
        from interpreter.audio.devices import load_sounddevice

        sd = load_sounddevice()
    try:
        default = sd.default.device[1]
    except (AttributeError, IndexError, TypeError):
        default = None
    return [
        (index, info["name"], index == default)
        for index, info in enumerate(sd.query_devices())
        if info["max_output_channels"] > 0
    ]


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return np.ascontiguousarray(samples, dtype=np.float32)
    import soxr

    return soxr.resample(samples.astype(np.float32), rate, target).astype(np.float32)
