"""Keeping the recogniser from transcribing the app's own speech.

The player tells the :class:`PlaybackGate` what it plays and when each block reaches the
loudspeaker (on the :func:`time.monotonic` clock). :class:`GatedSource` wraps the audio
source the pipeline reads: audio captured while the app speaks, plus a short tail for the
room's echo and the latency estimates, is held back and then handed on as silence, so the
stream's timeline stays intact and nothing of it becomes text. Audio captured after the
tail is handed on untouched: speech that starts right after playback is never lost.

Barge-in: while the app speaks, the held-back microphone audio is compared with what was
played. When the microphone is clearly louder than the app's own echo explains (the
echo's level relative to the playback is learnt while the app speaks), someone is
talking: the gate calls ``on_barge_in`` (the player stops) and the held audio from just
before that moment on is handed on untouched, so the interruption is transcribed.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interpreter.audio.base import SAMPLE_RATE, AudioSource

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateOptions:
    """How long the tail is and how sure barge-in must be."""

    #: Audio captured this long after the last played sample is still silenced: the
    #: room's echo and the error of the output and input latency estimates.
    tail_seconds: float = 0.3
    #: ... and this long before the first: the latency estimates can be early or late.
    lead_seconds: float = 0.1
    #: Played audio this long before a microphone frame may still be heard in it.
    echo_window_seconds: float = 0.3
    #: Barge-in: the microphone is this many dB above the app's expected echo...
    barge_in_margin_db: float = 10.0
    #: ... and above this absolute level...
    barge_in_min_dbfs: float = -40.0
    #: ... over this long (levels summed: a dip between syllables does not break it).
    barge_in_seconds: float = 0.12
    #: A voice often clears the margin only at its loudest syllables: the released audio
    #: starts where the microphone first rose this far above the expected echo (gaps
    #: between syllables up to ``barge_in_onset_gap_seconds`` allowed)...
    barge_in_onset_margin_db: float = 3.0
    barge_in_onset_gap_seconds: float = 0.3
    #: ... less this much (the first syllable's quiet start).
    barge_in_preroll_seconds: float = 0.25
    #: Expected echo relative to the playback before anything was learnt (1.0: the
    #: microphone hears the loudspeaker at full level, a worst case).
    initial_coupling: float = 1.0
    #: The echo's level is the high quantile of the recent frames' microphone-to-playback
    #: ratios: the loudest played frame in the echo window stands for the playback, so
    #: most ratios (pauses, word edges) are far below the echo path's gain, and a low or
    #: average estimate would take the app's own loud syllables for someone talking.
    coupling_quantile: float = 0.9
    #: Frames the ratios are kept for, and how many are needed before they count.
    coupling_frames: int = 250
    coupling_min_frames: int = 25
    #: Frames this far above the expected echo are not learnt from (someone may talk).
    coupling_learn_ceiling_db: float = 6.0
    #: Longest stretch held back at once; older audio is handed on (silenced).
    max_hold_seconds: float = 30.0
    frame_seconds: float = 0.02


class PlaybackGate:
    """What was played when; thread-safe (the player's audio thread writes, the
    pipeline's thread reads)."""

    def __init__(
        self,
        options: GateOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or GateOptions()
        self.clock = clock
        self._lock = threading.Lock()
        #: (number, start, end, mean square) of played blocks, oldest first.
        self._played: deque[tuple[int, float, float, float]] = deque(maxlen=4096)
        self._count = 0
        self._coupling = self.options.initial_coupling
        self._ratios: deque[float] = deque(maxlen=self.options.coupling_frames)
        self._on_barge_in: list[Callable[[], None]] = []
        self.barge_ins = 0

    # -- the player's side -------------------------------------------------------------
    def note_played(self, start: float, seconds: float, mean_square: float) -> None:
        """A block of ``seconds`` reaches the loudspeaker at clock time ``start``."""
        with self._lock:
            self._count += 1
            self._played.append((self._count, start, start + seconds, mean_square))

    def add_barge_in_listener(self, callback: Callable[[], None]) -> None:
        with self._lock:
            self._on_barge_in.append(callback)

    # -- the recogniser's side ---------------------------------------------------------
    def muted_until(self) -> float:
        """Clock time until which captured audio is silenced (-inf: never played)."""
        with self._lock:
            return self._played[-1][2] + self.options.tail_seconds if self._played else -math.inf

    def is_muted(self, at: float, after: int = 0) -> bool:
        """Whether audio captured at clock time ``at`` falls in playback plus its tail
        (counting only blocks numbered above ``after``: those played since a barge-in)."""
        tail, lead = self.options.tail_seconds, self.options.lead_seconds
        with self._lock:
            for number, start, end, _ in reversed(self._played):
                if number <= after:
                    return False
                if start - lead <= at < end + tail:
                    return True
                if end + tail < at:
                    return False
        return False

    @property
    def played_blocks(self) -> int:
        """How many blocks have been played so far (the number of the latest)."""
        with self._lock:
            return self._count

    def echo_level(self, at: float) -> float:
        """The loudest played mean square that can be heard at ``at`` (echo window)."""
        window, lead = self.options.echo_window_seconds, self.options.lead_seconds
        loudest = 0.0
        with self._lock:
            for _, start, end, mean_square in reversed(self._played):
                if end < at - window:
                    break
                if start - lead <= at:  # the latency estimates may be late
                    loudest = max(loudest, mean_square)
        return loudest

    @property
    def coupling(self) -> float:
        with self._lock:
            return self._coupling

    def learn_coupling(self, ratio: float) -> None:
        """One frame's microphone level over the playback's heard in it."""
        options = self.options
        with self._lock:
            self._ratios.append(ratio)
            if len(self._ratios) >= options.coupling_min_frames:
                self._coupling = float(np.quantile(self._ratios, options.coupling_quantile))

    def barge_in(self) -> int:
        """Someone talks over the app: tell the listeners (the player stops). Returns the
        number of the last block played before it stopped."""
        with self._lock:
            listeners = list(self._on_barge_in)
            self.barge_ins += 1
        logger.info("barge-in: speech during playback (echo coupling %.2f)", self._coupling)
        for callback in listeners:
            callback()
        return self.played_blocks


class GatedSource:
    """An :class:`AudioSource` that silences what the microphone hears of the app's speech.

    Sample positions are mapped to clock times through the wrapped source's
    ``stream_time`` (the microphone's estimate of when each sample was captured); a
    source without one (a file replay) is taken to be heard as it is read.
    """

    def __init__(self, source: AudioSource, gate: PlaybackGate) -> None:
        self.source = source
        self.gate = gate
        self._position = 0  # samples read from the source so far
        self._held: list[np.ndarray] = []
        self._held_from = 0  # position of the first held sample
        #: (microphone, expected echo) levels of the last frames, over ``barge_in_seconds``.
        self._recent: deque[tuple[float, float]] = deque(
            maxlen=max(1, round(gate.options.barge_in_seconds / gate.options.frame_seconds))
        )
        #: Where the microphone's latest rise above the expected echo began, and its last
        #: frame above it (sample positions).
        self._rise_from: int | None = None
        self._rise_last = 0
        #: After a barge-in: the position, and clock time, from which held audio is
        #: handed on untouched (until the app speaks again).
        self._released_from: int | None = None
        self._released_after = 0  # the last block played before the barge-in

    # -- AudioSource ---------------------------------------------------------------------
    def start(self) -> None:
        self.source.start()

    def stop(self) -> None:
        self.source.stop()

    def read(self, timeout: float) -> np.ndarray | None:
        block = self.source.read(timeout)
        if block is None:
            return self._flush() if self._held else None
        if len(block) == 0:
            return block if not self._held else self._release_due(self.gate.clock())
        return self._gate_block(block)

    @property
    def level_dbfs(self) -> float:
        return self.source.level_dbfs

    @property
    def overruns(self) -> int:
        return self.source.overruns

    @property
    def description(self) -> str:
        return self.source.description

    def stream_time(self) -> float | None:
        stream_time = getattr(self.source, "stream_time", None)
        return stream_time() if callable(stream_time) else None

    @property
    def released_from(self) -> int | None:
        """The sample position from which audio is handed on untouched after a barge-in
        (``None`` when the app was not interrupted since it last spoke)."""
        return self._released_from

    def wait_for_audio(self, timeout: float) -> bool:
        wait = getattr(self.source, "wait_for_audio", None)
        return wait(timeout) if callable(wait) else True

    # -- gating --------------------------------------------------------------------------
    def _origin(self, now: float, end_position: int) -> float:
        """Clock time of sample position 0."""
        stream_time = self.stream_time()
        if stream_time is None:
            return now - end_position / SAMPLE_RATE
        return now - stream_time

    def _gate_block(self, block: np.ndarray) -> np.ndarray:
        now = self.gate.clock()
        start = self._position
        self._position += len(block)
        origin = self._origin(now, self._position)
        block_end_time = origin + self._position / SAMPLE_RATE
        if not self._held and self.gate.muted_until() < origin + start / SAMPLE_RATE:
            return block  # nothing played recently: the common case, untouched
        if not self._held:
            self._held_from = start
            self._recent.clear()
            self._rise_from = None
        self._held.append(np.array(block, dtype=np.float32, copy=True))
        self._watch_barge_in(block, start, origin)
        held_seconds = (self._position - self._held_from) / SAMPLE_RATE
        if self.gate.muted_until() <= block_end_time or held_seconds > (
            self.gate.options.max_hold_seconds
        ):
            return self._flush(origin)
        return np.zeros(0, dtype=np.float32)

    def _watch_barge_in(self, block: np.ndarray, start: int, origin: float) -> None:
        """Frame by frame: is the microphone louder than the app's echo explains?"""
        options = self.gate.options
        if self._released_from is not None:
            if self.gate.played_blocks <= self._released_after:
                return
            self._released_from = None  # the app speaks again
            self._recent.clear()
            self._rise_from = None
        frame = max(1, int(options.frame_seconds * SAMPLE_RATE))
        margin = 10 ** (options.barge_in_margin_db / 10)
        floor = 10 ** (options.barge_in_min_dbfs / 10)
        learn_ceiling = 10 ** (options.coupling_learn_ceiling_db / 10)
        onset_margin = 10 ** (options.barge_in_onset_margin_db / 10)
        for offset in range(0, len(block) - frame + 1, frame):
            at = origin + (start + offset) / SAMPLE_RATE
            if not self.gate.is_muted(at):
                continue
            samples = block[offset : offset + frame]
            mic = float(np.dot(samples, samples)) / len(samples)
            echo = self.gate.echo_level(at)
            expected = max(self.gate.coupling * echo, floor / margin)
            self._recent.append((mic, expected))
            self._note_rise(start + offset, mic > onset_margin * expected)
            # Summed over the window, a voice's short dips between syllables do not reset
            # the count, and one loud frame of echo does not make speech.
            heard = sum(m for m, _ in self._recent)
            explained = sum(e for _, e in self._recent)
            if (
                len(self._recent) == self._recent.maxlen
                and heard >= floor * len(self._recent)
                and heard > margin * explained
            ):
                onset = start + offset - (len(self._recent) - 1) * frame
                if self._rise_from is not None:
                    onset = min(onset, self._rise_from)
                preroll = int(options.barge_in_preroll_seconds * SAMPLE_RATE)
                self._released_from = max(self._held_from, onset - preroll)
                self._released_after = self.gate.barge_in()
                return
            # A frame well above the expected echo may be someone starting to talk, and so
            # may any frame while the microphone keeps rising above it: neither may teach
            # the gate that the echo is that loud (the voice would raise its own bar).
            rising = self._rise_from is not None
            if (
                echo > floor
                and not rising
                and 0.0 < mic <= learn_ceiling * self.gate.coupling * echo
            ):
                self.gate.learn_coupling(mic / echo)

    def _note_rise(self, position: int, above: bool) -> None:
        gap = int(self.gate.options.barge_in_onset_gap_seconds * SAMPLE_RATE)
        if self._rise_from is not None and position - self._rise_last > gap:
            self._rise_from = None
        if above:
            if self._rise_from is None:
                self._rise_from = position
            self._rise_last = position

    def _release_due(self, now: float) -> np.ndarray:
        """No new audio: hand on the held audio once the tail has passed."""
        origin = self._origin(now, self._position)
        if self.gate.muted_until() <= origin + self._position / SAMPLE_RATE:
            return self._flush(origin)
        return np.zeros(0, dtype=np.float32)

    def _flush(self, origin: float | None = None) -> np.ndarray:
        """Hand on everything held: silenced while muted, untouched after a barge-in."""
        audio = np.concatenate(self._held) if self._held else np.zeros(0, dtype=np.float32)
        self._held = []
        if origin is None:
            origin = self._origin(self.gate.clock(), self._position)
        frame = max(1, int(self.gate.options.frame_seconds * SAMPLE_RATE))
        for offset in range(0, len(audio), frame):
            position = self._held_from + offset
            released = self._released_from is not None and position >= self._released_from
            after = self._released_after if released else 0
            if self.gate.is_muted(origin + position / SAMPLE_RATE, after):
                audio[offset : offset + frame] = 0.0
        return audio
