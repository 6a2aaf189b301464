"""What one step of the Whisper engine gives back: encoder output and decoding results."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Encoded:
    """Encoder output for one stretch of audio."""

    output: object  # ctranslate2.StorageView
    audio_seconds: float
    window_seconds: float
    seconds: float  # time the encoder took


@dataclass(frozen=True)
class Hypothesis:
    """One decoding result with the signals the guards look at."""

    words: list[str]
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    no_speech: bool
    looped: bool
    seconds: float  # decode time, encoder excluded

    @property
    def text(self) -> str:
        return " ".join(self.words)
