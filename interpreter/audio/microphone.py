"""Live capture from a PortAudio input device, delivered as 16 kHz mono float32."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from interpreter.audio.base import SAMPLE_RATE, AudioError, mean_square_to_dbfs
from interpreter.audio.devices import InputDevice, load_sounddevice, select_input_device
from interpreter.audio.resample import StreamResampler, to_mono
from interpreter.audio.timeline import CaptureTimeline, block_age

log = logging.getLogger(__name__)

#: Rates tried after 16 kHz and the device's own default, most common first.
FALLBACK_RATES = (48_000, 44_100, 32_000, 22_050)


@dataclass(frozen=True)
class CaptureSettings:
    """How the PortAudio stream is opened."""

    samplerate: float
    channels: int
    blocksize: int


def candidate_rates(device: InputDevice) -> list[float]:
    """Rates to try, in order: 16 kHz (no resampling), the device default, common rates."""
    rates: list[float] = []
    for rate in (SAMPLE_RATE, device.default_samplerate, *FALLBACK_RATES):
        if rate > 0 and float(rate) not in rates:
            rates.append(float(rate))
    return rates


def choose_settings(sd: Any, device: InputDevice, block_seconds: float) -> CaptureSettings:
    """Find a rate and channel count the device accepts (mono preferred, else downmixed)."""
    rates = candidate_rates(device)
    channel_options = [1] if device.max_input_channels <= 1 else [1, device.max_input_channels]
    last_error: Exception | None = None
    for rate in rates:
        for channels in channel_options:
            try:
                sd.check_input_settings(
                    device=device.index, channels=channels, dtype="float32", samplerate=rate
                )
            except (sd.PortAudioError, ValueError) as exc:
                last_error = exc
                continue
            blocksize = max(1, round(rate * block_seconds))
            return CaptureSettings(samplerate=rate, channels=channels, blocksize=blocksize)
    tried = ", ".join(f"{rate:g}" for rate in rates)
    counts = " or ".join(str(count) for count in channel_options)
    raise AudioError(
        f"Input device {device.name!r} (index {device.index}) accepts none of the sample "
        f"rates {tried} Hz with {counts} channel(s): choose another device, or check that "
        f"no other program holds it exclusively (last error: {last_error})"
    )


class _FrameRing:
    """A preallocated ring of float32 frames; the owner serialises access with its lock."""

    def __init__(self, capacity: int, channels: int) -> None:
        self._buf = np.zeros((capacity, channels), dtype=np.float32)
        self._start = 0
        self.count = 0

    def write(self, block: np.ndarray) -> bool:
        """Copy ``block`` in; ``False`` (nothing written) when it does not fit."""
        capacity = len(self._buf)
        n = len(block)
        if n > capacity - self.count:
            return False
        end = (self._start + self.count) % capacity
        first = min(n, capacity - end)
        self._buf[end : end + first] = block[:first]
        if first < n:
            self._buf[: n - first] = block[first:]
        self.count += n
        return True

    def pop_all(self) -> np.ndarray:
        """Remove and return everything buffered, oldest first."""
        capacity = len(self._buf)
        start, n = self._start, self.count
        if start + n <= capacity:
            out = self._buf[start : start + n].copy()
        else:
            out = np.concatenate((self._buf[start:], self._buf[: start + n - capacity]))
        self._start = (start + n) % capacity
        self.count = 0
        return out


class MicrophoneSource:
    """An :class:`~interpreter.audio.base.AudioSource` reading a PortAudio input device.

    ``device`` is a name substring, an index or ``None`` for the system default. The
    device is resolved and its settings checked in the constructor, so a bad choice
    fails early with an :class:`AudioError`; the stream opens in :meth:`start`.

    ``sounddevice`` is the module (or a stand-in with the same surface) used for all
    PortAudio access. ``buffer_seconds`` bounds the audio kept while the reader lags;
    blocks that do not fit are dropped and counted as overruns. ``clock`` (seconds, like
    :func:`time.monotonic`) times the blocks' arrival for :meth:`stream_time`.
    """

    def __init__(
        self,
        device: str | int | None = None,
        *,
        sounddevice: ModuleType | Any | None = None,
        buffer_seconds: float = 10.0,
        block_seconds: float = 0.02,
        overrun_log_interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sd = sounddevice if sounddevice is not None else load_sounddevice()
        self._clock = clock
        self.device: InputDevice = select_input_device(device, self._sd)
        self.settings: CaptureSettings = choose_settings(self._sd, self.device, block_seconds)
        capacity = max(self.settings.blocksize, round(self.settings.samplerate * buffer_seconds))
        self._ring = _FrameRing(capacity, self.settings.channels)
        self._cond = threading.Condition()
        self._timeline = CaptureTimeline(self.settings.samplerate)
        self._input_latency = 0.0  # PortAudio's figure for the open stream
        self._stream: Any = None
        self._resampler: StreamResampler | None = None
        self._started = False
        self._stop_requested = False
        self._ended = False  # no more frames will arrive: stopped or the stream died
        self._flushed = False
        self._lost = False  # the stream ended without stop(): unplugged or failed
        self._lost_reported = False
        self._mean_square = 0.0
        self._port_overflows = 0
        self._dropped_blocks = 0
        self._log_interval = overrun_log_interval
        self._reported_overruns = 0
        self._last_report: float | None = None

    # -- AudioSource -------------------------------------------------------------------

    def start(self) -> None:
        """Open and start the input stream."""
        with self._cond:
            if self._started or self._stop_requested:
                raise RuntimeError("a MicrophoneSource can only be started once")
            self._started = True
        self._resampler = StreamResampler(self.settings.samplerate)
        try:
            stream = self._open_stream()
        except AudioError:
            with self._cond:  # no audio will ever come: let readers see the end
                self._ended = True
                self._cond.notify_all()
            raise
        with self._cond:
            self._stream = stream
            stopped_meanwhile = self._stop_requested
        if stopped_meanwhile:  # stop() ran on another thread before the stream existed
            stream.stop()
            stream.close()
            return
        log.info(
            "Capturing from %s at %g Hz, %d channel(s)",
            self.description,
            self.settings.samplerate,
            self.settings.channels,
        )

    def read(self, timeout: float) -> np.ndarray | None:
        """Return the audio captured since the last call, resampled to 16 kHz mono."""
        with self._cond:
            if not self._started and not self._stop_requested:
                raise RuntimeError("call start() before read()")
            if self._ring.count == 0 and not self._ended:
                self._cond.wait_for(lambda: self._ring.count > 0 or self._ended, timeout)
            frames = self._ring.pop_all() if self._ring.count else None
            ended = self._ended
            overruns = self._port_overflows + self._dropped_blocks
        self._report_overruns(overruns, force=ended)
        if self._flushed or self._resampler is None:
            return self._end_of_stream()
        if frames is None and not ended:
            return np.zeros(0, dtype=np.float32)
        mono = to_mono(frames) if frames is not None else np.zeros(0, dtype=np.float32)
        # The ring was drained under the lock after the end was signalled: nothing more
        # can arrive, so flush the resampler's tail now.
        out = self._resampler.process(mono, last=ended)
        if ended:
            self._flushed = True
            if out.size == 0:
                return self._end_of_stream()
        return out

    def _end_of_stream(self) -> None:
        """``None`` after stop(); once an :class:`AudioError` when the device was lost."""
        with self._cond:
            lost, self._lost_reported = self._lost and not self._lost_reported, True
        if lost:
            raise AudioError(
                f"Input device {self.description} stopped delivering audio (unplugged or "
                "failed): reconnect it or choose another device"
            )
        return None

    def stop(self) -> None:
        """Stop capturing; already captured audio stays readable. Safe to call twice."""
        with self._cond:
            if self._stop_requested:
                return
            self._stop_requested = True
            stream = self._stream
        if stream is not None:
            try:
                stream.stop()  # waits for a running callback to return
                stream.close()
            except self._sd.PortAudioError as exc:
                log.warning("Closing input device %s failed: %s", self.description, exc)
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def stream_time(self) -> float | None:
        """Seconds of captured audio that correspond to now; ``None`` before any audio.

        Sample positions and this time share one scale: the first captured sample is at
        0, and a sample at position ``p`` was captured at stream time ``p`` (estimated
        from the blocks' arrival and PortAudio's input latency). The pipeline's clock
        follows it, so an event's ``emitted_at - speech_end`` is the delay a listener
        feels, however long the device took to start.
        """
        with self._cond:
            return self._timeline.stream_time(self._clock())

    def wait_for_audio(self, timeout: float) -> bool:
        """Wait until the device has delivered its first block; ``False`` on timeout or
        when the stream ended without any."""
        with self._cond:
            self._cond.wait_for(lambda: self._timeline.frames > 0 or self._ended, timeout)
            return self._timeline.frames > 0

    @property
    def level_dbfs(self) -> float:
        """RMS level of the latest callback block in dBFS (a full-scale sine is -3 dB)."""
        return mean_square_to_dbfs(self._mean_square)

    @property
    def overruns(self) -> int:
        """PortAudio input overflows plus blocks dropped because the ring was full."""
        with self._cond:
            return self._port_overflows + self._dropped_blocks

    @property
    def description(self) -> str:
        return f"{self.device.name} ({self.device.hostapi})"

    # -- PortAudio thread ----------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's audio thread: no logging, no allocation beyond scalars.
        arrival = self._clock()
        flat = indata.reshape(-1)
        mean_square = float(np.dot(flat, flat)) / flat.size if flat.size else 0.0
        age = self._block_age(time_info, frames)
        with self._cond:
            self._mean_square = mean_square
            if status.input_overflow:
                self._port_overflows += 1
            if self._ring.write(indata):
                self._timeline.add_block(arrival, frames, age)
            else:
                self._dropped_blocks += 1
            self._cond.notify_all()

    def _block_age(self, time_info: Any, frames: int) -> float:
        """How long ago the block's newest sample was captured, by PortAudio's times."""
        try:
            current = float(time_info.currentTime)
            adc = float(time_info.inputBufferAdcTime)
        except (AttributeError, TypeError, ValueError):
            return 0.0
        return block_age(current, adc, frames, self.settings.samplerate, self._input_latency)

    def _on_finished(self) -> None:
        with self._cond:
            unexpected = not self._stop_requested
            self._lost = unexpected
            self._ended = True
            self._cond.notify_all()
        if unexpected:
            log.warning("Input device %s stopped delivering audio", self.description)

    # -- helpers -------------------------------------------------------------------------

    def _open_stream(self) -> Any:
        sd = self._sd
        stream = None
        try:
            stream = sd.InputStream(
                device=self.device.index,
                samplerate=self.settings.samplerate,
                channels=self.settings.channels,
                dtype="float32",
                blocksize=self.settings.blocksize,
                callback=self._callback,
                finished_callback=self._on_finished,
            )
            self._input_latency = _input_latency(stream)
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            if stream is not None:
                stream.close()
            raise AudioError(
                f"Cannot open input device {self.description} at "
                f"{self.settings.samplerate:g} Hz: {exc}; check that it is connected and "
                "not used exclusively by another program"
            ) from exc
        return stream

    def _report_overruns(self, total: int, force: bool = False) -> None:
        """Log lost audio from the reader's side, at most once per ``overrun_log_interval``."""
        if total <= self._reported_overruns:
            return
        now = time.monotonic()
        recent = self._last_report is not None and now - self._last_report < self._log_interval
        if recent and not force:
            return
        log.warning(
            "Lost audio from %s: %d overrun(s) since the last report, %d in total "
            "(the system is overloaded or the reader is too slow)",
            self.description,
            total - self._reported_overruns,
            total,
        )
        self._reported_overruns = total
        self._last_report = now


def _input_latency(stream: Any) -> float:
    """The input latency PortAudio reports for an open stream, in seconds (0 if unknown)."""
    latency = getattr(stream, "latency", None)
    if isinstance(latency, (tuple, list)):  # a duplex stream: (input, output)
        latency = latency[0] if latency else None
    try:
        value = float(latency)
    except (TypeError, ValueError):
        return 0.0
    return value if value > 0 else 0.0
