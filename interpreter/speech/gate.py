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
    barge_in_margin_db: float = 12.0
    #: ... and above this absolute level...
    barge_in_min_dbfs: float = -40.0
    #: ... for this long without a break.
    barge_in_seconds: float = 0.12
    #: Audio kept from before the barge-in was detected (its first syllable).
    barge_in_preroll_seconds: float = 0.25
    #: Expected echo relative to the playback before anything was learnt (1.0: the
    #: microphone hears the loudspeaker at full level, a worst case).
    initial_coupling: float = 1.0
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
        """Follow the echo's level relative to playback (slowly, and down faster)."""
        with self._lock:
            weight = 0.2 if ratio < self._coupling else 0.02
            self._coupling = (1 - weight) * self._coupling + weight * ratio

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
        self._speech_frames = 0
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
            self._speech_frames = 0
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
            self._speech_frames = 0
        frame = max(1, int(options.frame_seconds * SAMPLE_RATE))
        needed = max(1, round(options.barge_in_seconds / options.frame_seconds))
        margin = 10 ** (options.barge_in_margin_db / 10)
        floor = 10 ** (options.barge_in_min_dbfs / 10)
        for offset in range(0, len(block) - frame + 1, frame):
            at = origin + (start + offset) / SAMPLE_RATE
            if not self.gate.is_muted(at):
                continue
            samples = block[offset : offset + frame]
            mic = float(np.dot(samples, samples)) / len(samples)
            echo = self.gate.echo_level(at)
            expected = self.gate.coupling * echo
            if mic >= floor and mic > margin * max(expected, floor / margin):
                self._speech_frames += 1
            else:
                self._speech_frames = 0
                if echo > floor and mic > 0.0:
                    self.gate.learn_coupling(mic / echo)
            if self._speech_frames >= needed:
                onset = start + offset - (needed - 1) * frame
                preroll = int(options.barge_in_preroll_seconds * SAMPLE_RATE)
                self._released_from = max(self._held_from, onset - preroll)
                self._released_after = self.gate.barge_in()
                return

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
