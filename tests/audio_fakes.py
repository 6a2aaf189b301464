"""A faithful stand-in for the part of the ``sounddevice`` module the audio sources use.

``FakeSoundDevice`` offers ``query_devices``, ``query_hostapis``, ``check_input_settings``,
``default.device``, ``InputStream``, ``CallbackFlags`` and ``PortAudioError``. Its input
streams replay a signal through the real callback, on their own thread, in blocks of
the requested ``blocksize``, like PortAudio does: the ``indata`` buffer is reused (and
scribbled over after each callback, so code that keeps a reference instead of copying
gets garbage), and ``finished_callback`` runs when the stream becomes inactive.

Also here: :func:`sine` and :func:`write_audio` (wav/flac/mp3/ogg/opus via PyAV) to make
test signals and files.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import av
import numpy as np
import soxr

from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file


class FakePortAudioError(Exception):
    """Mirrors ``sounddevice.PortAudioError``."""


@dataclass
class FakeCallbackFlags:
    """Mirrors ``sounddevice.CallbackFlags`` for an input stream."""

    input_overflow: bool = False
    input_underflow: bool = False

    def __bool__(self) -> bool:
        return self.input_overflow or self.input_underflow


@dataclass
class FakeDevice:
    """One device in the fake's device list and what its streams deliver.

    ``signal`` has shape ``(n,)`` or ``(n, channels)`` at ``signal_rate`` (default: the
    device's default rate); a stream opened at another rate gets it resampled, as the
    system mixer would. ``supported_rates``/``supported_channels`` of ``None`` accept any
    rate / any count up to ``max_input_channels``. After the signal, a stream goes
    ``idle`` (no more callbacks), keeps delivering ``silence``, or ``finish``es as if the
    device were unplugged. ``overflow_blocks`` are block numbers whose callback status
    reports an input overflow. ``input_latency`` is what PortAudio reports for its streams
    (``stream.latency``); the callbacks' ``time_info`` says each block's newest sample was
    captured that long before ``currentTime``.

    ``pace`` is ``fast`` (blocks as fast as the callback takes them), ``realtime`` (one
    block per block duration) or ``manual`` (a block only when the test calls
    :meth:`FakeInputStream.release`, for exact interleavings without timing).
    """

    name: str
    max_input_channels: int = 1
    default_samplerate: float = 48_000.0
    hostapi: int = 0
    max_output_channels: int = 0
    supported_rates: tuple[float, ...] | None = None
    supported_channels: tuple[int, ...] | None = None
    signal: np.ndarray | None = None
    signal_rate: float | None = None
    pace: Literal["fast", "realtime", "manual"] = "fast"
    after_end: Literal["idle", "silence", "finish"] = "idle"
    overflow_blocks: frozenset[int] = field(default_factory=frozenset)
    input_latency: float = 0.0

    @classmethod
    def from_file(cls, path: str | Path, name: str, **kwargs: Any) -> FakeDevice:
        """A device whose streams replay an audio file (decoded to 16 kHz mono)."""
        return cls(name=name, signal=decode_file(path), signal_rate=SAMPLE_RATE, **kwargs)


class FakeInputStream:
    """Mirrors ``sounddevice.InputStream`` for float32 input with a callback."""

    def __init__(
        self,
        owner: FakeSoundDevice,
        samplerate: float | None = None,
        blocksize: int | None = None,
        device: int | str | None = None,
        channels: int | None = None,
        dtype: str | None = None,
        latency: Any = None,
        extra_settings: Any = None,
        callback: Callable[..., None] | None = None,
        finished_callback: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise TypeError(f"unexpected InputStream arguments: {sorted(kwargs)}")
        owner.check_input_settings(device, channels, dtype, extra_settings, samplerate)
        index = owner.resolve(device)
        self.device = owner.devices[index]
        self.device_index = index
        self.samplerate = float(samplerate or self.device.default_samplerate)
        self.channels = channels or self.device.max_input_channels
        self.dtype = dtype or "float32"
        if self.dtype != "float32":
            raise ValueError("the fake input stream only captures float32")
        # PortAudio picks a block size itself for 0; the fake uses 10 ms then.
        self.blocksize = blocksize or max(1, round(self.samplerate / 100))
        self.requested_latency = latency
        #: What PortAudio reports for the open stream, in seconds.
        self.latency = self.device.input_latency
        self._callback = callback
        self._finished_callback = finished_callback
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self.active = False
        self.closed = False
        self._gate = threading.Condition()  # guards permits and blocks_delivered
        self._permits = 0
        self.blocks_delivered = 0
        #: Set once the whole signal has gone through the callback.
        self.drained = threading.Event()
        #: Set when the stream has become inactive and ``finished_callback`` returned.
        self.finished = threading.Event()
        self.callback_errors: list[BaseException] = []

    # -- sounddevice API -----------------------------------------------------------------

    def start(self) -> None:
        if self.closed:
            raise FakePortAudioError("Stream is closed [PaErrorCode -9988]")
        if self.active:
            return
        self.active = True
        self._halt.clear()
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)
        self._thread.start()

    def stop(self, ignore_errors: bool = True) -> None:
        self._halt.set()
        with self._gate:
            self._gate.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                raise FakePortAudioError("fake stream thread did not stop")

    abort = stop

    def close(self, ignore_errors: bool = True) -> None:
        self.stop()
        self.closed = True

    @property
    def stopped(self) -> bool:
        return not self.active

    def __enter__(self) -> FakeInputStream:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- test controls ---------------------------------------------------------------------

    def release(self, blocks: int = 1) -> None:
        """Let ``blocks`` more blocks through a ``manual`` paced stream."""
        with self._gate:
            self._permits += blocks
            self._gate.notify_all()

    def wait_delivered(self, blocks: int, timeout: float = 10.0) -> bool:
        """Wait until ``blocks`` callbacks have returned."""
        with self._gate:
            return self._gate.wait_for(lambda: self.blocks_delivered >= blocks, timeout)

    # -- the fake audio thread -------------------------------------------------------------

    def _prepared_signal(self) -> np.ndarray:
        """The device signal at the stream's rate and channel count, shape (n, channels)."""
        signal = self.device.signal
        if signal is None:
            signal = np.zeros(0, dtype=np.float32)
        signal = np.asarray(signal, dtype=np.float32)
        if signal.ndim == 1:
            signal = signal[:, None]
        rate = float(self.device.signal_rate or self.device.default_samplerate)
        if signal.size and rate != self.samplerate:
            signal = soxr.resample(signal, rate, self.samplerate, quality="VHQ")
        if signal.shape[1] < self.channels:
            reps = -(-self.channels // signal.shape[1])
            signal = np.tile(signal, (1, reps))
        return np.ascontiguousarray(signal[:, : self.channels], dtype=np.float32)

    def _wait_for_turn(self, due: float) -> bool:
        """Pace the next block; ``False`` when the stream is being stopped meanwhile."""
        if self.device.pace == "realtime":
            return not self._halt.wait(due - time.monotonic())
        if self.device.pace == "manual":
            with self._gate:
                self._gate.wait_for(lambda: self._permits > 0 or self._halt.is_set())
                if self._halt.is_set():
                    return False
                self._permits -= 1
        return not self._halt.is_set()

    def _run(self) -> None:
        data = self._prepared_signal()
        bs = self.blocksize
        buf = np.zeros((bs, self.channels), dtype=np.float32)  # reused, like PortAudio's
        t0 = time.monotonic()
        block = 0
        try:
            while not self._halt.is_set():
                start = block * bs
                if start >= len(data):
                    self.drained.set()
                    if self.device.after_end == "finish":
                        break
                    if self.device.after_end == "idle":
                        self._halt.wait()
                        break
                chunk = data[start : start + bs]
                buf[: len(chunk)] = chunk
                buf[len(chunk) :] = 0.0  # a real device keeps capturing: silence
                if not self._wait_for_turn(t0 + (block + 1) * bs / self.samplerate):
                    break
                status = FakeCallbackFlags(input_overflow=block in self.device.overflow_blocks)
                adc = start / self.samplerate  # stream time of the block's first sample
                time_info = SimpleNamespace(
                    inputBufferAdcTime=adc,
                    currentTime=adc + bs / self.samplerate + self.device.input_latency,
                )
                try:
                    assert self._callback is not None
                    self._callback(buf, bs, time_info, status)
                except BaseException as exc:  # PortAudio would abort the stream
                    self.callback_errors.append(exc)
                    break
                buf.fill(np.nan)  # catches callers that keep ``indata`` instead of copying
                block += 1
                with self._gate:
                    self.blocks_delivered = block
                    self._gate.notify_all()
        finally:
            self.active = False
            if self._finished_callback is not None:
                self._finished_callback()
            self.finished.set()


class FakeSoundDevice:
    """The ``sounddevice`` module surface, backed by a list of :class:`FakeDevice`."""

    PortAudioError = FakePortAudioError
    CallbackFlags = FakeCallbackFlags

    def __init__(
        self,
        devices: Iterable[FakeDevice],
        hostapis: tuple[str, ...] = ("ALSA",),
        default_input: int | None = 0,
    ) -> None:
        self.devices = list(devices)
        self.hostapis = hostapis
        self.default = SimpleNamespace(device=[-1 if default_input is None else default_input, -1])
        self.streams: list[FakeInputStream] = []
        self.stream_opened = threading.Event()

    @property
    def last_stream(self) -> FakeInputStream:
        return self.streams[-1]

    def resolve(self, device: int | str | None, kind: str = "input") -> int:
        """Device index like sounddevice resolves it (``None``: the default of ``kind``)."""
        if device is None:
            device = self.default.device[0 if kind == "input" else 1]
        if isinstance(device, str):
            matches = [i for i, d in enumerate(self.devices) if device.lower() in d.name.lower()]
            if len(matches) != 1:
                raise ValueError(f"No unique input device matching {device!r}")
            return matches[0]
        if not 0 <= device < len(self.devices):
            raise FakePortAudioError(f"Error querying device {device}")
        return device

    def _info(self, index: int) -> dict[str, Any]:
        d = self.devices[index]
        return {
            "name": d.name,
            "index": index,
            "hostapi": d.hostapi,
            "max_input_channels": d.max_input_channels,
            "max_output_channels": d.max_output_channels,
            "default_low_input_latency": 0.01,
            "default_high_input_latency": 0.1,
            "default_samplerate": d.default_samplerate,
        }

    def query_devices(self, device: int | str | None = None, kind: str | None = None) -> Any:
        if device is None and kind is None:
            return [self._info(i) for i in range(len(self.devices))]
        info = self._info(self.resolve(device, kind or "input"))
        if kind and info[f"max_{kind}_channels"] < 1:
            raise ValueError(f"Not an {kind} device: {info['name']!r}")
        return info

    def query_hostapis(self, index: int | None = None) -> Any:
        apis = tuple(
            {
                "name": name,
                "devices": [i for i, d in enumerate(self.devices) if d.hostapi == api],
                "default_input_device": self.default.device[0],
                "default_output_device": -1,
            }
            for api, name in enumerate(self.hostapis)
        )
        return apis if index is None else apis[index]

    def check_input_settings(
        self,
        device: int | str | None = None,
        channels: int | None = None,
        dtype: str | None = None,
        extra_settings: Any = None,
        samplerate: float | None = None,
    ) -> None:
        d = self.devices[self.resolve(device)]
        channels = channels or d.max_input_channels
        samplerate = samplerate or d.default_samplerate
        if dtype not in (None, "float32", "int16", "int32"):
            raise FakePortAudioError("Invalid sample format [PaErrorCode -9994]")
        if not 1 <= channels <= d.max_input_channels or (
            d.supported_channels is not None and channels not in d.supported_channels
        ):
            raise FakePortAudioError("Invalid number of channels [PaErrorCode -9998]")
        if d.supported_rates is not None and float(samplerate) not in d.supported_rates:
            raise FakePortAudioError("Invalid sample rate [PaErrorCode -9997]")

    def InputStream(self, *args: Any, **kwargs: Any) -> FakeInputStream:
        stream = FakeInputStream(self, *args, **kwargs)
        self.streams.append(stream)
        self.stream_opened.set()
        return stream


def sine(freq: float, seconds: float, rate: float, amplitude: float = 0.5) -> np.ndarray:
    """A float32 sine wave."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


#: Encoder per file suffix for :func:`write_audio`.
_CODECS = {
    ".wav": "pcm_s16le",
    ".flac": "flac",
    ".mp3": "libmp3lame",
    ".ogg": "vorbis",
    ".opus": "libopus",
}


def write_audio(path: str | Path, signal: np.ndarray, rate: int) -> Path:
    """Encode ``signal`` (``(n,)`` or ``(n, channels)`` float32) with PyAV, by file suffix.

    ``.wav`` is 16-bit PCM, ``.flac`` FLAC, ``.mp3`` MP3, ``.ogg`` Ogg Vorbis (stereo; FFmpeg's
    own encoder pads the end by a few hundred samples) and ``.opus`` Ogg Opus (48 kHz).
    """
    path = Path(path)
    planes = np.atleast_2d(np.asarray(signal, dtype=np.float32).T)
    if path.suffix == ".ogg" and planes.shape[0] == 1:
        planes = np.repeat(planes, 2, axis=0)  # FFmpeg's vorbis encoder is stereo only
    layout = {1: "mono", 2: "stereo"}[planes.shape[0]]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(_CODECS[path.suffix], rate=rate, layout=layout)
        if path.suffix == ".ogg":
            stream.codec_context.options = {"strict": "experimental"}  # FFmpeg's own vorbis
        sample_format = stream.codec_context.format.name
        frame_size = stream.codec_context.frame_size or 4096
        for i in range(0, planes.shape[1], frame_size):
            chunk = planes[:, i : i + frame_size]
            if not sample_format.endswith("p"):  # packed: interleave the channels
                chunk = chunk.T.reshape(1, -1)
            if sample_format.startswith("s16"):
                chunk = np.round(np.clip(chunk, -1, 1) * 32767).astype(np.int16)
            elif sample_format.startswith("s32"):
                chunk = np.round(np.clip(chunk, -1, 1) * 2147483647).astype(np.int32)
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(chunk), format=sample_format, layout=layout
            )
            frame.sample_rate = rate
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path
