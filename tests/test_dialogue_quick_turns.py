"""The desk dialogue with the quickest turn changes: voices tell the turns apart.

The same 66 turns as ``test_dialogue_language``, with the gaps of seed 11: 31 of 65 are
under 0.6 s, shorter than the 0.7 s that closes an utterance, so most turn changes
happen inside an utterance and are found at a pause, by language or by voice.
Real recognition (Whisper base) on the deterministic replay.
"""

from __future__ import annotations

from collections.abc import Callable

import dialogue
import pytest
from asr_helpers import StreamResult, stream_audio

from interpreter.asr.voice import VoiceOptions
from interpreter.audio.replay import decode_file
from interpreter.streaming import StreamingOptions

pytestmark = pytest.mark.slow

QUICK_SEED = 11


@pytest.fixture(scope="module")
def quick_material(require_speech: Callable[..., None], tmp_path_factory) -> dialogue.Dialogue:
    require_speech(*dialogue.needs())
    folder = tmp_path_factory.mktemp("quick")
    material = dialogue.build_dialogue(seed=QUICK_SEED, out_path=folder / "quick.wav")
    quick = sum(gap < 0.6 for gap in dialogue.gaps(len(material.turns) - 1, QUICK_SEED))
    assert quick >= 25  # the point of this seed
    return material


@pytest.fixture(scope="module")
def quick_dialogue(quick_material, whisper_engine) -> StreamResult:
    return stream_audio(whisper_engine, decode_file(quick_material.path))


@pytest.fixture(scope="module")
def quick_without_voices(quick_material, whisper_engine) -> StreamResult:
    options = StreamingOptions(voice=VoiceOptions(split_probability=1.0))
    return stream_audio(whisper_engine, decode_file(quick_material.path), options=options)


def wrong_turns(material: dialogue.Dialogue, result: StreamResult) -> list[int]:
    """Turns without text, or with text in an utterance of the other language."""
    return [
        turn.index
        for turn in material.turns
        if result.languages_during(turn.start, turn.end) != {turn.lang}
    ]


def test_voices_put_quick_turns_right_and_none_wrong(
    quick_material, quick_dialogue, quick_without_voices
):
    """The same recognizer with and without voice splits: turns it gets wrong with them
    are wrong without them too, and at least two fewer. Still missed either way: a 0.2 s
    "Hei.", and quick answers in a voice of about the same pitch as the speaker before."""
    with_voices = wrong_turns(quick_material, quick_dialogue)
    without = wrong_turns(quick_material, quick_without_voices)
    stats = quick_dialogue.recognizer.stats
    print(
        f"\nwrong with voices {with_voices}, without {without}; "
        f"splits {stats.turn_splits} ({stats.voice_splits} by voice)"
    )
    assert set(with_voices) <= set(without)
    assert len(with_voices) <= len(without) - 2
    assert len(with_voices) <= 0.11 * len(quick_material.turns)
    assert stats.voice_splits >= 3
    assert quick_without_voices.recognizer.stats.voice_splits == 0


def test_no_speech_is_read_twice_after_quick_pauses(quick_material, quick_dialogue):
    """Words committed mid-speech after a pause are not read again at the next pause (an
    English question was once committed twice, in two readings)."""
    assert not quick_dialogue.overlong(quick_material.turns)
