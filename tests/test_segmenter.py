"""Endpointing on synthetic probability sequences (no model)."""

import numpy as np
import pytest

from interpreter.audio.base import SAMPLE_RATE
from interpreter.segmenter import BoundaryKind, Segmenter, SegmenterOptions, silence_missing
from interpreter.vad import FRAME_SAMPLES

FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE


def frames(seconds: float, prob: float) -> np.ndarray:
    return np.full(round(seconds / FRAME_SECONDS), prob, dtype=np.float32)


def kinds(boundaries):
    return [b.kind for b in boundaries]


def test_utterance_start_pause_and_end_positions():
    seg = Segmenter(SegmenterOptions(commit_pause_seconds=0.3, end_pause_seconds=0.7))
    probs = np.concatenate([frames(1.0, 0.02), frames(2.0, 0.9), frames(1.5, 0.02)])
    out = seg.push(probs)
    assert kinds(out) == [BoundaryKind.START, BoundaryKind.PAUSE, BoundaryKind.END]
    start, pause, end = out
    # Start includes the 0.2 s pre-roll before the first speech frame at 1.0 s.
    assert start.sample / SAMPLE_RATE == pytest.approx(0.8, abs=FRAME_SECONDS)
    assert pause.speech_end / SAMPLE_RATE == pytest.approx(3.0, abs=FRAME_SECONDS)
    assert pause.sample / SAMPLE_RATE == pytest.approx(3.3, abs=2 * FRAME_SECONDS)
    assert end.speech_end == pause.speech_end
    assert end.reason == "pause"
    assert not seg.in_utterance


def test_blips_shorter_than_min_speech_start_nothing():
    seg = Segmenter(SegmenterOptions(min_speech_seconds=0.25))
    blip = np.concatenate([frames(0.1, 0.95), frames(0.5, 0.01)])
    assert seg.push(np.tile(blip, 10)) == []


def test_a_one_syllable_answer_starts_an_utterance():
    """A quick "Ei." or "No." has six or seven speech frames: the default minimum must
    not take it for a click."""
    seg = Segmenter()
    answer = np.concatenate([frames(0.5, 0.01), frames(0.2, 0.95), frames(1.0, 0.01)])
    assert kinds(seg.push(answer)) == [BoundaryKind.START, BoundaryKind.PAUSE, BoundaryKind.END]


def test_hysteresis_keeps_speech_through_mid_probabilities():
    seg = Segmenter(SegmenterOptions(threshold=0.5, neg_threshold=0.35))
    probs = np.concatenate([frames(1.0, 0.9), frames(1.0, 0.4), frames(0.2, 0.9)])
    out = seg.push(probs)
    assert kinds(out) == [BoundaryKind.START]
    assert seg.pause_seconds == 0.0


def test_short_pause_commits_but_does_not_end():
    seg = Segmenter(SegmenterOptions(commit_pause_seconds=0.3, end_pause_seconds=0.8))
    probs = np.concatenate([frames(1.0, 0.9), frames(0.5, 0.05), frames(1.0, 0.9)])
    out = seg.push(probs)
    assert kinds(out) == [BoundaryKind.START, BoundaryKind.PAUSE]
    assert seg.in_utterance


def test_long_utterance_ends_at_first_dip_after_soft_max():
    options = SegmenterOptions(soft_max_seconds=5.0, max_utterance_seconds=10.0)
    seg = Segmenter(options)
    probs = np.concatenate([frames(6.0, 0.9), frames(0.2, 0.1), frames(2.0, 0.9)])
    out = seg.push(probs)
    assert kinds(out) == [BoundaryKind.START, BoundaryKind.END, BoundaryKind.START]
    assert out[1].reason == "long"
    assert out[1].sample / SAMPLE_RATE == pytest.approx(6.2, abs=2 * FRAME_SECONDS)


def test_hard_max_cuts_at_the_quietest_moment_not_mid_word():
    options = SegmenterOptions(soft_max_seconds=8.0, max_utterance_seconds=10.0)
    seg = Segmenter(options)
    # Continuous speech with a slight dip (not a pause) at 7 s.
    probs = np.concatenate([frames(7.0, 0.95), frames(0.1, 0.55), frames(5.0, 0.95)])
    out = seg.push(probs)
    assert kinds(out) == [BoundaryKind.START, BoundaryKind.END, BoundaryKind.START]
    cut = out[1]
    assert cut.reason == "max_length"
    assert cut.sample / SAMPLE_RATE == pytest.approx(7.05, abs=0.1)
    assert out[2].sample == cut.sample  # the rest continues as the next utterance
    assert seg.in_utterance


def test_force_end_reports_speech_end():
    seg = Segmenter()
    seg.push(np.concatenate([frames(1.0, 0.9), frames(0.2, 0.0)]))
    end = seg.force_end("speaker_switch")
    assert end is not None and end.kind is BoundaryKind.END
    assert end.speech_end / SAMPLE_RATE == pytest.approx(1.0, abs=FRAME_SECONDS)
    assert seg.force_end() is None


def test_invalid_options_are_rejected():
    with pytest.raises(ValueError):
        SegmenterOptions(commit_pause_seconds=1.0, end_pause_seconds=0.5)
    with pytest.raises(ValueError):
        SegmenterOptions(max_utterance_seconds=40.0)


def test_silence_missing_is_the_tail_the_audio_lacks_after_its_own_speech():
    wanted = round(0.07 * SAMPLE_RATE)
    # Audio that ends one frame after its speech lacks the rest of the tail.
    assert silence_missing(10 * FRAME_SAMPLES, 9 * FRAME_SAMPLES, 0.07) == wanted - FRAME_SAMPLES
    assert silence_missing(9 * FRAME_SAMPLES, 9 * FRAME_SAMPLES, 0.07) == wanted
    # Enough silence heard, or audio that ends before its speech does: nothing.
    assert silence_missing(13 * FRAME_SAMPLES, 9 * FRAME_SAMPLES, 0.07) == 0
    assert silence_missing(5 * FRAME_SAMPLES, 9 * FRAME_SAMPLES, 0.07) == 0
