"""Bringing quiet speech up to a level Whisper reads well before it is encoded.

Whisper on a whole sentence hardly cares how loud it is, but the streaming decodes see
short cuts of it, and on a quiet voice (a client sitting back from the desk microphone,
-40 dBFS) those cuts read much worse: word starts lost ("T arvitsen"), a sentence read
as one word. So the audio of each decode is raised, never lowered, until its speech is
at ``target_dbfs``. The speech level is the loud end of the 20 ms frames' levels, so
the pauses in the audio do not count; the gain is capped, so a hiss is not raised to a
voice, and the peaks are kept below full scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interpreter.audio.base import SAMPLE_RATE


@dataclass(frozen=True)
class LevelOptions:
    """How quiet speech is raised before recognition (``max_gain_db`` 0: never)."""

    #: Speech level aimed at (RMS of its louder frames); test voices speak at -26 to -20.
    target_dbfs: float = -26.0
    #: At most this much gain: past it, what is left is too quiet to be a desk voice.
    max_gain_db: float = 20.0
    #: The speech level is this percentile of the frames' levels.
    frame_percentile: float = 90.0
    frame_seconds: float = 0.02
    #: Peaks are kept below this (full scale 1.0).
    peak_limit: float = 0.98


def speech_gain(audio: np.ndarray, options: LevelOptions) -> float:
    """The gain (1.0 or more) that brings the speech in ``audio`` to the target level."""
    frame = max(1, int(options.frame_seconds * SAMPLE_RATE))
    count = len(audio) // frame
    if count == 0 or options.max_gain_db <= 0.0:
        return 1.0
    frames = audio[: count * frame].astype(np.float64).reshape(count, frame)
    levels = np.sqrt(np.mean(np.square(frames), axis=1))
    level = float(np.percentile(levels, options.frame_percentile))
    peak = float(np.max(np.abs(audio)))
    if level <= 0.0 or peak <= 0.0:
        return 1.0  # digital silence stays silence
    wanted = 10.0 ** (options.target_dbfs / 20.0) / level
    gain = min(wanted, 10.0 ** (options.max_gain_db / 20.0), options.peak_limit / peak)
    return max(1.0, gain)


def raised(audio: np.ndarray, gain: float) -> np.ndarray:
    """``audio`` times ``gain`` as float32 (the same array when the gain is 1)."""
    if gain <= 1.0:
        return audio
    return (audio * np.float32(gain)).astype(np.float32, copy=False)
