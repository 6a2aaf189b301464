"""Replay of an audio file (wav, flac, mp3, ogg, ...) as if it came from a microphone.

Decoding streams through PyAV: packets are demuxed, decoded and resampled to 16 kHz
mono float32 a few at a time, so memory stays flat however long the file is. A 16 kHz
16-bit PCM WAV file needs none of that and is read without PyAV
(:mod:`interpreter.audio.plain_wav`); PyAV is imported only for other files.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interpreter.audio.base import SAMPLE_RATE, AudioError, mean_square_to_dbfs
from interpreter.audio.plain_wav import iter_plain_wav, plain_wav_duration

if TYPE_CHECKING:
    import av

log = logging.getLogger(__name__)

_FORMATS = "wav, flac, mp3 or ogg"


def _pyav() -> Any:
    """PyAV, imported here: a desk that only replays 16 kHz WAV files never loads it."""
    import av

    return av


def _open_container(path: Path) -> av.container.InputContainer:
    """Open ``path`` for decoding; every failure becomes a one-line :class:`AudioError`."""
    if not path.exists():
        raise AudioError(f"Audio file {path} does not exist: check the path")
    if path.is_dir():
        raise AudioError(f"{path} is a directory: give the path of a {_FORMATS} file")
    av = _pyav()
    try:
        container = av.open(str(path), mode="r")
    except PermissionError as exc:
        raise AudioError(f"Cannot read {path}: permission denied; check its permissions") from exc
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc  # FFmpeg's errors repeat the path
        raise AudioError(
            f"Cannot decode {path}: not a supported audio file ({_FORMATS}) or damaged "
            f"({reason}); convert it, e.g. ffmpeg -i INPUT -ac 1 -ar 16000 OUTPUT.wav"
        ) from exc
    if not container.streams.audio:
        container.close()
        raise AudioError(f"{path} has no audio stream: give a file that contains audio")
    return container


def _planar_to_mono(planes: np.ndarray) -> np.ndarray:
    """Average planar float samples of shape ``(channels, n)`` to mono."""
    if planes.shape[0] == 1:
        return planes[0]
    return planes.mean(axis=0, dtype=np.float32)


def iter_decoded(path: str | Path) -> Generator[np.ndarray, None, None]:
    """Yield the file's audio as 16 kHz mono float32 chunks of whatever size decoding gives.

    The file is opened on the first ``next()`` and closed when the iterator is exhausted
    or closed. Decoding errors raise :class:`AudioError`.
    """
    path = Path(path)
    plain = iter_plain_wav(path)
    if plain is not None:
        for planes in plain:
            yield _planar_to_mono(planes)
        return
    container = _open_container(path)
    av = _pyav()
    try:
        stream = container.streams.audio[0]
        # Keep the channel layout and average in numpy: FFmpeg's own downmix adds 3 dB
        # to identical stereo channels (clipping loud recordings); a mean does not.
        resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    yield _planar_to_mono(out.to_ndarray())
            for out in resampler.resample(None):  # flush the resampler's delay line
                yield _planar_to_mono(out.to_ndarray())
        except av.FFmpegError as exc:
            raise AudioError(
                f"Decoding {path} failed: {exc}; the file may be damaged or truncated"
            ) from exc
    finally:
        container.close()


def iter_blocks(
    chunks: Iterator[np.ndarray], block_size: int, pad_end: int = 0
) -> Generator[np.ndarray, None, None]:
    """Regroup ``chunks`` into blocks of ``block_size`` samples, then ``pad_end`` zeros.

    Only the last audio block and the last padding block may be shorter. Closing this
    iterator closes ``chunks`` too, so an abandoned replay releases its file at once.
    """
    buf = np.zeros(0, dtype=np.float32)
    try:
        for chunk in chunks:
            buf = np.concatenate((buf, chunk)) if buf.size else chunk
            while len(buf) >= block_size:
                yield buf[:block_size]
                buf = buf[block_size:]
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    if buf.size:
        yield buf
    while pad_end > 0:
        n = min(block_size, pad_end)
        yield np.zeros(n, dtype=np.float32)
        pad_end -= n


def decode_file(path: str | Path) -> np.ndarray:
    """Decode a whole file to 16 kHz mono float32 (for tests and benchmarks)."""
    chunks = list(iter_decoded(path))
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def probe_duration(path: str | Path) -> float | None:
    """The container's duration in seconds, ``None`` when it does not say."""
    duration = plain_wav_duration(path)
    if duration is not None:
        return duration
    container = _open_container(Path(path))
    try:
        if container.duration is not None:
            return container.duration / _pyav().time_base
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
        return None
    finally:
        container.close()


class FileReplaySource:
    """An :class:`~interpreter.audio.base.AudioSource` replaying a file in fixed blocks.

    With ``speed > 0`` block *i* becomes readable at ``start + t_i / speed``, where
    ``t_i`` is the file time at the end of the block (when a live microphone would have
    delivered it) and ``start`` is the ``clock()`` reading in :meth:`start`. With
    ``speed == 0`` blocks are delivered as fast as they are read. ``pad_end_seconds``
    of silence are appended so downstream stages can close the last utterance.

    The file is checked in the constructor (missing, unreadable, no audio: an
    :class:`AudioError`) and decoded lazily while reading. ``clock`` must count seconds
    like :func:`time.monotonic`, because waits for a due block are real-time waits; with
    a clock that only moves when told, read with ``timeout=0``.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        speed: float = 1.0,
        block_seconds: float = 0.1,
        pad_end_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed < 0 or not math.isfinite(speed):
            raise ValueError(f"speed must be a finite number >= 0, got {speed}")
        if block_seconds <= 0:
            raise ValueError(f"block_seconds must be > 0, got {block_seconds}")
        if pad_end_seconds < 0:
            raise ValueError(f"pad_end_seconds must be >= 0, got {pad_end_seconds}")
        self.path = Path(path)
        self.speed = float(speed)
        self.block_size = max(1, round(block_seconds * SAMPLE_RATE))
        self.duration_seconds = probe_duration(self.path)
        self._pad_end = round(pad_end_seconds * SAMPLE_RATE)
        self._clock = clock
        # Guards the decoder and the delivery state between read() and stop().
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._blocks: Generator[np.ndarray, None, None] | None = None
        self._pending: np.ndarray | None = None
        self._position = 0  # samples delivered so far
        self._start_time: float | None = None
        self._stop_time: float | None = None
        self._done = False
        self._mean_square = 0.0

    # -- AudioSource -------------------------------------------------------------------

    def start(self) -> None:
        """Start the replay clock; decoding begins with the first :meth:`read`."""
        with self._lock:
            if self._start_time is not None or self._stop_time is not None:
                raise RuntimeError("a FileReplaySource can only be started once")
            self._blocks = iter_blocks(iter_decoded(self.path), self.block_size, self._pad_end)
            self._start_time = self._clock()
        log.info("Replaying %s at speed %g", self.path, self.speed)

    def read(self, timeout: float) -> np.ndarray | None:
        """Return the next block once it is due, an empty array on timeout, ``None`` at the end.

        Raises :class:`AudioError` if the file turns out to be undecodable part-way;
        later calls return ``None``.
        """
        due = self._next_due()
        if due is None:
            return None
        now = self._clock()
        wait = min(timeout, due - now)
        if wait > 0 and not self._wake.is_set():
            self._wake.wait(wait)  # stop() sets the event and cuts the wait short
            now = self._clock()
        return self._take(due, now)

    def stop(self) -> None:
        """Stop the replay: blocks already due stay readable (none at ``speed == 0``)."""
        with self._lock:
            if self._stop_time is None:
                self._stop_time = self._clock()
                if self.speed == 0 or self._start_time is None:
                    self._finish_locked()
        self._wake.set()

    @property
    def level_dbfs(self) -> float:
        """RMS level of the last block returned, in dBFS."""
        return mean_square_to_dbfs(self._mean_square)

    @property
    def overruns(self) -> int:
        """Always 0: a replay waits for its reader instead of dropping audio."""
        return 0

    @property
    def description(self) -> str:
        return f"file {self.path}"

    # -- helpers -----------------------------------------------------------------------

    def _next_due(self) -> float | None:
        """Decode the next block if needed; its due time, or ``None`` at the end."""
        with self._lock:
            if self._done:
                return None
            if self._blocks is None:
                raise RuntimeError("call start() before read()")
            if self._pending is None:
                try:
                    self._pending = next(self._blocks, None)
                except AudioError:
                    self._finish_locked()
                    raise
                if self._pending is None:
                    self._finish_locked()
                    return None
            return self._due_time(self._position + len(self._pending))

    def _due_time(self, end_sample: int) -> float:
        assert self._start_time is not None
        if self.speed == 0:
            return -math.inf
        return self._start_time + end_sample / SAMPLE_RATE / self.speed

    def _take(self, due: float, now: float) -> np.ndarray | None:
        with self._lock:
            if self._done:
                return None
            if self._stop_time is not None and due > self._stop_time:
                self._finish_locked()
                return None
            if due > now or self._pending is None:
                return np.zeros(0, dtype=np.float32)
            block, self._pending = self._pending, None
            self._position += len(block)
        self._mean_square = float(np.dot(block, block)) / len(block) if len(block) else 0.0
        return block

    def _finish_locked(self) -> None:
        self._done = True
        self._pending = None
        if self._blocks is not None:
            self._blocks.close()  # closes the container via the generators' finally
            self._blocks = None
