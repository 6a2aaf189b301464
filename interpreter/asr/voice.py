"""Whether the voice after a pause is a different person's: a speaker change by pitch.

At a desk the other side often answers within half a second, before the silence that
ends an utterance, and a one-word answer ("Yes.", "Kyllä.") says too little about its
language to split the utterance on language evidence alone. The speaker's pitch does
say something: the median pitch of one person's speech moves by a few semitones from
one phrase to the next, while two people (most clearly a man and a woman) often differ
by half an octave or more. :class:`PitchTrack` follows the pitch of an utterance's
audio; :func:`speaker_change_probability` compares the speech after a pause with the
speech before it.

Two voices of similar pitch give no evidence either way; that is why a change is only
ever concluded, never its absence.

The pitch tracker is the YIN method (de Cheveigné and Kawahara, 2002) on numpy:
a few dozen lines instead of a signal-processing library and its compiled
dependencies in every desk install.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from interpreter.audio.base import SAMPLE_RATE


@dataclass(frozen=True)
class VoiceOptions:
    """How pitch is tracked, and how a pitch difference is weighed."""

    min_pitch_hz: float = 60.0
    max_pitch_hz: float = 400.0
    window_seconds: float = 0.025
    hop_seconds: float = 0.01
    #: A frame is voiced where YIN's normalised difference dips below this. At 0.2 a
    #: one-word answer in an 80 to 100 Hz voice ("Sorry.") gave as few as 7 voiced
    #: frames, too few to judge; at 0.3 every test voice's median pitch is unchanged.
    voicing_threshold: float = 0.3
    #: Frames quieter than this (RMS, full scale 1.0) are not analysed.
    min_frame_rms: float = 0.001
    #: Voiced frames needed on each side of the pause for any conclusion.
    min_voiced_frames: int = 8
    #: While the speech after the pause goes on, it is judged only once it has this many
    #: voiced frames: a phrase's first syllables are often pitched far from its whole.
    mid_speech_voiced_frames: int = 20
    #: The speech before the pause is judged on at most its last this many voiced frames.
    reference_frames: int = 400
    #: Spread (standard deviation, natural log of the ratio) of one person's median
    #: pitch from one phrase to the next, and of two different people's.
    same_speaker_spread: float = 0.15
    different_speaker_spread: float = 0.4
    #: Before the voice is heard, the same speaker goes on after a pause this often.
    same_speaker_prior: float = 0.7
    #: The speech after a pause becomes a new utterance (the other speaker's turn) when
    #: another voice is at least this likely. 1 turns voice splits off.
    split_probability: float = 0.9

    def __post_init__(self) -> None:
        if not 0.0 < self.min_pitch_hz < self.max_pitch_hz:
            raise ValueError("min_pitch_hz must be above 0 and below max_pitch_hz")
        if not 0.0 < self.same_speaker_spread < self.different_speaker_spread:
            raise ValueError("same_speaker_spread must be above 0 and below the other spread")
        if not 0.0 < self.same_speaker_prior < 1.0:
            raise ValueError("same_speaker_prior must be between 0 and 1")
        if not 0.5 <= self.split_probability <= 1.0:
            raise ValueError("split_probability must be between 0.5 and 1")

    @property
    def window(self) -> int:
        return int(self.window_seconds * SAMPLE_RATE)

    @property
    def hop(self) -> int:
        return int(self.hop_seconds * SAMPLE_RATE)

    @property
    def min_lag(self) -> int:
        return int(SAMPLE_RATE / self.max_pitch_hz)

    @property
    def max_lag(self) -> int:
        return math.ceil(SAMPLE_RATE / self.min_pitch_hz)


def pitch_frames(audio: np.ndarray, options: VoiceOptions) -> np.ndarray:
    """Pitch in Hz of each frame of ``audio`` (one per hop), NaN where unvoiced.

    Frame ``i`` starts at sample ``i * hop`` and needs ``window + max_lag`` samples.
    """
    window, max_lag, min_lag = options.window, options.max_lag, options.min_lag
    span = window + max_lag
    if len(audio) < span:
        return np.zeros(0)
    frames = sliding_window_view(audio.astype(np.float64), span)[:: options.hop]
    pitch = np.full(len(frames), np.nan)
    heads = frames[:, :window]
    loud = np.sqrt(np.mean(heads * heads, axis=1)) >= options.min_frame_rms
    if not loud.any():
        return pitch
    frames, heads = frames[loud], heads[loud]
    # Difference function d(t) = sum over the window of (x[j] - x[j + t])^2, from the
    # correlation (by FFT; the frame is long enough that nothing wraps) and energies.
    size = 1 << (span - 1).bit_length()
    spectrum = np.fft.rfft(frames, size) * np.conj(np.fft.rfft(heads, size))
    correlation = np.fft.irfft(spectrum, size)[:, : max_lag + 1]
    squares = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames**2, axis=1)], axis=1)
    lags = np.arange(max_lag + 1)
    energy = squares[:, lags + window] - squares[:, lags]
    difference = energy[:, :1] + energy - 2.0 * correlation
    # Cumulative mean normalised difference: 1 at lag 0, dips at the period.
    running = np.cumsum(difference[:, 1:], axis=1)
    normalised = np.ones_like(difference)
    normalised[:, 1:] = difference[:, 1:] * lags[1:] / np.maximum(running, 1e-12)
    below = normalised[:, min_lag:] < options.voicing_threshold
    voiced = below.any(axis=1)
    found = np.full(len(frames), np.nan)
    for row in np.flatnonzero(voiced):
        lag = min_lag + int(np.argmax(below[row]))
        # The first dip below the threshold, followed down to its minimum.
        while lag < max_lag and normalised[row, lag + 1] < normalised[row, lag]:
            lag += 1
        found[row] = SAMPLE_RATE / lag
    pitch[loud] = found
    return pitch


class PitchTrack:
    """The pitch of one utterance's audio, analysed as it arrives (each sample once)."""

    def __init__(self, start: int, options: VoiceOptions) -> None:
        self.options = options
        self._next_frame = start  # stream sample where the next frame begins
        self._centres: list[np.ndarray] = []
        self._pitch: list[np.ndarray] = []

    def extend(self, audio: np.ndarray, audio_start: int) -> None:
        """Analyse every whole frame of ``audio`` (stream samples from ``audio_start``)
        not analysed yet."""
        o = self.options
        offset = self._next_frame - audio_start
        if offset < 0:  # audio before this point is gone; start where it begins
            offset, self._next_frame = 0, audio_start
        pitch = pitch_frames(audio[offset:], o)
        if not len(pitch):
            return
        self._centres.append(self._next_frame + o.window // 2 + o.hop * np.arange(len(pitch)))
        self._pitch.append(pitch)
        self._next_frame += o.hop * len(pitch)

    def voiced(self, start: int, end: int) -> np.ndarray:
        """Pitch of the voiced frames centred in ``[start, end)``."""
        if not self._pitch:
            return np.zeros(0)
        if len(self._pitch) > 1:  # joined once, so each call joins only what is new
            self._centres = [np.concatenate(self._centres)]
            self._pitch = [np.concatenate(self._pitch)]
        centres, pitch = self._centres[0], self._pitch[0]
        inside = (centres >= start) & (centres < end) & ~np.isnan(pitch)
        return pitch[inside]


def speaker_change_probability(
    before: np.ndarray, after: np.ndarray, options: VoiceOptions, after_ended: bool = True
) -> float | None:
    """Probability that the voiced pitch ``after`` a pause is another speaker's than
    ``before`` it; None when either side has too little voiced speech to tell (more is
    needed ``after`` while that speech has not ``after_ended``)."""
    o = options
    before = before[-o.reference_frames :]
    needed_after = o.min_voiced_frames if after_ended else o.mid_speech_voiced_frames
    if len(before) < o.min_voiced_frames or len(after) < needed_after:
        return None
    shift = abs(float(np.median(np.log(after)) - np.median(np.log(before))))
    same, different = o.same_speaker_spread, o.different_speaker_spread
    # Log-likelihood ratio of the shift under "another person" against "the same one",
    # both zero-mean normal in the log of the pitch ratio.
    ratio = math.log(same / different) + shift**2 / 2 * (1 / same**2 - 1 / different**2)
    logodds = math.log((1 - o.same_speaker_prior) / o.same_speaker_prior) + ratio
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logodds))))
