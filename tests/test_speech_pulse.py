"""The app hears its own speech through a real PulseAudio loop and never transcribes it.

A private PulseAudio daemon's null sink is both the loudspeaker and, through its monitor,
the microphone: the app's speech (played by :class:`AudioPlayer` on PortAudio) reaches the
recogniser exactly as the desk speaker's sound reaches the desk microphone. A person is a
clip played into the same sink with ``paplay``.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import jiwer
import numpy as np
import pytest
import speech
from pulse import PulseServer, pulse_server  # noqa: F401  (the fixture)

from interpreter.audio.base import SAMPLE_RATE
from interpreter.events import CommittedText, Event, UtteranceEnded
from interpreter.session import ListenSettings, build_listening_session
from interpreter.speech.engines import EspeakEngine
from interpreter.speech.gate import GatedSource, PlaybackGate
from interpreter.speech.output import SpeechOutput
from interpreter.speech.player import AudioPlayer
from interpreter.textnorm import normalise_for_wer

pytestmark = [
    pytest.mark.pulseaudio,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng"),
]

#: What the app says (English, espeak-ng): none of these words may become text.
APP_SAYS = "Your appointment is on Monday at ten o'clock. Please bring your passport with you."
PERSON_SAYS = speech.FINNISH_SENTENCES[0]


class Events:
    """Collects a session's events; waits on a condition, never by sleeping."""

    def __init__(self) -> None:
        self.items: list[Event] = []
        self._cond = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self.items), timeout)

    @property
    def committed(self) -> str:
        with self._cond:
            return " ".join(e.text for e in self.items if isinstance(e, CommittedText))

    def ended_texts(self) -> list[str]:
        with self._cond:
            return [e.text for e in self.items if isinstance(e, UtteranceEnded) and e.text]


class Recording:
    """An audio source that keeps a copy of everything read through it."""

    def __init__(self, source) -> None:
        self.source = source
        self.blocks: list[np.ndarray] = []

    def __getattr__(self, name: str):
        return getattr(self.source, name)

    def read(self, timeout: float):
        block = self.source.read(timeout)
        if block is not None and len(block):
            self.blocks.append(block.copy())
        return block

    def audio(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)


class Desk:
    """A listening session on the pulse microphone and a speech output on its speaker.

    ``raw`` records what the microphone heard, ``heard`` what the recogniser got."""

    def __init__(self, whisper_engine, gated: bool, volume: float = 1.0) -> None:
        import sounddevice

        from interpreter.audio.microphone import MicrophoneSource

        self.gate = PlaybackGate() if gated else None
        self.events = Events()
        self.started = threading.Event()
        self.mic = mic = MicrophoneSource("pulse", sounddevice=sounddevice)
        self.raw = Recording(mic)
        self.heard = Recording(GatedSource(self.raw, self.gate) if self.gate else self.raw)
        self.session = build_listening_session(
            ListenSettings(pair="fi-en", translate=False),
            on_event=self.events,
            engine=whisper_engine,
            source=self.heard,
        )
        self.player = AudioPlayer(
            "pulse", sounddevice=sounddevice, volume=volume, gate=self.gate or PlaybackGate()
        )
        voices = type(
            "Voices", (), {"engine": staticmethod(lambda lang: EspeakEngine(lang, "en-us"))}
        )
        self.output = SpeechOutput(voices, self.player, on_started=lambda _: self.started.set())
        if self.gate is not None:
            self.gate.add_barge_in_listener(self.output.stop)
        self.session.start()
        assert mic.wait_for_audio(10.0), "the pulse microphone delivered no audio"

    def close(self) -> None:
        self.output.close()
        self.session.pipeline.stop()
        self.session.wait_and_close(60.0)


def play_soon(server: PulseServer, clip: Path) -> threading.Thread:
    thread = threading.Thread(target=server.play, args=(clip,), daemon=True)
    thread.start()
    return thread


def person_clip() -> Path:
    return speech.synthesize_finnish(PERSON_SAYS, voice="mv")


def check_person_heard_in_full(texts: list[str]) -> None:
    heard = normalise_for_wer(" ".join(texts))
    reference = normalise_for_wer(PERSON_SAYS)
    assert len(heard.split()) >= len(reference.split()) - 1, heard
    assert jiwer.cer(reference, heard) <= 0.2, heard


def position_of(desk: Desk, clock_time: float) -> int:
    """The sample position the microphone captured at ``clock_time`` (gate's clock)."""
    stream_time = desk.mic.stream_time()
    assert stream_time is not None
    return round((stream_time - (desk.gate.clock() - clock_time)) * SAMPLE_RATE)


def app_words_in(text: str) -> set[str]:
    said = set(normalise_for_wer(APP_SAYS).split()) - {"on", "at", "is", "with", "you", "your"}
    return said & set(re.findall(r"\w+", normalise_for_wer(text)))


def test_without_the_gate_the_app_transcribes_its_own_speech(
    pulse_server: PulseServer,  # noqa: F811
    whisper_engine,
) -> None:
    """The control: the loop really carries the app's speech to the recogniser."""
    desk = Desk(whisper_engine, gated=False)
    try:
        desk.output.say(APP_SAYS, "en")
        assert desk.events.wait_for(
            lambda items: any(isinstance(e, UtteranceEnded) and e.text for e in items), 60.0
        )
    finally:
        desk.close()
    assert len(app_words_in(desk.events.committed)) >= 3, desk.events.committed


def test_gated_desk_never_transcribes_itself_and_hears_the_person_right_after(
    pulse_server: PulseServer,  # noqa: F811
    whisper_engine,
) -> None:
    clip = person_clip()
    desk = Desk(whisper_engine, gated=True)
    try:
        desk.output.say(APP_SAYS, "en")
        assert desk.started.wait(10.0), "the app's speech never started playing"
        assert desk.output.wait_idle(30.0) and desk.player.wait_idle(30.0)
        # The person answers as soon as the gate's tail has passed.
        gate = desk.gate
        assert gate is not None
        condition = threading.Condition()
        with condition:
            condition.wait_for(lambda: gate.clock() >= gate.muted_until(), 10.0)
        gate_end = position_of(desk, gate.muted_until())
        person = play_soon(pulse_server, clip)
        assert desk.events.wait_for(
            lambda items: any(isinstance(e, UtteranceEnded) and e.text for e in items), 60.0
        ), "the person's speech was not transcribed"
        person.join(30.0)
    finally:
        desk.close()
    assert not app_words_in(desk.events.committed), desk.events.committed
    check_person_heard_in_full(desk.events.ended_texts())
    assert gate.barge_ins == 0
    # Not a sample captured after the gate's tail was touched, and the person is in it.
    raw, heard = desk.raw.audio(), desk.heard.audio()
    assert np.array_equal(heard[gate_end:], raw[gate_end : len(heard)])
    assert np.count_nonzero(np.abs(raw[gate_end:]) > 0.05) > 0.5 * SAMPLE_RATE * 0.1
    # What the app said was heard by the microphone, and silenced for the recogniser.
    app = slice(max(0, gate_end - 2 * SAMPLE_RATE), max(0, gate_end - int(0.5 * SAMPLE_RATE)))
    assert np.abs(raw[app]).max() > 0.05 and not heard[app].any()


def test_barge_in_stops_the_app_and_the_person_is_transcribed(
    pulse_server: PulseServer,  # noqa: F811
    whisper_engine,
) -> None:
    """The person talks over a long answer: playback stops, their words become text."""
    clip = person_clip()
    long_answer = " ".join([APP_SAYS] * 4)  # about 20 s of speech
    desk = Desk(whisper_engine, gated=True, volume=0.2)  # a desk speaker, quieter than a voice
    try:
        started_at = time.monotonic()
        desk.output.say(long_answer, "en")
        assert desk.started.wait(10.0)
        assert desk.events.wait_for(lambda items: False, 1.5) is False  # the app speaks 1.5 s
        person = play_soon(pulse_server, clip)
        assert desk.events.wait_for(
            lambda items: any(isinstance(e, UtteranceEnded) and e.text for e in items), 60.0
        ), "the person's speech was not transcribed"
        person.join(30.0)
        assert desk.gate is not None and desk.gate.barge_ins == 1
        assert not desk.player.busy  # nothing more of the long answer is queued
        assert time.monotonic() - started_at < 20.0 or desk.gate.barge_ins
    finally:
        desk.close()
    check_person_heard_in_full(desk.events.ended_texts())
