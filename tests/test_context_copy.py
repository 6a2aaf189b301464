"""Whisper copies its previous-text prompt into the reading of audio it cannot read.

Streaming passes the committed words of an utterance back as that prompt once their
audio is cut off; on a hard stretch (Finnish place names in Scottish-accented espeak
English, after a long question) Whisper base then writes part of the prompt again
instead of what was said. Such a reading is read again without the prompt.
"""

from __future__ import annotations

from dataclasses import replace

import dialogue
import numpy as np
import pytest
from asr_helpers import stream_audio
from inference_servers import start_faster_whisper_server

from interpreter.asr.guards import GuardOptions, copies_context
from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file
from interpreter.repetition import longest_shared_run
from interpreter.server.config import ServerConfig
from interpreter.server.remote import ServerConnection

#: What the streaming recognizer had committed of the long question when the last stretch
#: of its audio was read (its earlier words as context, the last two forced).
CONTEXT = (
    "Not as what I thought. The problem is that I do not know yet , where I will be "
    "working in the autumn, so can we change the daycare center"
)
PREFIX = "later for"
#: Stretches at the end of the question, (seconds read, seconds after the speech ended),
#: as the recognizer cuts them: the words are "for example to one in Kontula or in
#: Myllypuro?".
STRETCHES = [(2.8, 0.3), (3.0, 0.1), (3.36, 0.1), (3.5, 0.3), (3.7, 0.3)]


@pytest.mark.parametrize(
    ("words", "earlier", "run"),
    [
        ("the end of the autumn, so can we", "in the Autumn so can we change", 5),
        ("a b c", "x a b y c", 2),
        ("kiitos", "", 0),
        ("", "kiitos", 0),
        ("yes yes", "yes", 1),
    ],
)
def test_a_shared_run_counts_words_in_a_row(words, earlier, run):
    assert longest_shared_run(words.split(), earlier.split()) == run


@pytest.mark.parametrize(
    ("words", "earlier", "copied"),
    [
        ("Good afternoon.", "Good afternoon.", True),
        ("afternoon, madam", "Good afternoon, madam. Welcome.", True),
        ("Good afternoon, I have an", "Good afternoon.", False),
        ("Yes.", "Yes.", False),
        ("the day care centre later", "so can we change the day care centre", True),
        ("", "Good afternoon.", False),
    ],
)
def test_a_short_reading_made_of_its_earlier_text_is_a_copy(words, earlier, copied):
    assert copies_context(words.split(), earlier, GuardOptions()) is copied


@pytest.mark.slow
def test_an_answer_after_a_short_greeting_is_read_not_copied(whisper_engine, require_speech):
    """A client's "Good afternoon." in a French voice, split from the staff's turn before
    it and committed: the rest of the answer is hard to read, and with the greeting as its
    prompt Whisper base wrote "Good afternoon." again and then nothing for 3 s of speech.
    The cut starts where the replay's 0.1 s blocks fell in the whole dialogue."""
    require_speech(*dialogue.needs())
    material = dialogue.build_dialogue()
    index = next(i for i, t in enumerate(material.turns) if t.text.startswith("Good afternoon."))
    before, answer = material.turns[index - 1], material.turns[index]
    offset = before.start - 0.32
    audio = decode_file(material.path)
    stretch = audio[int(offset * SAMPLE_RATE) : int((answer.end + 1.74) * SAMPLE_RATE)]
    result = stream_audio(whisper_engine, stretch)
    ended = [e for e in result.ended if e.text]
    print("\n", [(e.lang, e.text) for e in ended])
    read = " ".join(
        e.text
        for e in ended
        if e.audio_start + offset < answer.end and e.speech_end + offset > answer.start
    )
    assert read.lower().count("afternoon") == 1
    assert len(read.split()) >= 8


@pytest.fixture(scope="module")
def question_end(require_speech) -> list[np.ndarray]:
    """The stretches of :data:`STRETCHES`, cut from the test dialogue."""
    require_speech(*dialogue.needs())
    material = dialogue.build_dialogue()
    question = next(t for t in material.turns if t.text.startswith("That is what I thought."))
    audio = decode_file(material.path)
    stretches = []
    for seconds, after in STRETCHES:
        end = int((question.end + after) * SAMPLE_RATE)
        stretches.append(audio[end - int(seconds * SAMPLE_RATE) : end])
    return stretches


def assert_copies_are_read_again(engine, local: WhisperEngine, stretches, monkeypatch) -> None:
    """Read every stretch with the prompt through ``engine`` (whose guards are
    ``local``'s), with the copy guard off and on: off, at least one reading copies."""

    def readings() -> list[str]:
        texts = []
        for audio in stretches:
            encoded = engine.encode(audio)
            hypothesis = engine.decode(encoded, "en", prefix=PREFIX, context=CONTEXT, final=True)
            texts.append(hypothesis.text)
        return texts

    guards = local.options.guards
    with monkeypatch.context() as unguarded:
        unguarded.setattr(
            local, "options", replace(local.options, guards=replace(guards, context_copy_words=0))
        )
        copied = readings()
    fixed = f"{CONTEXT} {PREFIX}"
    print("with the prompt:", copied)
    assert any(copies_context(text.split(), fixed, guards) for text in copied)
    reread = readings()
    print("read again where copied:", reread)
    assert not [text for text in reread if copies_context(text.split(), fixed, guards)]


def test_a_reading_that_copies_its_earlier_text_is_read_again(
    whisper_engine, question_end, monkeypatch
):
    assert_copies_are_read_again(whisper_engine, whisper_engine, question_end, monkeypatch)


def test_a_server_reading_that_copies_its_prompt_is_read_again(
    whisper_engine, whisper_base_dir, question_end, monkeypatch, tmp_path
):
    """The same through a real faster-whisper-server (its own environment), which gets the
    earlier text as its ``prompt``."""
    server = start_faster_whisper_server(whisper_base_dir, tmp_path, "whisper-base")
    config = ServerConfig(
        url=server.url, enabled=True, asr_model="whisper-base", timeout_seconds=120.0
    )
    connection = ServerConnection(config, None, key="")
    try:
        engine = connection.asr_engine(whisper_engine)
        assert_copies_are_read_again(engine, whisper_engine, question_end, monkeypatch)
        assert engine.last_backend.startswith("server")
    finally:
        connection.close()
        server.stop()
