"""A simulated desk for the playback gate: a loudspeaker playing the app's speech, a
microphone that hears it through a known echo path (and a person, and room noise), and a
clock driven by the audio itself, so every timing is exact and repeatable."""

from __future__ import annotations

import numpy as np

from interpreter.audio.base import SAMPLE_RATE
from interpreter.speech.gate import GatedSource, GateOptions, PlaybackGate

BLOCK = 320  # 20 ms, as the microphone delivers
AHEAD_SECONDS = 0.1  # the player writes this far ahead of what the microphone hears


class SimulatedDesk:
    """A loudspeaker playing ``app`` and a microphone hearing it ``echo_gain`` times as
    loud ``delay`` seconds after the player's estimate, plus a person and room noise."""

    def __init__(
        self,
        app: np.ndarray,
        echo_gain: float,
        delay: float = 0.0,
        person: np.ndarray | None = None,
        person_from: float = 0.0,
        noise_dbfs: float = -60.0,
        seed: int = 0,
        options: GateOptions | None = None,
    ) -> None:
        self.app, self.echo_gain, self.delay = app, echo_gain, delay
        length = -(-(len(app) + 3 * SAMPLE_RATE) // BLOCK) * BLOCK
        self.voice = np.zeros(length, np.float32)
        if person is not None:
            start = int(person_from * SAMPLE_RATE)
            self.voice[start : start + len(person)] = person[: length - start]
        rng = np.random.default_rng(seed)
        self.noise = (10 ** (noise_dbfs / 20) * rng.standard_normal(length)).astype(np.float32)
        self.position = 0  # samples the microphone has captured
        self.played = 0  # samples the player has handed to the loudspeaker
        self.stopped_at: int | None = None  # the player's position when barge-in stopped it
        self.gate = PlaybackGate(options, clock=lambda: self.position / SAMPLE_RATE)
        self.gate.add_barge_in_listener(self._stop)
        self.source = GatedSource(self, self.gate)

    def _stop(self) -> None:
        self.stopped_at = self.played

    # -- the wrapped microphone source -----------------------------------------------------
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def stream_time(self) -> float:
        return self.position / SAMPLE_RATE

    def read(self, timeout: float) -> np.ndarray | None:
        if self.position >= len(self.voice):
            return None
        self._play_ahead()
        start, end = self.position, self.position + BLOCK
        audible = self.app[: len(self.app) if self.stopped_at is None else self.stopped_at]
        lag = int(self.delay * SAMPLE_RATE)
        at = np.arange(start - lag, end - lag)
        inside = (at >= 0) & (at < len(audible))
        echo = np.zeros(BLOCK, np.float32)
        echo[inside] = audible[at[inside]]
        self.position = end
        return self.echo_gain * echo + self.voice[start:end] + self.noise[start:end]

    def _play_ahead(self) -> None:
        until = min(len(self.app), self.position + int(AHEAD_SECONDS * SAMPLE_RATE))
        while self.stopped_at is None and self.played < until:
            block = self.app[self.played : self.played + BLOCK]
            self.gate.note_played(
                self.played / SAMPLE_RATE, len(block) / SAMPLE_RATE, float(np.mean(block**2))
            )
            self.played += len(block)

    def run(self) -> np.ndarray:
        """Everything the recogniser gets."""
        heard = []
        while (block := self.source.read(0.1)) is not None:
            heard.append(block)
        return np.concatenate(heard)
