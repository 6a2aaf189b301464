"""16 kHz 16-bit PCM WAV files, read with the standard library's :mod:`wave`.

Recordings, phrase-set audio and test material come in this format. They need no
resampling, so reading them needs no FFmpeg: PyAV, about 18 MB once loaded, stays
unloaded in a session that replays them. Every other file, and any file :mod:`wave`
cannot read, goes through PyAV in :mod:`interpreter.audio.replay`, which also gives the
errors that name what is wrong with a file.

The samples are PyAV's to the bit: each 16-bit sample divided by 32768 as float32.
"""

from __future__ import annotations

import wave
from collections.abc import Generator
from pathlib import Path

import numpy as np

from interpreter.audio.base import SAMPLE_RATE

#: Frames read at a time: half a second, so memory stays flat however long the file is.
_FRAMES_PER_READ = SAMPLE_RATE // 2
#: Bytes per sample of the only sample format read here.
_SAMPLE_WIDTH = 2
#: "RIFF" and the file's size, before the chunks of a WAV file.
_RIFF_HEADER_BYTES = 8


def _open_plain(path: Path) -> wave.Wave_read | None:
    """``path`` opened for reading when it is a 16 kHz 16-bit PCM WAV file, else None."""
    try:
        reader = wave.open(str(path), "rb")  # noqa: SIM115  (returned open)
    except (wave.Error, EOFError, OSError):
        return None
    if reader.getsampwidth() != _SAMPLE_WIDTH or reader.getframerate() != SAMPLE_RATE:
        reader.close()
        return None
    return reader


def plain_wav_duration(path: str | Path) -> float | None:
    """The duration in seconds of a 16 kHz 16-bit PCM WAV file; None for any other file.

    A truncated file holds fewer frames than its header says: what it holds counts."""
    path = Path(path)
    reader = _open_plain(path)
    if reader is None:
        return None
    with reader:
        # The header is read and the samples are not. getfp() is the RIFF chunk, which
        # counts from after its own 8-byte header.
        data_start = _RIFF_HEADER_BYTES + reader.getfp().tell()
        frame_bytes = reader.getnchannels() * _SAMPLE_WIDTH
        held = (path.stat().st_size - data_start) // frame_bytes
        return min(reader.getnframes(), held) / SAMPLE_RATE


def iter_plain_wav(path: str | Path) -> Generator[np.ndarray, None, None] | None:
    """Planar float32 samples, shape ``(channels, n)``, of a 16 kHz 16-bit PCM WAV file,
    half a second at a time; None when the file is anything else."""
    reader = _open_plain(Path(path))
    if reader is None:
        return None

    def planes() -> Generator[np.ndarray, None, None]:
        with reader:
            channels = reader.getnchannels()
            frame_bytes = channels * _SAMPLE_WIDTH
            while data := reader.readframes(_FRAMES_PER_READ):
                whole = len(data) - len(data) % frame_bytes  # a truncated file's last frame
                samples = np.frombuffer(data[:whole], dtype="<i2").reshape(-1, channels)
                yield np.ascontiguousarray(samples.T, dtype=np.float32) / np.float32(32768)

    return planes()
