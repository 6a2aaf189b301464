"""The threaded pipeline around the core: sources in, events out, commands, errors."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import psutil
import pytest
import speech
from asr_helpers import padded, wer
from audio_fakes import FakeDevice, FakeSoundDevice
from pulse import PulseServer, pulse_server  # noqa: F401  (the fixture)

from interpreter.asr.language import LanguagePair
from interpreter.audio.microphone import MicrophoneSource
from interpreter.audio.replay import FileReplaySource, decode_file
from interpreter.clock import StreamClock
from interpreter.events import (
    CommittedText,
    ErrorEvent,
    Event,
    TentativeText,
    UtteranceEnded,
    UtteranceStarted,
)
from interpreter.pipeline import EventQueue, Pipeline
from interpreter.streaming import StreamingRecognizer

pytestmark = pytest.mark.slow


def run_to_end(source, engine, pair="fi-en", mode="auto", timeout=300.0) -> list[Event]:
    clock = StreamClock()
    recognizer = StreamingRecognizer(engine, LanguagePair.parse(pair), clock=clock)
    recognizer.set_mode(mode)
    pipeline = Pipeline(source, recognizer, clock=clock)
    pipeline.start()
    assert pipeline.wait(timeout), "pipeline did not finish"
    assert pipeline.events is not None
    return list(pipeline.events)


def ended_text(events: list[Event]) -> str:
    return " ".join(e.text for e in events if isinstance(e, UtteranceEnded) and e.text)


def test_replayed_conversation_gives_both_languages(whisper_engine, conversation_fi_en):
    source = FileReplaySource(conversation_fi_en.path, speed=0)
    events = run_to_end(source, whisper_engine)
    ended = [e for e in events if isinstance(e, UtteranceEnded) and e.text]
    assert len(ended) >= len(conversation_fi_en.segments) - 1
    langs = [e.lang for e in ended]
    assert langs.count("fi") >= 3 and langs.count("en") >= 3
    reference = " ".join(s.text for s in conversation_fi_en.segments)
    assert wer([reference], [ended_text(events)]) <= 0.35
    # Every event of an utterance carries its id; times are ordered within it.
    for event in ended:
        same = [e for e in events if e.utterance_id == event.utterance_id]
        assert isinstance(same[0], UtteranceStarted)
        assert all(e.audio_start <= e.speech_end <= e.audio_end + 0.5 for e in same[1:])
        assert [e.emitted_at for e in same] == sorted(e.emitted_at for e in same)


def test_fake_microphone_through_the_real_callback(whisper_engine, finnish_clips):
    """A 48 kHz device replays a clip through MicrophoneSource's real PortAudio callback."""
    path, text = finnish_clips[0]
    signal = padded(decode_file(path), before=0.5, after=1.5)
    device = FakeDevice(
        "Desk mic",
        signal=signal,
        signal_rate=16_000,
        default_samplerate=48_000,
        after_end="silence",
    )
    source = MicrophoneSource("desk", sounddevice=FakeSoundDevice([device]))
    clock = StreamClock()
    recognizer = StreamingRecognizer(whisper_engine, LanguagePair.parse("fi-en"), clock=clock)
    events: list[Event] = []

    def on_event(event: Event) -> None:
        events.append(event)
        if isinstance(event, UtteranceEnded) and event.text:
            pipeline.stop()  # the user presses stop once the sentence is done

    pipeline = Pipeline(source, recognizer, clock=clock, on_event=on_event)
    pipeline.start()
    assert pipeline.wait(120)
    assert pipeline.error is None
    assert wer([text], [ended_text(events)]) <= 0.4
    assert {e.lang for e in events if isinstance(e, CommittedText)} == {"fi"}


def test_device_lost_mid_sentence_keeps_what_was_said(whisper_engine, finnish_clips):
    """The device disappears mid-sentence: an error event, and the words so far are kept."""
    path, _ = finnish_clips[7]
    audio = padded(decode_file(path), before=0.5, after=0.0)
    cut = audio[: int(len(audio) * 0.85)]
    device = FakeDevice("USB mic", signal=cut, signal_rate=16_000, after_end="finish")
    source = MicrophoneSource(0, sounddevice=FakeSoundDevice([device]))
    events = run_to_end(source, whisper_engine)
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and errors[0].fatal and "USB mic" in errors[0].text
    assert len(ended_text(events).split()) >= 4


def test_stop_still_emits_captured_speech(whisper_engine, finnish_clips):
    path, _ = finnish_clips[4]
    clock = StreamClock()
    recognizer = StreamingRecognizer(whisper_engine, LanguagePair.parse("fi-en"), clock=clock)
    collected: list[Event] = []
    stopped = threading.Event()

    def on_event(event: Event) -> None:
        collected.append(event)
        if isinstance(event, TentativeText) and event.text and not stopped.is_set():
            stopped.set()
            pipeline.stop()  # stop while the sentence is still open

    pipeline = Pipeline(FileReplaySource(path, speed=0), recognizer, clock=clock, on_event=on_event)
    pipeline.start()
    assert pipeline.wait(120)
    assert stopped.is_set()
    ended = [e for e in collected if isinstance(e, UtteranceEnded)]
    assert len(ended) == 1 and ended[0].text


def test_speaker_mode_command_switches_sides(whisper_engine, finnish_clips):
    path, _ = finnish_clips[0]
    source = FileReplaySource(path, speed=0, pad_end_seconds=1.0)
    clock = StreamClock()
    recognizer = StreamingRecognizer(whisper_engine, LanguagePair.parse("fi-sv"), clock=clock)
    pipeline = Pipeline(source, recognizer, clock=clock)
    pipeline.set_mode("client")
    pipeline.start()
    assert pipeline.wait(120)
    ended = [e for e in pipeline.events if isinstance(e, UtteranceEnded) and e.text]
    assert ended and {e.side for e in ended} == {"client"} and {e.lang for e in ended} == {"sv"}


def test_event_queue_drops_tentative_only():
    queue = EventQueue(maxsize=2)
    common = dict(
        side=None, lang=None, audio_start=0.0, audio_end=0.0, speech_end=0.0, emitted_at=0.0
    )
    queue.put(TentativeText(utterance_id=1, text="a", **common))
    queue.put(TentativeText(utterance_id=1, text="b", **common))
    queue.put(TentativeText(utterance_id=1, text="c", **common))  # full: dropped
    assert queue.dropped == 1
    assert queue.get(timeout=1).text == "a"
    queue.put(CommittedText(utterance_id=1, text="d", **common))
    assert [queue.get(timeout=1).text, queue.get(timeout=1).text] == ["b", "d"]


def test_ten_minute_replay_keeps_memory_flat(whisper_engine, finnish_clips, tmp_path: Path):
    """Ten minutes at full speed: memory after the last minute is about what it was after
    the first, and the run finishes."""
    clips = [decode_file(p) for p, _ in finnish_clips[:3]]
    minute = np.zeros(60 * 16_000, dtype=np.float32)
    for i, clip in enumerate(clips):  # a few sentences in each minute, silence around
        start = (5 + 18 * i) * 16_000
        minute[start : start + len(clip)] = clip
    noise = np.random.default_rng(1).normal(0, 10 ** (-55 / 20), len(minute)).astype(np.float32)
    path = speech.write_wav(tmp_path / "ten-minutes.wav", np.tile(minute + noise, 10))

    process = psutil.Process()
    samples: list[tuple[float, int]] = []

    def on_event(event: Event) -> None:
        if isinstance(event, UtteranceEnded):
            samples.append((event.audio_end, process.memory_info().rss))

    clock = StreamClock()
    recognizer = StreamingRecognizer(whisper_engine, LanguagePair.parse("fi-en"), clock=clock)
    pipeline = Pipeline(FileReplaySource(path, speed=0), recognizer, clock=clock, on_event=on_event)
    pipeline.start()
    assert pipeline.wait(900), "ten-minute replay did not finish"
    assert pipeline.error is None
    assert len(samples) >= 25  # three sentences a minute
    first = max(rss for t, rss in samples if t < 120)
    last = max(rss for t, rss in samples if t > 480)
    assert last - first < 40 * 2**20, f"RSS grew by {(last - first) / 2**20:.1f} MiB"


@pytest.mark.pulseaudio
def test_live_microphone_over_pulseaudio(whisper_engine, finnish_clips, pulse_server):  # noqa: F811
    """Real PortAudio capturing a PulseAudio null sink into which a Finnish clip is played."""
    import sounddevice

    path, text = finnish_clips[0]
    clock = StreamClock()
    recognizer = StreamingRecognizer(whisper_engine, LanguagePair.parse("fi-en"), clock=clock)
    done = threading.Event()
    committed: list[CommittedText] = []

    def on_event(event: Event) -> None:
        if isinstance(event, CommittedText):
            committed.append(event)
        if isinstance(event, UtteranceEnded) and event.text:
            done.set()

    source = MicrophoneSource("pulse", sounddevice=sounddevice)
    pipeline = Pipeline(source, recognizer, clock=clock, on_event=on_event)
    pipeline.start()
    try:
        pulse_server.play(path)
        assert done.wait(60), "no committed text arrived from the microphone"
    finally:
        pipeline.stop()
        assert pipeline.wait(60)
    heard = " ".join(c.text for c in committed)
    assert {c.lang for c in committed} == {"fi"}
    assert wer([text], [heard]) <= 0.35
