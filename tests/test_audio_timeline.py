"""The capture timeline of a live stream, and the pipeline clock that follows it."""

from __future__ import annotations

import math
import queue

import numpy as np
import pytest
from audio_fakes import FakeDevice, FakeSoundDevice, sine

from interpreter.audio.microphone import MicrophoneSource
from interpreter.audio.timeline import CaptureTimeline, block_age
from interpreter.clock import StreamClock
from interpreter.events import CommittedText
from interpreter.pipeline import Pipeline

RATE = 16_000
BLOCK = 320  # 20 ms


def feed(timeline: CaptureTimeline, arrivals: list[float], block: int = BLOCK) -> None:
    for arrival in arrivals:
        timeline.add_block(arrival, block)


def test_no_origin_before_audio() -> None:
    timeline = CaptureTimeline(RATE)
    assert timeline.origin is None
    assert timeline.stream_time(123.0) is None
    timeline.add_block(1.0, 0)  # an empty block says nothing
    assert timeline.origin is None


def test_origin_is_the_capture_time_of_the_first_sample_despite_late_blocks() -> None:
    # Captured from t=5.0; each block arrives 2 ms after its last sample at best, often
    # much later (a busy machine), and once in a burst after a 300 ms stall.
    rng = np.random.default_rng(3)
    delays = rng.uniform(0.002, 0.08, 200)
    delays[::7] = 0.002
    delays[100:115] = np.linspace(0.3, 0.02, 15)
    ends = (np.arange(200) + 1) * BLOCK / RATE
    timeline = CaptureTimeline(RATE)
    feed(timeline, list(5.0 + ends + delays))
    assert timeline.origin == pytest.approx(5.002, abs=1e-9)
    assert timeline.frames == 200 * BLOCK
    assert timeline.stream_time(5.0 + 4.0) == pytest.approx(3.998)


def test_reported_age_of_a_block_counts() -> None:
    timeline = CaptureTimeline(RATE)
    # Every block arrives 50 ms after its last sample, and PortAudio says so.
    for i in range(10):
        timeline.add_block(2.0 + (i + 1) * 0.02 + 0.05, BLOCK, age=0.05)
    assert timeline.origin == pytest.approx(2.0)


def test_follows_a_slow_device_clock_and_lost_audio_within_the_window() -> None:
    timeline = CaptureTimeline(RATE, window_seconds=4.0)
    true_rate = RATE * (1 - 0.001)  # the device delivers 0.1 % fewer samples than it says
    arrival = 0.0
    for _ in range(1000):  # 20 s
        arrival += BLOCK / true_rate
        timeline.add_block(arrival, BLOCK)
    # Without a window the stream time would be 20 ms ahead of the samples by now.
    latest = timeline.frames / RATE
    assert timeline.stream_time(arrival) == pytest.approx(latest, abs=0.006)
    # Half a second of audio is lost (never counted): within one window the timeline
    # matches the samples the reader gets again.
    arrival += 0.5
    for _ in range(300):
        arrival += BLOCK / true_rate
        timeline.add_block(arrival, BLOCK)
    assert timeline.stream_time(arrival) == pytest.approx(timeline.frames / RATE, abs=0.006)


@pytest.mark.parametrize(
    ("current", "adc", "expected"),
    [
        (10.07, 10.0, 0.05),  # a 20 ms block whose newest sample is 50 ms old
        (10.02, 10.0, 0.0),  # delivered at once
        (10.01, 10.0, 0.0),  # clocks that disagree: never negative
        (0.0, 0.0, 0.0),  # a host API that reports no times
        (11.0, 10.0, 0.1),  # a whole server buffer reported: kept within the latency
        (math.nan, 10.0, 0.0),
    ],
)
def test_block_age_from_portaudio_times(current: float, adc: float, expected: float) -> None:
    assert block_age(current, adc, BLOCK, RATE, bound=0.1) == pytest.approx(expected)


def test_stream_clock_follows_a_source_once_it_has_audio() -> None:
    now = [50.0]
    clock = StreamClock(lambda: now[0])
    clock.start()
    stream: list[float | None] = [None]
    clock.follow(lambda: stream[0])
    now[0] = 51.0
    assert clock() == pytest.approx(1.0)  # no audio yet: time since start
    stream[0] = 0.25
    assert clock() == 0.25
    stream[0] = 0.24  # the source refined its estimate: the clock does not run backwards
    assert clock() == 0.25
    stream[0] = 0.5
    assert clock() == 0.5


def test_microphone_stream_time_starts_with_the_first_captured_sample() -> None:
    now = [100.0]
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic",
                default_samplerate=RATE,
                signal=sine(440, 1.0, RATE),
                pace="manual",
                input_latency=0.03,
            )
        ]
    )
    mic = MicrophoneSource(sounddevice=sd, clock=lambda: now[0])
    mic.start()
    stream = sd.last_stream
    assert mic.stream_time() is None
    assert not mic.wait_for_audio(0.0)
    now[0] = 101.5  # the device takes 1.5 s to deliver its first block
    stream.release(1)
    assert stream.wait_delivered(1)
    assert mic.wait_for_audio(1.0)
    # 20 ms of audio whose newest sample PortAudio says is 30 ms old.
    assert mic.stream_time() == pytest.approx(0.05)
    now[0] = 101.9  # the next block comes late: the timeline does not move
    stream.release(1)
    assert stream.wait_delivered(2)
    assert mic.stream_time() == pytest.approx(0.45)
    mic.stop()


def test_microphone_that_ends_without_audio_stops_the_wait() -> None:
    sd = FakeSoundDevice([FakeDevice("Mic", default_samplerate=RATE, after_end="finish")])
    mic = MicrophoneSource(sounddevice=sd)
    mic.start()
    assert not mic.wait_for_audio(10.0)
    assert mic.stream_time() is None
    mic.stop()


class _SlowStepRecognizer:
    """Makes one committed event per step, then works on (a decode) before returning."""

    def __init__(self, clock: StreamClock, now: list[float], step_seconds: float) -> None:
        self.clock, self.now, self.step_seconds = clock, now, step_seconds
        self.samples = 0

    def insert_audio(self, block: np.ndarray) -> None:
        self.samples += len(block)

    def process(self) -> list[CommittedText]:
        at = self.samples / RATE
        event = CommittedText(1, "staff", "fi", "sana", 0.0, at, at, emitted_at=self.clock())
        self.now[0] += self.step_seconds
        return [event]

    def finish(self) -> list[CommittedText]:
        return []


def test_pipeline_events_are_timed_on_the_captured_audio_when_they_leave() -> None:
    now = [10.0]
    sd = FakeSoundDevice(
        [FakeDevice("Mic", default_samplerate=RATE, signal=sine(440, 1.0, RATE), pace="manual")]
    )
    mic = MicrophoneSource(sounddevice=sd, clock=lambda: now[0])
    clock = StreamClock()
    recognizer = _SlowStepRecognizer(clock, now, step_seconds=0.4)
    events: queue.Queue[CommittedText] = queue.Queue()
    pipeline = Pipeline(mic, recognizer, clock=clock, on_event=events.put)  # type: ignore[arg-type]
    pipeline.start()
    try:
        now[0] = 12.0  # audio flows two seconds after the device was opened
        sd.last_stream.release(1)
        event = events.get(timeout=10)
    finally:
        pipeline.stop()
        assert pipeline.wait(10)
    # Speech ended with the block, 20 ms into the stream; the event left the core after
    # the 0.4 s step: that is the delay felt, not the device's start-up.
    assert event.speech_end == pytest.approx(0.02)
    assert event.emitted_at - event.speech_end == pytest.approx(0.4)
