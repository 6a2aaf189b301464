"""MicrophoneSource on real PortAudio, capturing a private PulseAudio null sink's monitor."""

from __future__ import annotations

import threading
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
