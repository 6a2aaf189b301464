"""Endpointing: turns per-frame speech probabilities into utterance boundaries.

Pure logic, no models: it is fed the Silero probabilities and reports where utterances
start, where a pause is long enough to commit the words before it, and where they end.
Positions are sample indices from the start of the stream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

import numpy as np

from interpreter.audio.base import SAMPLE_RATE
from interpreter.vad import FRAME_SAMPLES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SegmenterOptions:
    """Endpointing settings; durations in seconds.

    The defaults serve a desk conversation: a 0.3 s pause commits what was said (the
    listener sees final text quickly), 0.7 s closes the utterance (turn-taking gaps at a
    desk are longer than that, hesitations mostly shorter).
    """

    threshold: float = 0.5
    #: Hysteresis: once speaking, frames must drop below this to count as a pause.
    neg_threshold: float = 0.35
    #: Speech shorter than this never starts an utterance. Silero already gives
    #: knocks, typing and clicks no speech frames; at 0.25 s one in twenty one-word
    #: answers ("Ei.", "No.", "Sure.") never started one (docs/benchmarks.md).
    min_speech_seconds: float = 0.2
    #: Audio kept before the first speech frame; word onsets are soft.
    pre_roll_seconds: float = 0.2
    commit_pause_seconds: float = 0.3
    end_pause_seconds: float = 0.7
    #: Past this length any short dip in speech ends the utterance ...
    soft_max_seconds: float = 15.0
    min_cut_pause_seconds: float = 0.12
    #: ... and at this length it is cut at the quietest moment of its second half.
    max_utterance_seconds: float = 25.0

    def __post_init__(self) -> None:
        if not 0 < self.neg_threshold <= self.threshold < 1:
            raise ValueError("need 0 < neg_threshold <= threshold < 1")
        if not 0 < self.commit_pause_seconds <= self.end_pause_seconds:
            raise ValueError("need 0 < commit_pause_seconds <= end_pause_seconds")
        if not self.soft_max_seconds <= self.max_utterance_seconds:
            raise ValueError("need soft_max_seconds <= max_utterance_seconds")
        if self.max_utterance_seconds > 29.0:
            raise ValueError("max_utterance_seconds must stay under Whisper's 30 s window")


class BoundaryKind(Enum):
    START = "start"
    PAUSE = "pause"
    END = "end"


@dataclass(frozen=True)
class Boundary:
    """A segmentation event.

    ``sample`` is where it happens: the utterance's first sample (pre-roll included) for
    START, the current position for PAUSE, and where the utterance's audio stops for END.
    ``speech_end`` is the end of the last speech frame seen before it.
    """

    kind: BoundaryKind
    sample: int
    speech_end: int
    reason: str = ""


def _frames(seconds: float) -> int:
    return max(1, round(seconds * SAMPLE_RATE / FRAME_SAMPLES))


def silence_missing(end: int, speech_end: int, seconds: float) -> int:
    """Samples that audio ending at ``end``, whose speech ended at ``speech_end``, lacks
    to have ``seconds`` of silence after the speech: 0 with enough, or when the audio
    ends before the speech does.

    Given the speech end of the very audio decoded, never the segmenter's latest: the
    segmenter may already be in a later pause (audio arrives in blocks, and faster than
    real time from a file).
    """
    if end < speech_end:
        return 0
    return max(0, round(seconds * SAMPLE_RATE) - (end - speech_end))


class Segmenter:
    """Frame-by-frame endpointing state machine with hysteresis."""

    def __init__(self, options: SegmenterOptions | None = None) -> None:
        self.options = options or SegmenterOptions()
        o = self.options
        self._min_speech = _frames(o.min_speech_seconds)
        self._pre_roll = _frames(o.pre_roll_seconds)
        self._commit_pause = _frames(o.commit_pause_seconds)
        self._end_pause = _frames(o.end_pause_seconds)
        self._soft_max = _frames(o.soft_max_seconds)
        self._cut_pause = _frames(o.min_cut_pause_seconds)
        self._max = _frames(o.max_utterance_seconds)
        self.reset()

    def reset(self) -> None:
        self._frame = 0  # index of the next frame
        self._in_utterance = False
        self._start_frame = 0  # first frame of the utterance (pre-roll included)
        self._candidate_start: int | None = None  # speech seen, not yet long enough
        self._candidate_speech = 0
        self._last_speech_frame = -1
        self._speaking = False
        self._pause_reported = False
        self._probs: list[float] = []  # probabilities of the open utterance

    # -- state the recognizer reads -------------------------------------------------
    @property
    def in_utterance(self) -> bool:
        return self._in_utterance

    @property
    def position(self) -> int:
        """Samples consumed so far (whole frames)."""
        return self._frame * FRAME_SAMPLES

    @property
    def speech_end(self) -> int:
        """End of the last speech frame of the open utterance (or of the stream)."""
        return (self._last_speech_frame + 1) * FRAME_SAMPLES

    @property
    def pause_seconds(self) -> float:
        """How long the open utterance has been silent (0 while speaking)."""
        if not self._in_utterance or self._speaking:
            return 0.0
        return (self._frame - 1 - self._last_speech_frame) * FRAME_SAMPLES / SAMPLE_RATE

    # -- feeding --------------------------------------------------------------------
    def push(self, probabilities: np.ndarray) -> list[Boundary]:
        """Consume frame probabilities in stream order; return the boundaries they cause."""
        boundaries: list[Boundary] = []
        for prob in np.asarray(probabilities, dtype=np.float32):
            boundaries.extend(self._push_frame(float(prob)))
        return boundaries

    def force_end(self, reason: str = "forced") -> Boundary | None:
        """Close the open utterance now (speaker switch or stop); None when there is none."""
        if self._in_utterance:
            return self._end(self._frame, reason)
        return None

    def _push_frame(self, prob: float) -> list[Boundary]:
        o = self.options
        frame = self._frame
        self._frame += 1
        if not self._in_utterance:
            return self._push_idle(frame, prob)

        self._probs.append(prob)
        if prob >= o.threshold or (self._speaking and prob >= o.neg_threshold):
            self._speaking = True
            self._last_speech_frame = frame
            self._pause_reported = False
        else:
            self._speaking = False

        out: list[Boundary] = []
        pause = frame - self._last_speech_frame
        length = self._frame - self._start_frame
        if not self._speaking:
            if pause >= self._end_pause:
                return [self._end(self._last_speech_frame + 1 + self._cut_pause, "pause")]
            if length >= self._soft_max and pause >= self._cut_pause:
                return [self._end(self._frame, "long")]
            if pause >= self._commit_pause and not self._pause_reported:
                self._pause_reported = True
                out.append(Boundary(BoundaryKind.PAUSE, self.position, self.speech_end))
        if length >= self._max:
            cut = self._quietest_frame()
            out.append(self._end(cut, "max_length"))
            # Speech goes on: the rest is a new utterance starting at the cut.
            out.append(self._start(cut, cut))
            self._last_speech_frame = self._frame - 1
            self._speaking = True
            self._probs = [1.0] * (self._frame - cut)
        return out

    def _push_idle(self, frame: int, prob: float) -> list[Boundary]:
        o = self.options
        if prob >= o.threshold:
            if self._candidate_start is None:
                self._candidate_start = frame
                self._candidate_speech = 0
            self._candidate_speech += 1
            self._last_speech_frame = frame
            if self._candidate_speech >= self._min_speech:
                first = max(0, self._candidate_start - self._pre_roll)
                return [self._start(first, self._candidate_start)]
        elif (
            self._candidate_start is not None and frame - self._last_speech_frame > self._cut_pause
        ):
            # A blip too short to be speech: forget it.
            self._candidate_start = None
        return []

    def _start(self, first_frame: int, speech_frame: int) -> Boundary:
        self._in_utterance = True
        self._speaking = True
        self._pause_reported = False
        self._start_frame = first_frame
        self._candidate_start = None
        self._probs = [1.0] * (self._frame - first_frame)
        return Boundary(BoundaryKind.START, first_frame * FRAME_SAMPLES, self.speech_end)

    def _end(self, end_frame: int, reason: str) -> Boundary:
        end_frame = min(max(end_frame, self._start_frame + 1), self._frame)
        speech_end = min(self._last_speech_frame + 1, end_frame) * FRAME_SAMPLES
        self._in_utterance = False
        self._speaking = False
        self._candidate_start = None
        self._probs = []
        logger.debug(
            "utterance ends at %.2f s (%s)", end_frame * FRAME_SAMPLES / SAMPLE_RATE, reason
        )
        return Boundary(BoundaryKind.END, end_frame * FRAME_SAMPLES, speech_end, reason)

    def _quietest_frame(self) -> int:
        """The frame in the utterance's second half with the lowest smoothed probability."""
        probs = np.asarray(self._probs, dtype=np.float32)
        smooth = np.convolve(probs, np.ones(5) / 5, mode="same")
        # Never cut within the last half second: those words are still being spoken.
        half, tail = len(probs) // 2, max(len(probs) // 2 + 1, len(probs) - _frames(0.5))
        offset = half + int(np.argmin(smooth[half:tail]))
        return self._start_frame + offset
