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
from desk_sim import SimulatedDesk

from interpreter.audio.base import SAMPLE_RATE

APP_SAYS = (
    "Your appointment is on Monday at ten o'clock. Please bring your passport with you. "
    "The office is on the second floor, next to the lifts."
)


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
