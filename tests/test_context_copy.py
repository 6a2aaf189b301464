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
from inference_servers import start_faster_whisper_server

from interpreter.asr.guards import copies_context
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
