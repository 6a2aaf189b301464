"""The speech output as a consumer of translation events, with a recording player and
engines the test controls (no audio device): who hears what, once, sentence by sentence,
and stop() dropping everything queued."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from speech_fakes import FakeSpeaker

from interpreter.events import CLIENT, STAFF, TranslationEvent, UtteranceEnded
from interpreter.speech.engines import SpeechError, Synthesis
from interpreter.speech.output import SpeechOutput
from interpreter.speech.player import AudioPlayer

TIMEOUT = 10.0


class Player:
    """Records what it is asked to play; reports each piece as started at once."""

    def __init__(self) -> None:
        self.on_started = None
        self.played: list[tuple[object, int]] = []
        self.stops = 0
        self.closed = False
        self._cond = threading.Condition()

    def play(self, synthesis: Synthesis, key: object = None, stops: int | None = None) -> None:
        with self._cond:
            if stops is not None and stops != self.stops:
                return  # a stop overtook the piece, as the real player drops it
            self.played.append((key, len(synthesis.samples)))
            self._cond.notify_all()
        if self.on_started is not None:
            self.on_started(key, 1.0)

    def stop(self) -> None:
        self.stops += 1

    def close(self) -> None:
        self.closed = True

    def wait_for(self, count: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.played) >= count, TIMEOUT)


class Engine:
    """Synthesises one sample per character; can be held before a given piece."""

    name = "test engine"
    licence = "test"

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.hold_at: int | None = None
        self.release = threading.Event()
        self.holding = threading.Event()

    def synthesize(self, text: str) -> Synthesis:
        if self.hold_at == len(self.texts):
            self.holding.set()
            assert self.release.wait(TIMEOUT)
        self.texts.append(text)
        if text == "fail":
            raise SpeechError("the engine failed on purpose")
        return Synthesis(np.ones(len(text), np.float32), 16_000)


class Voices:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.asked: list[str] = []

    def engine(self, lang: str) -> Engine:
        self.asked.append(lang)
        return self._engine


def final(uid: int, side: str, lang: str, text: str, **fields) -> TranslationEvent:
    return TranslationEvent(
        uid, side, lang, text, 0.0, 1.0, 1.0, 1.5, source_lang="x", final=True, **fields
    )


@pytest.fixture
def parts():
    engine, player = Engine(), Player()
    errors: list[str] = []
    output = SpeechOutput(Voices(engine), player, [CLIENT], on_error=errors.append)
    yield engine, player, output, errors
    output.close()


def test_only_final_translations_for_a_listening_side_are_spoken_once(parts):
    engine, _, output, _ = parts
    output.submit(final(1, CLIENT, "fi", "Kiitos."))  # the staff does not listen
    output.submit(UtteranceEnded(2, STAFF, "fi", "Kiitos", 0.0, 1.0, 1.0, 1.5))
    output.submit(final(3, STAFF, "en", "Hei", flags=("untranslated",)))
    output.submit(final(4, STAFF, "en", "Thank you."))
    output.submit(final(4, STAFF, "en", "Thank you very much."))  # a later final: said once
    output.submit(TranslationEvent(5, STAFF, "en", "Thank", 0.0, 1.0, 1.0, 1.5, source_lang="fi"))
    assert output.wait_idle(TIMEOUT)
    assert engine.texts == ["Thank you."]
    output.set_listeners([CLIENT, STAFF])
    output.submit(final(6, CLIENT, "fi", "Kiitos."))
    assert output.wait_idle(TIMEOUT) and engine.texts[-1] == "Kiitos."
    with pytest.raises(ValueError, match="Unknown side"):
        output.set_listeners(["everyone"])


def test_the_first_sentence_plays_while_the_next_is_synthesised(parts):
    engine, player, output, _ = parts
    engine.hold_at = 1  # the second sentence waits until the test lets it go
    output.say("Hakemus on vastaanotettu. Päätös tulee postissa.", "fi")
    assert engine.holding.wait(TIMEOUT)
    assert player.wait_for(1) and player.played[0][1] == len("Hakemus on vastaanotettu.")
    engine.release.set()
    assert player.wait_for(2) and output.wait_idle(TIMEOUT)
    assert [key for key, _ in player.played] == [(1, 0), (1, 1)]


def test_stop_drops_the_speech_in_progress_and_everything_queued(parts):
    engine, player, output, _ = parts
    engine.hold_at = 1
    output.say("Ensimmäinen lause. Toinen lause.", "fi")
    output.say("Jonossa odottava lause.", "fi")
    assert engine.holding.wait(TIMEOUT) and player.wait_for(1)
    output.stop()
    engine.release.set()
    assert output.wait_idle(TIMEOUT)
    assert len(player.played) == 1 and player.stops == 1
    assert "Jonossa odottava lause." not in engine.texts
    output.say("Uusi lause.", "fi")  # what is said after the stop is spoken
    assert player.wait_for(2) and engine.texts[-1] == "Uusi lause."


def test_engine_errors_are_reported_and_the_output_goes_on(parts):
    engine, player, output, errors = parts
    output.say("fail", "fi")
    output.say("Kiitos.", "fi")
    assert output.wait_idle(TIMEOUT)
    assert errors == ["the engine failed on purpose"] and engine.texts[-1] == "Kiitos."
    output.close()
    assert player.closed


def test_a_device_lost_mid_speech_drops_the_rest_and_the_next_speech_reopens_it():
    """Unplugged while the first sentence plays: the second sentence, synthesised
    meanwhile, is not said on a reopened device; the next thing to say is."""
    engine, speaker = Engine(), FakeSpeaker()
    errors: list[str] = []
    player = AudioPlayer(sounddevice=speaker, on_error=errors.append)
    output = SpeechOutput(Voices(engine), player, [CLIENT], on_error=errors.append)
    try:
        engine.hold_at = 1
        output.say("Odottakaa hetki, olkaa hyvä. " * 40 + "Toinen lause.", "fi")
        assert engine.holding.wait(TIMEOUT) and speaker.wait_for_sound(0.001)
        speaker.streams[-1].lose()
        engine.release.set()
        assert output.wait_idle(TIMEOUT)
        assert len(speaker.streams) == 1 and not player.busy
        assert len(errors) == 1 and "stopped (unplugged or failed)" in errors[0]
        assert "the default output device" in errors[0]
        output.say("Uusi lause.", "fi")
        assert output.wait_idle(TIMEOUT) and player.wait_done(TIMEOUT)
        assert len(speaker.streams) == 2
    finally:
        output.close()
