"""FileReplaySource and decode_file: formats, pacing, stop, errors, flat memory."""

from __future__ import annotations

import threading
import tracemalloc
import wave
from pathlib import Path

import av
import numpy as np
import psutil
import pytest
from audio_fakes import sine, write_audio

from interpreter.audio import SAMPLE_RATE, AudioError, AudioSource, FileReplaySource, decode_file


class FakeClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def read_all(source: FileReplaySource) -> list[np.ndarray]:
    blocks = []
    while (block := source.read(0)) is not None:
        assert block.size, "speed=0 replay must never time out"
        blocks.append(block)
    return blocks


def dominant_frequency(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[np.argmax(spectrum)])


@pytest.fixture
def one_second_wav(tmp_path: Path) -> Path:
    return write_audio(tmp_path / "tone.wav", sine(440, 1.0, SAMPLE_RATE), SAMPLE_RATE)


@pytest.mark.parametrize(
    ("suffix", "rate", "channels", "tolerance"),
    [
        (".wav", 44_100, 2, 0.001),
        (".flac", 48_000, 1, 0.001),
        (".mp3", 44_100, 2, 0.005),
        (".ogg", 22_050, 2, 0.05),  # FFmpeg's vorbis encoder pads the end of the file
        (".opus", 48_000, 1, 0.005),
    ],
)
def test_formats_decode_to_16k_mono(
    tmp_path: Path, suffix: str, rate: int, channels: int, tolerance: float
) -> None:
    seconds = 2.0
    tone = sine(1000, seconds, rate, amplitude=0.5)
    signal = np.stack([tone] * channels, axis=1) if channels > 1 else tone
    path = write_audio(tmp_path / f"tone{suffix}", signal, rate)

    whole = decode_file(path)
    assert whole.dtype == np.float32 and whole.ndim == 1
    assert abs(len(whole) / SAMPLE_RATE - seconds) <= tolerance
    middle = whole[SAMPLE_RATE // 2 : 3 * SAMPLE_RATE // 2]
    assert dominant_frequency(middle) == pytest.approx(1000, abs=2)
    # Identical channels average to the original level (no +3 dB from FFmpeg's downmix).
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)

    source = FileReplaySource(path, speed=0, block_seconds=0.1)
    source.start()
    blocks = read_all(source)
    assert {len(b) for b in blocks[:-1]} == {1600}
    np.testing.assert_array_equal(np.concatenate(blocks), whole)


def test_is_an_audio_source(one_second_wav: Path) -> None:
    source = FileReplaySource(one_second_wav)
    assert isinstance(source, AudioSource)
    assert source.description == f"file {one_second_wav}"
    assert source.overruns == 0
    assert source.level_dbfs == -120.0
    assert source.duration_seconds == pytest.approx(1.0)


def test_pad_end_appends_silence(one_second_wav: Path) -> None:
    source = FileReplaySource(one_second_wav, speed=0, block_seconds=0.1, pad_end_seconds=0.25)
    source.start()
    audio = np.concatenate(read_all(source))
    assert len(audio) == SAMPLE_RATE + 4000
    assert not np.any(audio[SAMPLE_RATE:])
    assert source.level_dbfs == -120.0


def test_level_of_last_block(one_second_wav: Path) -> None:
    source = FileReplaySource(one_second_wav, speed=0)
    source.start()
    source.read(0)
    assert source.level_dbfs == pytest.approx(-9.03, abs=0.05)  # 0.5 amplitude sine


def test_realtime_pacing_with_fake_clock(one_second_wav: Path) -> None:
    clock = FakeClock()
    source = FileReplaySource(one_second_wav, speed=1.0, block_seconds=0.1, clock=clock)
    source.start()
    # Block i is readable once its last sample "was spoken": start + (i + 1) * 0.1 s.
    assert source.read(0).size == 0
    clock.advance(0.099)
    assert source.read(0).size == 0
    clock.advance(0.001)
    assert len(source.read(0)) == 1600
    assert source.read(0).size == 0
    clock.advance(0.25)  # blocks 1 and 2 are due; a late reader catches up at once
    assert len(source.read(0)) == 1600
    assert len(source.read(0)) == 1600
    assert source.read(0).size == 0
    clock.advance(10)
    assert sum(len(source.read(0)) for _ in range(7)) == 7 * 1600
    assert source.read(0) is None
    assert source.read(1.0) is None


def test_speed_factor_scales_due_times(one_second_wav: Path) -> None:
    clock = FakeClock()
    source = FileReplaySource(one_second_wav, speed=4.0, block_seconds=0.2, clock=clock)
    clock.advance(3.0)  # pacing counts from start(), not from construction
    source.start()
    clock.advance(0.049)
    assert source.read(0).size == 0
    clock.advance(0.001)
    assert len(source.read(0)) == 3200


def test_read_waits_for_the_block_in_real_time(one_second_wav: Path) -> None:
    import time

    source = FileReplaySource(one_second_wav, speed=1.0, block_seconds=0.05)
    source.start()
    started = time.monotonic()
    block = source.read(5.0)
    elapsed = time.monotonic() - started
    assert block is not None and len(block) == 800
    assert 0.045 <= elapsed < 1.0
    source.stop()


def test_stop_interrupts_a_blocked_read(one_second_wav: Path) -> None:
    source = FileReplaySource(one_second_wav, speed=0.01)  # first block due in 10 s
    source.start()
    results: list[object] = []
    reader = threading.Thread(target=lambda: results.append(source.read(60.0)))
    reader.start()
    source.stop()
    reader.join(5)
    assert not reader.is_alive()
    assert results == [None]


def test_stop_keeps_blocks_already_due(one_second_wav: Path) -> None:
    clock = FakeClock()
    source = FileReplaySource(one_second_wav, speed=1.0, block_seconds=0.1, clock=clock)
    source.start()
    clock.advance(0.35)
    assert len(source.read(0)) == 1600
    source.stop()
    clock.advance(5)
    assert len(source.read(0)) == 1600
    assert len(source.read(0)) == 1600
    assert source.read(0) is None
    source.stop()


def test_stop_at_full_speed_ends_immediately(one_second_wav: Path) -> None:
    source = FileReplaySource(one_second_wav, speed=0)
    source.start()
    assert source.read(0) is not None
    source.stop()
    assert source.read(0) is None


def test_read_before_start_and_double_start(one_second_wav: Path) -> None:
    source = FileReplaySource(one_second_wav)
    with pytest.raises(RuntimeError):
        source.read(0)
    source.start()
    with pytest.raises(RuntimeError):
        source.start()
    never_started = FileReplaySource(one_second_wav)
    never_started.stop()
    assert never_started.read(0) is None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"nope\.wav does not exist: check the path"):
        FileReplaySource(tmp_path / "nope.wav")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="is a directory: give the path of a wav"):
        FileReplaySource(tmp_path)


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.wav", b"hello, this is not audio\n"), ("noise.xyz", bytes(range(256)) * 4)],
)
def test_unsupported_or_damaged_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AudioError) as info:
        FileReplaySource(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert "not a supported audio file" in message or "no audio stream" in message


def test_file_without_audio_stream(tmp_path: Path) -> None:
    path = tmp_path / "video.mkv"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuv420p"
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    with pytest.raises(AudioError, match=r"video\.mkv has no audio stream"):
        FileReplaySource(path)
    with pytest.raises(AudioError, match="no audio stream"):
        decode_file(path)


def test_truncated_file_decodes_what_is_there(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "cut.mp3", sine(440, 2.0, 44_100), 44_100)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    # FFmpeg decodes what is there; the replay must end normally, never hang or crash.
    audio = decode_file(path)
    assert 0.5 < len(audio) / SAMPLE_RATE < 1.5


def test_invalid_arguments(one_second_wav: Path) -> None:
    with pytest.raises(ValueError):
        FileReplaySource(one_second_wav, speed=-1)
    with pytest.raises(ValueError):
        FileReplaySource(one_second_wav, block_seconds=0)
    with pytest.raises(ValueError):
        FileReplaySource(one_second_wav, pad_end_seconds=-0.1)


@pytest.mark.slow
def test_memory_stays_flat_replaying_ten_minutes(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    rate = 22_050  # not 16 kHz, so the resampler runs too
    with wave.open(str(path), "wb") as out:  # written in chunks: the test itself stays small
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        chunk = (sine(441, 1.0, rate, amplitude=0.3) * 32767).astype("<i2").tobytes()
        for _ in range(600):
            out.writeframes(chunk)
    process = psutil.Process()
    samples = 0
    tracemalloc.start()
    try:
        rss_before = process.memory_info().rss
        source = FileReplaySource(path, speed=0, block_seconds=0.1)
        source.start()
        while (block := source.read(0)) is not None:
            samples += len(block)
            if samples == 60 * SAMPLE_RATE:  # ignore one-off allocations while warming up
                tracemalloc.reset_peak()
        _, peak = tracemalloc.get_traced_memory()
        rss_growth = process.memory_info().rss - rss_before
    finally:
        tracemalloc.stop()
    assert samples == 600 * SAMPLE_RATE
    whole_file_bytes = samples * 4  # what decoding into one array would take: 38 MB
    assert peak < 1_000_000, f"Python allocations peaked at {peak} bytes"
    assert rss_growth < whole_file_bytes / 4, f"RSS grew by {rss_growth} bytes"


def test_decoding_error_part_way_is_raised_once(
    one_second_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(path):
        yield np.zeros(1600, np.float32)
        raise AudioError(f"Decoding {path} failed: broken frame")

    monkeypatch.setattr("interpreter.audio.replay.iter_decoded", failing)
    source = FileReplaySource(one_second_wav, speed=0, block_seconds=0.1)
    source.start()
    assert len(source.read(0)) == 1600
    with pytest.raises(AudioError, match="broken frame"):
        source.read(0)
    assert source.read(0) is None


def _noise(seconds: float, channels: int, seed: int) -> np.ndarray:
    signal = np.random.default_rng(seed).uniform(-0.9, 0.9, (int(seconds * SAMPLE_RATE), channels))
    return signal[:, 0] if channels == 1 else signal


@pytest.mark.parametrize("channels", [1, 2])
def test_plain_16k_wav_is_read_without_pyav_to_the_same_samples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, channels: int
) -> None:
    path = write_audio(tmp_path / "noise.wav", _noise(1.3, channels, channels), SAMPLE_RATE)
    # Whole files, a truncated one (cut inside a frame): PyAV's samples, to the bit.
    cut = tmp_path / "cut.wav"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3 + 1])
    for file in (path, cut):
        with monkeypatch.context() as patch:
            patch.setattr("interpreter.audio.replay.iter_plain_wav", lambda _path: None)
            patch.setattr("interpreter.audio.replay.plain_wav_duration", lambda _path: None)
            through_pyav = decode_file(file)
            pyav_duration = FileReplaySource(file).duration_seconds
        with monkeypatch.context() as patch:
            patch.setattr("interpreter.audio.replay._pyav", lambda: pytest.fail("PyAV used"))
            plain = decode_file(file)
            plain_duration = FileReplaySource(file).duration_seconds
        assert plain.dtype == np.float32 and len(plain) > SAMPLE_RATE // 2
        np.testing.assert_array_equal(plain, through_pyav)
        # The frames the file holds (FFmpeg estimates a truncated file's from its size).
        assert plain_duration == len(plain) / SAMPLE_RATE
        assert plain_duration == pytest.approx(pyav_duration, abs=0.001)


def test_other_wav_files_go_through_pyav(tmp_path: Path) -> None:
    """8-bit samples, another rate: PyAV converts them (formats above cover 44.1 kHz)."""
    path = tmp_path / "eight-bit.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(((sine(440, 1.0, SAMPLE_RATE) * 100) + 128).astype(np.uint8).tobytes())
    audio = decode_file(path)
    assert len(audio) == SAMPLE_RATE
    assert dominant_frequency(audio) == pytest.approx(440, abs=2)
