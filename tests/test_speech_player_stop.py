"""Stopping the player (a barge-in) is final: nothing decided before the stop is heard
after it, and the gate knows exactly which played blocks came before it."""

from __future__ import annotations

import threading

import numpy as np
from speech_fakes import FakeSpeaker

from interpreter.speech.engines import Synthesis
from interpreter.speech.gate import PlaybackGate
from interpreter.speech.player import AudioPlayer

RATE = 16_000


def tone(seconds: float) -> Synthesis:
    t = np.arange(int(RATE * seconds)) / RATE
    return Synthesis((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE)


def test_a_piece_decided_before_a_stop_is_dropped():
    speaker = FakeSpeaker()
    player = AudioPlayer(sounddevice=speaker)
    try:
        decided = player.stops  # the speech output reads this before synthesising
        player.stop()  # a barge-in while the piece was being synthesised
        player.play(tone(0.5), stops=decided)
        assert not player.busy
        player.play(tone(0.5), stops=player.stops)  # the next thing to say is played
        assert player.busy
        assert player.wait_done(10.0)
        assert speaker.wait_for_sound(0.4)
    finally:
        player.close()


class CountingGate(PlaybackGate):
    """The real gate, telling a condition about every played block."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def note_played(self, start: float, seconds: float, mean_square: float) -> None:
        super().note_played(start, seconds, mean_square)
        with self.changed:
            self.changed.notify_all()


def test_no_block_is_counted_after_a_stop_returns():
    """The gate's count of played blocks read right after stop() does not grow while
    nothing new is played: a barge-in cannot take a block that was in flight for the app
    starting to speak again."""
    speaker = FakeSpeaker()
    gate = CountingGate()
    player = AudioPlayer(sounddevice=speaker, gate=gate)
    try:
        player.play(tone(5.0), stops=player.stops)
        with gate.changed:
            assert gate.changed.wait_for(lambda: gate.played_blocks >= 5, 10.0)
        player.stop()
        after_stop = gate.played_blocks
        pulled = len(speaker.played)
        # The device goes on pulling blocks (silence now): five of them later, still
        # no block of speech was counted.
        with speaker._lock:
            assert speaker._lock.wait_for(lambda: len(speaker.played) >= pulled + 5, 10.0)
        assert gate.played_blocks == after_stop
    finally:
        player.close()
