"""Downmixing and streaming resampling to the pipeline's 16 kHz mono float32."""

from __future__ import annotations

import numpy as np
import soxr

from interpreter.audio.base import SAMPLE_RATE


def to_mono(frames: np.ndarray) -> np.ndarray:
    """Average the channels of ``frames`` (shape ``(n,)`` or ``(n, channels)``) to float32 mono."""
    if frames.ndim == 1:
        return frames.astype(np.float32, copy=False)
    if frames.shape[1] == 1:
        return frames[:, 0].astype(np.float32, copy=False)
    return frames.mean(axis=1, dtype=np.float32)


class StreamResampler:
    """Resamples consecutive mono blocks to 16 kHz, keeping filter state between blocks.

    A thin wrapper over :class:`soxr.ResampleStream` that passes audio through untouched
    when the input already is 16 kHz, and flushes the filter tail exactly once.
    """

    def __init__(self, in_rate: float, quality: str = "HQ") -> None:
        self.in_rate = float(in_rate)
        self._stream: soxr.ResampleStream | None = None
        if self.in_rate != SAMPLE_RATE:
            self._stream = soxr.ResampleStream(
                self.in_rate, SAMPLE_RATE, 1, dtype="float32", quality=quality
            )
        self._flushed = False

    def process(self, mono: np.ndarray, last: bool = False) -> np.ndarray:
        """Resample one block; ``last=True`` also returns the filter's delayed tail."""
        if self._flushed:
            raise RuntimeError("resampler already flushed")
        self._flushed = last
        mono = np.ascontiguousarray(mono, dtype=np.float32)
        if self._stream is None:
            return mono
        return self._stream.resample_chunk(mono, last=last)
