"""The interface every audio source offers to the pipeline."""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import numpy as np

#: All sources deliver 16 kHz mono float32, what Whisper and Silero VAD expect.
SAMPLE_RATE = 16_000


#: The level reported for digital silence.
SILENCE_DBFS = -120.0


def mean_square_to_dbfs(mean_square: float) -> float:
    """Level in dBFS of a block with this mean square (a full-scale sine is -3 dB)."""
    if mean_square <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 10.0 * math.log10(mean_square))


class AudioError(Exception):
    """A user-facing audio problem: the message names the file or device and what to do."""


@runtime_checkable
class AudioSource(Protocol):
    """A stream of 16 kHz mono float32 samples.

    ``read`` blocks until samples are available, the timeout passes (returns an empty
    array) or the stream has ended (returns ``None``). Sources are started and stopped
    by the pipeline; ``stop`` wakes a blocked ``read``. Samples captured before ``stop``
    are still returned by later ``read`` calls, then ``None``.
    """

    def start(self) -> None: ...

    def read(self, timeout: float) -> np.ndarray | None: ...

    def stop(self) -> None: ...

    @property
    def level_dbfs(self) -> float:
        """Input level of the most recent audio, for a meter (-120 for silence)."""
        ...

    @property
    def overruns(self) -> int:
        """How many times captured audio was lost because the buffer was full."""
        ...

    @property
    def description(self) -> str:
        """Human-readable name: the device or file."""
        ...
