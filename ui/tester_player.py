"""Playing a phrase's recording (or its synthesized speech) for the tester.

QtMultimedia is not part of PySide6-Essentials, so playback uses sounddevice, which the
desk already needs for the microphone. The player is a QObject moved to its own QThread:
decoding a file and opening the output device never block the UI. PortAudio feeds the
device from its own thread through :meth:`AudioPlayer._callback`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

logger = logging.getLogger(__name__)

#: Sample rate of :func:`interpreter.audio.replay.decode_file`.
DECODED_RATE = 16_000


class AudioPlayer(QObject):
    """Plays one file at a time on the default output device; ``play`` stops the last."""

    started = Signal(str)  # path
    finished = Signal(str)  # path: played to the end or stopped
    failed = Signal(str)  # a user-facing error naming the file or the device

    def __init__(self, sounddevice: ModuleType | Any | None = None) -> None:
        super().__init__()
        self._sd = sounddevice
        self._stream: Any = None
        self._lock = threading.Lock()
        self._samples = np.zeros(0, dtype=np.float32)
        self._position = 0

    @Slot(str)
    def play(self, path: str) -> None:
        self.stop()
        from interpreter.audio.replay import decode_file

        if not Path(path).is_file():
            self.failed.emit(self.tr("Cannot play {0}: the file does not exist.").format(path))
            return
        try:
            samples = decode_file(path)
        except Exception as exc:  # av raises many types for unreadable files
            self.failed.emit(self.tr("Cannot play {0}: {1}").format(path, exc))
            return
        try:
            self._open(samples, path)
        except Exception as exc:  # AudioError, PortAudioError: no device, bad rate, ...
            logger.warning("playing %s failed: %s", path, exc)
            self.failed.emit(
                self.tr(
                    "Cannot play {0} on the audio output: {1}. Check that speakers or "
                    "headphones are connected and chosen as the system's output."
                ).format(path, exc)
            )
            return
        self.started.emit(path)

    def _open(self, samples: np.ndarray, path: str) -> None:
        from interpreter.audio.devices import load_sounddevice

        sd = self._sd if self._sd is not None else load_sounddevice()
        rate = int(sd.query_devices(kind="output")["default_samplerate"])
        if rate != DECODED_RATE:
            import soxr

            samples = soxr.resample(samples, DECODED_RATE, rate).astype(np.float32)
        with self._lock:
            self._samples, self._position = samples, 0

        def finished() -> None:  # PortAudio's thread; the signal is queued to the receivers
            self.finished.emit(path)

        stream = sd.OutputStream(
            samplerate=rate,
            channels=1,
            dtype="float32",
            callback=self._callback,
            finished_callback=finished,
        )
        stream.start()
        self._stream = stream

    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        with self._lock:
            chunk = self._samples[self._position : self._position + frames]
            self._position += frames
        outdata[: len(chunk), 0] = chunk
        outdata[len(chunk) :] = 0
        if len(chunk) < frames:
            sd = self._sd if self._sd is not None else __import__("sounddevice")
            raise sd.CallbackStop

    @Slot()
    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()  # aborts a playing stream; its finished callback still runs
            except Exception as exc:
                logger.warning("closing the output stream failed: %s", exc)
