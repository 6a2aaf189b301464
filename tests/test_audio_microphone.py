"""MicrophoneSource against a faithful fake of the sounddevice module."""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest
from audio_fakes import FakeDevice, FakeSoundDevice, sine, write_audio

from interpreter.audio import SAMPLE_RATE, AudioError, AudioSource, MicrophoneSource


def read_all(source: MicrophoneSource, timeout: float = 5.0) -> np.ndarray:
    """Read until the source ends (each read waits at most ``timeout``)."""
    parts = []
    while (block := source.read(timeout)) is not None:
        assert block.dtype == np.float32 and block.ndim == 1
        parts.append(block)
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def capture(sd: FakeSoundDevice, device: str | int | None = None, **kwargs) -> np.ndarray:
    """Run the whole fake signal through a MicrophoneSource and return what it delivered."""
    mic = MicrophoneSource(device, sounddevice=sd, **kwargs)
    mic.start()
    stream = sd.last_stream
    assert stream.drained.wait(10)
    mic.stop()
    out = read_all(mic)
    assert stream.callback_errors == []
    return out


def dominant_frequency(x: np.ndarray, rate: float) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


def test_is_an_audio_source() -> None:
    sd = FakeSoundDevice([FakeDevice("hw mic"), FakeDevice("default")], default_input=1)
    mic = MicrophoneSource(sounddevice=sd)
    assert isinstance(mic, AudioSource)
    assert mic.description == "default (ALSA)"


def test_48k_stereo_sine_comes_out_16k_mono_with_right_frequency_and_length() -> None:
    seconds = 2.0
    left = sine(1000, seconds, 48_000, amplitude=0.5)
    stereo = np.stack([left, left], axis=1)
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Stereo Mic",
                max_input_channels=2,
                default_samplerate=48_000,
                supported_rates=(48_000.0,),
                supported_channels=(2,),
                signal=stereo,
            )
        ]
    )
    mic_out = capture(sd, "stereo")
    stream = sd.last_stream
    assert (stream.samplerate, stream.channels) == (48_000, 2)
    # Whole blocks of 20 ms were captured; the padded tail of the last one is silence.
    expected = stream.blocks_delivered * stream.blocksize / 3
    assert abs(len(mic_out) - expected) <= 0.002 * SAMPLE_RATE
    assert abs(len(mic_out) - seconds * SAMPLE_RATE) <= 0.02 * SAMPLE_RATE
    assert dominant_frequency(mic_out, SAMPLE_RATE) == pytest.approx(1000, abs=2)
    middle = mic_out[SAMPLE_RATE // 2 : 3 * SAMPLE_RATE // 2]
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.01)
    # Aligned sample by sample with an ideal 16 kHz sine (soxr's delay is compensated).
    reference = sine(1000, seconds, SAMPLE_RATE, amplitude=0.5)
    n = SAMPLE_RATE  # skip edges
    error = mic_out[n // 4 : n] - reference[n // 4 : n]
    assert np.max(np.abs(error)) < 0.01


def test_prefers_16k_mono_when_supported() -> None:
    signal = sine(440, 1.0, 16_000)
    sd = FakeSoundDevice(
        [FakeDevice("Mic", max_input_channels=2, signal=signal, signal_rate=16_000)]
    )
    out = capture(sd)
    assert (sd.last_stream.samplerate, sd.last_stream.channels) == (16_000, 1)
    np.testing.assert_array_equal(out[: len(signal)], signal)


def test_rate_fallback_order_uses_device_default_then_common_rates() -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice("A", default_samplerate=44_100, supported_rates=(44_100.0, 48_000.0)),
            FakeDevice("B", default_samplerate=96_000, supported_rates=(32_000.0, 22_050.0)),
        ]
    )
    assert MicrophoneSource("A", sounddevice=sd).settings.samplerate == 44_100
    settings = MicrophoneSource("B", sounddevice=sd).settings
    assert settings.samplerate == 32_000
    assert settings.blocksize == 640


def test_falls_back_to_all_channels_when_mono_is_refused() -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Quad", max_input_channels=4, supported_channels=(4,), default_samplerate=16_000
            )
        ]
    )
    mic = MicrophoneSource(sounddevice=sd)
    assert (mic.settings.samplerate, mic.settings.channels) == (16_000, 4)


def test_device_refusing_every_rate_names_device_and_rates() -> None:
    sd = FakeSoundDevice(
        [FakeDevice("Odd Mic", default_samplerate=8_000, supported_rates=(11_025.0,))]
    )
    with pytest.raises(AudioError) as info:
        MicrophoneSource(sounddevice=sd)
    message = str(info.value)
    assert "'Odd Mic'" in message
    assert "16000, 8000, 48000, 44100, 32000, 22050 Hz" in message
    assert "choose another device" in message


def test_overruns_count_port_overflows_and_ring_full_drops(caplog) -> None:
    seconds, rate = 1.0, 16_000
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic",
                default_samplerate=rate,
                signal=sine(300, seconds, rate),
                overflow_blocks=frozenset({2, 7}),
            )
        ]
    )
    # The ring holds 5 blocks of 20 ms; nobody reads while 50 blocks arrive.
    mic = MicrophoneSource(sounddevice=sd, buffer_seconds=0.1, block_seconds=0.02)
    mic.start()
    assert sd.last_stream.drained.wait(10)
    assert sd.last_stream.blocks_delivered == 50
    assert mic.overruns == 45 + 2
    mic.stop()
    with caplog.at_level(logging.WARNING, logger="interpreter.audio.microphone"):
        out = read_all(mic)
    # The oldest blocks were kept; the incoming ones were dropped.
    np.testing.assert_array_equal(out[: 5 * 320], sine(300, 0.1, rate))
    assert len(out) == 5 * 320
    assert "47 overrun(s)" in caplog.text


def test_overrun_warnings_are_rate_limited(caplog) -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic",
                default_samplerate=16_000,
                signal=sine(300, 1.0, 16_000),
                pace="manual",
                overflow_blocks=frozenset(range(50)),
            )
        ]
    )
    mic = MicrophoneSource(sounddevice=sd, overrun_log_interval=3600)
    mic.start()
    stream = sd.last_stream
    with caplog.at_level(logging.WARNING, logger="interpreter.audio.microphone"):
        stream.release(1)
        assert stream.wait_delivered(1)
        assert mic.read(0).size == 320
        assert caplog.text.count("overrun(s)") == 1
        assert "1 overrun(s) since the last report, 1 in total" in caplog.text
        for delivered in range(2, 5):
            stream.release(1)
            assert stream.wait_delivered(delivered)
            assert mic.read(0).size == 320
        assert caplog.text.count("overrun(s)") == 1  # within the interval: no new line
        mic.stop()
        read_all(mic)
    # The end of the stream reports what was still unreported.
    assert caplog.text.count("overrun(s)") == 2
    assert "3 overrun(s) since the last report, 4 in total" in caplog.text


@pytest.mark.parametrize(
    ("amplitude", "expected_dbfs"),
    [(1.0, -3.01), (0.5, -9.03), (0.1, -23.01), (0.0, -120.0)],
)
def test_level_meter_for_known_sines(amplitude: float, expected_dbfs: float) -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic",
                default_samplerate=16_000,
                # A whole number of periods per 20 ms block, so every block has the same RMS.
                signal=sine(500, 0.5, 16_000, amplitude=amplitude),
            )
        ]
    )
    mic = MicrophoneSource(sounddevice=sd)
    assert mic.level_dbfs == -120.0
    mic.start()
    assert sd.last_stream.drained.wait(10)
    assert mic.level_dbfs == pytest.approx(expected_dbfs, abs=0.01)
    mic.stop()


def test_level_of_full_scale_square_is_0_dbfs() -> None:
    square = np.where(np.arange(8000) % 32 < 16, 1.0, -1.0).astype(np.float32)
    sd = FakeSoundDevice([FakeDevice("Mic", default_samplerate=16_000, signal=square)])
    mic = MicrophoneSource(sounddevice=sd)
    mic.start()
    assert sd.last_stream.drained.wait(10)
    assert mic.level_dbfs == pytest.approx(0.0, abs=1e-6)
    mic.stop()


def test_stop_returns_captured_samples_then_none() -> None:
    signal = sine(440, 1.0, 16_000)
    sd = FakeSoundDevice(
        [FakeDevice("Mic", default_samplerate=16_000, signal=signal, after_end="silence")]
    )
    mic = MicrophoneSource(sounddevice=sd, block_seconds=0.01, buffer_seconds=3.0)
    mic.start()
    assert sd.last_stream.drained.wait(10)  # and silence keeps coming until stop()
    mic.stop()
    stream = sd.last_stream
    assert not stream.active
    out = read_all(mic)
    # Whatever reached the callback before stop() is returned, except blocks that found
    # the ring full (the fake delivers faster than real time and nobody read meanwhile).
    assert len(out) == (stream.blocks_delivered - mic.overruns) * stream.blocksize
    np.testing.assert_array_equal(out[: len(signal)], signal)
    assert not np.any(out[len(signal) :])
    assert mic.read(0) is None
    mic.stop()  # idempotent


def test_stop_with_resampling_flushes_tail_once() -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic",
                default_samplerate=44_100,
                supported_rates=(44_100.0,),
                signal=sine(440, 0.5, 44_100),
            )
        ]
    )
    out = capture(sd)
    delivered = sd.last_stream.blocks_delivered * sd.last_stream.blocksize
    assert abs(len(out) - delivered * SAMPLE_RATE / 44_100) <= 1


def test_read_blocks_until_audio_arrives_and_stop_wakes_it() -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic",
                default_samplerate=16_000,
                signal=sine(440, 0.2, 16_000),
                pace="realtime",
            )
        ]
    )
    mic = MicrophoneSource(sounddevice=sd)
    mic.start()
    first = mic.read(5.0)
    assert first is not None and first.size > 0
    assert sd.last_stream.drained.wait(5)
    # Drain, then block in read() on another thread until stop() wakes it.
    while (block := mic.read(0)) is not None and block.size:
        pass
    results: list[object] = []
    reader = threading.Thread(target=lambda: results.append(mic.read(30.0)))
    reader.start()
    mic.stop()
    reader.join(5)
    assert not reader.is_alive()
    assert results == [None]


def test_read_times_out_with_empty_array() -> None:
    sd = FakeSoundDevice([FakeDevice("Mic", default_samplerate=16_000)])
    mic = MicrophoneSource(sounddevice=sd)
    mic.start()
    assert sd.last_stream.drained.wait(5)
    block = mic.read(0.01)
    assert block is not None and block.size == 0 and block.dtype == np.float32
    mic.stop()
    assert mic.read(1.0) is None


def test_unexpected_end_of_stream_ends_reads(caplog) -> None:
    sd = FakeSoundDevice(
        [
            FakeDevice(
                "Mic", default_samplerate=16_000, signal=sine(440, 0.1, 16_000), after_end="finish"
            )
        ]
    )
    mic = MicrophoneSource(sounddevice=sd)
    with caplog.at_level(logging.WARNING, logger="interpreter.audio.microphone"):
        mic.start()
        assert sd.last_stream.finished.wait(5)
    assert "stopped delivering audio" in caplog.text
    # Everything captured is delivered first, then the loss is reported once, then the end.
    parts = []
    with pytest.raises(AudioError, match=r"Mic.*stopped delivering audio"):
        while (block := mic.read(5.0)) is not None:
            parts.append(block)
    assert sum(len(p) for p in parts) == 1600
    assert mic.read(0.1) is None
    mic.stop()


def test_read_before_start_and_double_start() -> None:
    sd = FakeSoundDevice([FakeDevice("Mic")])
    mic = MicrophoneSource(sounddevice=sd)
    with pytest.raises(RuntimeError):
        mic.read(0)
    mic.start()
    with pytest.raises(RuntimeError):
        mic.start()
    mic.stop()
    stopped_early = MicrophoneSource(sounddevice=sd)
    stopped_early.stop()
    assert stopped_early.read(1.0) is None


def test_open_failure_is_an_audio_error() -> None:
    sd = FakeSoundDevice([FakeDevice("Mic")])

    def broken(*args, **kwargs):
        raise sd.PortAudioError("Device unavailable [PaErrorCode -9985]")

    sd.InputStream = broken  # type: ignore[method-assign]
    mic = MicrophoneSource(sounddevice=sd)
    with pytest.raises(AudioError, match=r"Cannot open input device Mic .*Device unavailable"):
        mic.start()
    assert mic.read(5.0) is None  # a reader is not left waiting for audio that never comes


def test_file_backed_device_with_a_concurrent_reader(tmp_path) -> None:
    from interpreter.audio import decode_file

    path = write_audio(tmp_path / "speech.flac", sine(220, 3.0, 44_100, amplitude=0.3), 44_100)
    sd = FakeSoundDevice([FakeDevice.from_file(path, "File Mic", default_samplerate=16_000)])
    mic = MicrophoneSource(sounddevice=sd)
    mic.start()
    parts: list[np.ndarray] = []
    reader = threading.Thread(target=lambda: parts.append(read_all(mic)))
    reader.start()  # reads while the fake is still delivering
    assert sd.last_stream.drained.wait(10)
    mic.stop()
    reader.join(10)
    assert not reader.is_alive()
    expected = decode_file(path)
    assert mic.overruns == 0
    np.testing.assert_array_equal(parts[0][: len(expected)], expected)
