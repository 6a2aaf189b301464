"""The generated test speech and noise are what the other tests and the benchmark assume."""

from __future__ import annotations

import shutil
import time
import wave
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import speech

RATE = speech.SAMPLE_RATE


def wav_format(path: Path) -> tuple[int, int, int]:
    """(sample rate, channels, bytes per sample) from the header."""
    with wave.open(str(path), "rb") as reader:
        return reader.getframerate(), reader.getnchannels(), reader.getsampwidth()


def levels_10ms(samples: np.ndarray) -> np.ndarray:
    """Independent energy envelope: dBFS of 10 ms frames (digital silence: -inf)."""
    frames = samples[: len(samples) // 160 * 160].astype(np.float64).reshape(-1, 160)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.mean(frames**2, axis=1))


def speech_seconds(path: Path) -> float:
    samples, rate = speech.read_wav(path)
    bounds = speech.speech_bounds(samples, rate)
    assert bounds is not None, f"{path}: no speech"
    return bounds[1] - bounds[0]


def test_finnish_clips_are_16k_mono_sentences(finnish_clips: list[tuple[Path, str]]) -> None:
    assert len(finnish_clips) == len(speech.FINNISH_SENTENCES) + 3
    assert len({path for path, _ in finnish_clips}) == len(finnish_clips)
    for path, text in finnish_clips:
        assert wav_format(path) == (RATE, 1, 2), path
        seconds = speech_seconds(path)
        assert 3.0 <= seconds <= 10.0, (text, seconds)
        assert 8 <= len(text) / seconds <= 25, (text, seconds)  # a plausible speaking rate
        samples, _ = speech.read_wav(path)
        assert -35 < speech.rms_dbfs(samples) < -10, path
    male = [path for path, _ in finnish_clips if path.name.startswith("fi-mv-")]
    assert len(male) == 3


def test_english_clips_are_16k_mono_sentences(english_clips: list[tuple[Path, str]]) -> None:
    librivox = [(p, t) for p, t in english_clips if p.parent == speech.LIBRIVOX_DIR]
    assert len(librivox) == 5
    assert len(english_clips) == len(librivox) + len(speech.ENGLISH_SENTENCES)
    for path, text in english_clips:
        assert wav_format(path) == (RATE, 1, 2), path
        assert 2.0 <= speech_seconds(path) <= 10.0, text
        assert text and text == " ".join(text.split())
    assert librivox[1][1] == "he was not an ill disposed young man"
    assert all(text == text.lower() and "<s>" not in text for _, text in librivox)


def test_conversation_boundaries_match_the_energy_envelope(
    conversation_fi_en: speech.Conversation,
) -> None:
    conversation = conversation_fi_en
    samples, rate = speech.read_wav(conversation.path)
    assert rate == RATE and wav_format(conversation.path) == (RATE, 1, 2)
    assert len(samples) / rate == pytest.approx(conversation.duration, abs=1 / rate)
    segments = conversation.segments
    assert [s.lang for s in segments] == ["fi", "en"] * 4
    assert segments[0].start == pytest.approx(1.0, abs=1 / rate)
    assert conversation.duration - segments[-1].end == pytest.approx(2.0, abs=1 / rate)
    for before, after in pairwise(segments):
        assert after.start - before.end == pytest.approx(1.5, abs=1 / rate)

    levels = levels_10ms(samples)
    for segment in segments:
        first, last = round(segment.start * 100), round(segment.end * 100) - 1
        peak = levels[first : last + 1].max()
        threshold = max(speech.SPEECH_FLOOR_DBFS, peak - speech.SPEECH_BELOW_PEAK_DB)
        # Speech energy right at the true start and end, none just outside.
        assert levels[first] > threshold and levels[last] > threshold, segment
        assert levels[first - 1] <= threshold and levels[last + 1] <= threshold, segment
        assert peak > -25, segment
    for before, after in pairwise(segments):
        # Away from the short edge pads, the gaps are digital silence.
        gap = samples[round((before.end + 0.06) * rate) : round((after.start - 0.06) * rate)]
        assert len(gap) > rate and not gap.any()


def test_build_conversation_times_are_exact(tmp_path: Path) -> None:
    """Tone bursts at known positions: no speech tools needed."""
    clips = []
    for index, tone_seconds in enumerate((1.0, 0.5, 2.0)):
        t = np.arange(round(tone_seconds * RATE)) / RATE
        tone = 0.3 * np.sin(2 * np.pi * 440 * t)
        lead, tail = np.zeros(round(0.3 * RATE)), np.zeros(round(0.4 * RATE))
        path = speech.write_wav(tmp_path / f"tone{index}.wav", np.concatenate([lead, tone, tail]))
        clips.append((path, f"tone {index}", "xx"))
        assert speech.speech_bounds(speech.read_wav(path)[0]) == pytest.approx(
            (0.3, 0.3 + tone_seconds), abs=0.011
        )
    conversation = speech.build_conversation(
        clips, gap_seconds=1.0, lead_seconds=0.5, tail_seconds=0.75, out_path=tmp_path / "c.wav"
    )
    expected = [0.5, 1.5, 2.5, 3.0, 4.0, 6.0]  # start, end of each tone
    times = [t for s in conversation.segments for t in (s.start, s.end)]
    assert times == pytest.approx(expected, abs=0.011)
    assert conversation.duration == pytest.approx(6.75, abs=0.011)
    samples, _ = speech.read_wav(conversation.path)
    loud = np.flatnonzero(levels_10ms(samples) > -30)
    runs = np.split(loud, np.flatnonzero(np.diff(loud) > 1) + 1)
    envelope_times = [t for r in runs for t in (r[0] / 100, (r[-1] + 1) / 100)]
    assert envelope_times == pytest.approx(expected, abs=0.011)
    with pytest.raises(ValueError, match="no speech"):
        silent = speech.write_wav(tmp_path / "silent.wav", np.zeros(RATE))
        speech.build_conversation([(silent, "", "fi")], out_path=tmp_path / "x.wav")


def test_noise_silence_and_low_noise_levels(tmp_path: Path) -> None:
    silence, _ = speech.read_wav(speech.make_noise("silence", 3.0, tmp_path / "silence.wav"))
    assert len(silence) == 3 * RATE and not silence.any()

    path = speech.make_noise("low_noise", 5.0, tmp_path / "low.wav")
    assert wav_format(path) == (RATE, 1, 2)
    noise, _ = speech.read_wav(path)
    assert len(noise) == 5 * RATE
    assert speech.rms_dbfs(noise) == pytest.approx(-50, abs=1)
    # Steady: no 100 ms stretch stands out, so nothing looks like a voice starting.
    assert speech.frame_levels_dbfs(noise, RATE, 0.1).max() < -46
    # Pink: about the same power per octave at 250-500 Hz and at 4-8 kHz.
    power = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(len(noise), 1 / RATE)
    low = power[(freqs >= 250) & (freqs < 500)].sum()
    high = power[(freqs >= 4000) & (freqs < 8000)].sum()
    assert abs(10 * np.log10(low / high)) < 3


def test_brown_noise_is_a_low_rumble(tmp_path: Path) -> None:
    noise, _ = speech.read_wav(speech.make_noise("brown_noise", 5.0, tmp_path / "brown.wav"))
    assert speech.rms_dbfs(noise) == pytest.approx(-45, abs=1)
    # Brown: each octave up holds 3 dB less power, so 250-500 Hz is 12 dB above 4-8 kHz.
    power = np.abs(np.fft.rfft(noise)) ** 2
    freqs = np.fft.rfftfreq(len(noise), 1 / RATE)
    low = power[(freqs >= 250) & (freqs < 500)].sum()
    high = power[(freqs >= 4000) & (freqs < 8000)].sum()
    assert 10 * np.log10(low / high) == pytest.approx(12, abs=3)


def test_noise_babble_is_quiet_muffled_and_speech_like(
    tmp_path: Path, require_speech: Callable[..., None]
) -> None:
    require_speech("babble")
    babble, _ = speech.read_wav(speech.make_noise("babble", 8.0, tmp_path / "babble.wav"))
    assert len(babble) == 8 * RATE
    assert speech.rms_dbfs(babble) == pytest.approx(-40, abs=1)
    power = np.abs(np.fft.rfft(babble)) ** 2
    freqs = np.fft.rfftfreq(len(babble), 1 / RATE)
    assert power[freqs < 1500].sum() / power.sum() > 0.95  # heavily low-passed: no words
    assert power[(freqs > 100) & (freqs < 700)].sum() / power.sum() > 0.5  # voice band
    # Speech-like rhythm: the 100 ms level moves far more than steady noise does.
    assert speech.frame_levels_dbfs(babble, RATE, 0.1).std() > 2.0
    again, _ = speech.read_wav(speech.make_noise("babble", 8.0, tmp_path / "again.wav"))
    other, _ = speech.read_wav(speech.make_noise("babble", 8.0, tmp_path / "o.wav", seed=1))
    assert np.array_equal(babble, again) and not np.array_equal(babble, other)


def test_desk_sounds_are_short_sounds_with_quiet_between(tmp_path: Path) -> None:
    sounds, _ = speech.read_wav(speech.make_noise("desk_sounds", 20.0, tmp_path / "desk.wav"))
    assert len(sounds) == 20 * RATE
    assert speech.rms_dbfs(sounds) == pytest.approx(-30, abs=1)
    levels = speech.frame_levels_dbfs(sounds, RATE, 0.05)
    # One sound at a time: most of the time is quiet, and the sounds stand far above it.
    assert np.mean(levels < -60) > 0.3
    assert np.percentile(levels, 95) > -35
    again, _ = speech.read_wav(speech.make_noise("desk_sounds", 20.0, tmp_path / "again.wav"))
    other, _ = speech.read_wav(speech.make_noise("desk_sounds", 20.0, tmp_path / "o.wav", seed=1))
    assert np.array_equal(sounds, again) and not np.array_equal(sounds, other)


def test_cache_is_reused_and_safe_to_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, require_speech: Callable[..., None]
) -> None:
    require_speech("finnish")
    monkeypatch.setenv("DESK_TEST_CACHE_DIR", str(tmp_path / "cache"))
    text = speech.FINNISH_SENTENCES[0]
    cached = speech.synthesize_finnish(text)
    assert cached.parent == tmp_path / "cache" / "speech"
    started = time.perf_counter()
    assert speech.synthesize_finnish(text) == cached
    assert time.perf_counter() - started < 0.05
    copy = speech.synthesize_finnish(text, out_path=tmp_path / "out" / "fi.wav")
    assert copy.read_bytes() == cached.read_bytes()
    assert speech.synthesize_finnish(text, "mv") != cached
    shutil.rmtree(tmp_path / "cache")
    assert speech.synthesize_finnish(text).read_bytes() == copy.read_bytes()
    assert not list((tmp_path / "cache" / "speech").glob(".*tmp"))


def test_text_festival_cannot_read_is_rejected() -> None:
    with pytest.raises(ValueError, match="Latin-1"):
        speech.synthesize_finnish("Hinta on 5 €.")
    with pytest.raises(ValueError, match="voice"):
        speech.synthesize_finnish("Hei", voice="xx")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'sv'"):
        speech.synthesize("Hej", "sv", "lj")
