"""MicrophoneSource on real PortAudio, capturing a private PulseAudio null sink's monitor."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from audio_fakes import write_audio
from pulse import PulseServer, pulse_server  # noqa: F401  (the fixture)

from interpreter.audio import SAMPLE_RATE, MicrophoneSource, list_input_devices

pytestmark = pytest.mark.pulseaudio

LEAD, TONE, TAIL = 0.3, 1.0, 0.5  # seconds of silence, chirp, silence in the played file


def chirp() -> np.ndarray:
    """A 300 -> 3000 Hz sweep: unambiguous to align by cross-correlation."""
    t = np.arange(round(TONE * SAMPLE_RATE)) / SAMPLE_RATE
    f0, f1 = 300.0, 3000.0
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * TONE))
    return (0.5 * np.sin(phase)).astype(np.float32)


def frame_rms(x: np.ndarray, frame: int = 320) -> np.ndarray:
    n = len(x) // frame
    return np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1))


def test_real_devices_include_the_pulse_device(pulse_server: PulseServer) -> None:  # noqa: F811
    import sounddevice

    names = [device.name for device in list_input_devices(sounddevice)]
    assert "pulse" in names, names


@pytest.mark.parametrize("device", ["pulse", None])
def test_microphone_captures_what_is_played(
    pulse_server: PulseServer,  # noqa: F811
    tmp_path: Path,
    device: str | None,
) -> None:
    import sounddevice

    sweep = chirp()
    played = np.concatenate(
        [np.zeros(round(LEAD * SAMPLE_RATE)), sweep, np.zeros(round(TAIL * SAMPLE_RATE))]
    )
    wav = write_audio(tmp_path / "chirp.wav", played, SAMPLE_RATE)

    mic = MicrophoneSource(device, sounddevice=sounddevice)
    mic.start()
    captured: list[np.ndarray] = []
    levels: list[float] = []

    def reader() -> None:
        while (block := mic.read(1.0)) is not None:
            captured.append(block)
            levels.append(mic.level_dbfs)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        pulse_server.play(wav)  # the file ends with silence, so the chirp is captured by now
    finally:
        mic.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert mic.overruns == 0

    audio = np.concatenate(captured)
    assert len(audio) >= len(played) * 0.9
    rms = frame_rms(audio)
    floor = np.median(rms[: max(1, len(rms) // 10)])
    loud = rms > 0.1
    assert loud.any(), f"nothing captured above the floor ({rms.max():.4f} max RMS)"
    assert rms.max() > 10 * max(floor, 1e-4)
    # The loud part lasts as long as the chirp (20 ms frames).
    assert abs(loud.sum() * 0.02 - TONE) <= 0.1
    assert max(levels) > -20

    # The chirp is in there, aligned: normalised cross-correlation near 1.
    corr = np.correlate(audio, sweep, mode="valid")
    lag = int(np.argmax(np.abs(corr)))
    segment = audio[lag : lag + len(sweep)]
    similarity = abs(corr[lag]) / (np.linalg.norm(segment) * np.linalg.norm(sweep))
    assert similarity > 0.9, similarity


def clicks(offsets: list[float], seconds: float) -> np.ndarray:
    """Silence with a 10 ms burst at each offset."""
    signal = np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)
    for offset in offsets:
        start = round(offset * SAMPLE_RATE)
        signal[start : start + SAMPLE_RATE // 100] = 0.8
    return signal


def test_stream_time_puts_captured_audio_where_it_was_played(
    pulse_server: PulseServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Sample positions and stream time share one scale: a click played at a known moment
    is found at the sample position that the stream time gave that moment. PulseAudio
    takes up to two seconds to start delivering, which must not count."""
    import sounddevice

    offsets = [0.5, 1.0, 1.5]
    wav = write_audio(tmp_path / "clicks.wav", clicks(offsets, 2.0), SAMPLE_RATE)
    mic = MicrophoneSource("pulse", sounddevice=sounddevice)
    opened = time.monotonic()
    mic.start()
    captured: list[np.ndarray] = []

    def reader() -> None:
        while (block := mic.read(1.0)) is not None:
            captured.append(block)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        assert mic.wait_for_audio(10.0), "the device delivered no audio"
        played = time.monotonic()
        pulse_server.play(wav)
        now = time.monotonic()
        stream_time = mic.stream_time()
    finally:
        mic.stop()
        thread.join(10)
    assert stream_time is not None
    origin = now - stream_time  # when the first captured sample was heard
    assert origin >= opened - 0.1
    audio = np.concatenate(captured)
    loud = np.flatnonzero(np.abs(audio) > 0.3)
    starts = loud[np.concatenate(([True], np.diff(loud) > SAMPLE_RATE // 10))] / SAMPLE_RATE
    assert len(starts) == len(offsets)
    for heard, offset in zip(starts, offsets, strict=True):
        # paplay needs a few ms to start; the block timing jitters on a busy machine.
        assert heard - (played + offset - origin) == pytest.approx(0.0, abs=0.15)


@pytest.mark.slow
def test_listen_over_pulseaudio_times_events_like_a_replay(
    pulse_server: PulseServer,  # noqa: F811
    finnish_clips,
    require_speech,
    tmp_path: Path,
) -> None:
    """``interpreter listen --jsonl`` on the virtual microphone, timed from outside: each
    sentence's ``speech_end`` is where it really ended, on the same tolerance as a replay,
    and ``emitted_at - speech_end`` is the delay measured by the wall clock."""
    import speech

    require_speech("english")
    english = speech.ENGLISH_SENTENCES[0]
    conversation = speech.build_conversation(
        [
            (finnish_clips[0][0], finnish_clips[0][1], "fi"),
            (speech.synthesize_english(english, tmp_path / "en.wav"), english, "en"),
        ],
        out_path=tmp_path / "dialogue.wav",
    )
    segments = conversation.segments
    # The default input, as a desk would use it: the null sink's monitor.
    command = ["listen", "--pair", "fi-en", "--jsonl", "--no-translation"]
    process = subprocess.Popen(
        [sys.executable, "-m", "interpreter", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[tuple[float, dict]] = []
    errors: list[str] = []
    listening, finished = threading.Event(), threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append((time.monotonic(), json.loads(line)))
            ended = [e for _, e in lines if e["type"] == "utterance_ended" and e["text"]]
            if len(ended) >= len(segments):
                finished.set()

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            errors.append(line)
            if line.startswith("Listening on"):
                listening.set()

    readers = [threading.Thread(target=read_stdout), threading.Thread(target=read_stderr)]
    for reader in readers:
        reader.start()
    try:
        assert listening.wait(120), "".join(errors)
        # A tick first, then the dialogue: speech that starts a while after the device
        # started delivering, however long that took.
        pulse_server.play(write_audio(tmp_path / "tick.wav", clicks([0.1], 0.3), SAMPLE_RATE))
        played = time.monotonic()
        pulse_server.play(conversation.path)
        assert finished.wait(120), "".join(errors)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        finally:
            process.kill()
            for reader in readers:
                reader.join(10)
    assert process.returncode == 0, "".join(errors)
    # When the stream's first sample was heard, from the events' own clock: every line is
    # read a little after it left the core.
    origin = min(read - event["emitted_at"] for read, event in lines)
    ended = [e for _, e in lines if e["type"] == "utterance_ended" and e["text"]]
    for segment in segments:
        true_end = played + segment.end - origin  # on the stream's clock
        nearest = min(ended, key=lambda e: abs(e["speech_end"] - true_end))
        assert abs(nearest["speech_end"] - true_end) < 0.4, (segment, nearest, errors)
        read, last = max(
            (read, event)
            for read, event in lines
            if event["type"] == "committed" and event["utterance_id"] == nearest["utterance_id"]
        )
        felt = read - (played + segment.end)
        assert last["emitted_at"] - last["speech_end"] == pytest.approx(felt, abs=0.4)
