"""The playback gate on a simulated desk: real synthesised speech, a microphone that hears
the loudspeaker through a known echo path, and a clock the test drives.

The pulse tests (``test_speech_pulse.py``) run the same gate on a real audio loop; here
every timing is exact, so the barge-in decision itself is what is tested: the app's own
echo must never read as someone talking, and a person who does talk must stop it.
"""

from __future__ import annotations

import numpy as np
import pytest
import speech

from interpreter.audio.base import SAMPLE_RATE
from interpreter.speech.gate import GatedSource, PlaybackGate

BLOCK = 320  # 20 ms, as the microphone delivers
AHEAD_SECONDS = 0.1  # the player writes this far ahead of what the microphone hears

APP_SAYS = (
    "Your appointment is on Monday at ten o'clock. Please bring your passport with you. "
    "The office is on the second floor, next to the lifts."
)


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
        self.gate = PlaybackGate(clock=lambda: self.position / SAMPLE_RATE)
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


@pytest.fixture
def app_speech(require_speech) -> np.ndarray:
    require_speech("english")
    samples, _ = speech.read_wav(speech.synthesize_english(APP_SAYS))
    return samples


@pytest.fixture
def person_speech(require_speech) -> np.ndarray:
    require_speech("finnish")
    samples, _ = speech.read_wav(speech.synthesize_finnish(speech.FINNISH_SENTENCES[0], "mv"))
    return samples


@pytest.mark.parametrize("echo_gain", [1.0, 0.3, 0.05])
@pytest.mark.parametrize("delay", [0.0, 0.05, -0.05])
def test_the_apps_own_echo_is_never_taken_for_someone_talking(
    app_speech: np.ndarray, echo_gain: float, delay: float
) -> None:
    """A loudspeaker heard at full level (a loop) or quieter, with the latency estimates
    a little early or late: all of it is silenced, and nothing stops the app."""
    desk = SimulatedDesk(app_speech, echo_gain, delay)
    heard = desk.run()
    assert desk.gate.barge_ins == 0 and desk.stopped_at is None
    app_end = int((len(app_speech) / SAMPLE_RATE + delay) * SAMPLE_RATE)
    assert not heard[:app_end].any()


@pytest.mark.parametrize("echo_gain", [0.2, 0.1])
def test_a_person_talking_over_the_app_stops_it_and_is_heard(
    app_speech: np.ndarray, person_speech: np.ndarray, echo_gain: float
) -> None:
    """The person's voice at the microphone is louder than the desk speaker's echo."""
    person_from = 2.0
    desk = SimulatedDesk(app_speech, echo_gain, person=person_speech, person_from=person_from)
    heard = desk.run()
    assert desk.gate.barge_ins == 1
    onset = int(person_from * SAMPLE_RATE)
    voice = slice(onset, onset + len(person_speech))
    first_loud = onset + int(np.argmax(np.abs(person_speech) > 0.05))
    stopped = (desk.stopped_at - first_loud) / SAMPLE_RATE
    assert 0.0 < stopped < 0.5, stopped
    # The person's words are handed on from (nearly) their first syllable.
    assert np.abs(heard[first_loud : voice.stop]).max() > 0.05
    kept = np.count_nonzero(heard[voice]) / (voice.stop - voice.start)
    assert kept > 0.9, kept
