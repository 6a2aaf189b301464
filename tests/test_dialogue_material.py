"""The long desk dialogue has the structure the dialogue benchmark relies on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import dialogue
import numpy as np
import pytest
import speech

RATE = speech.SAMPLE_RATE
#: How far a turn's stated bounds may lie from the speech found in the mixed audio.
BOUND_TOLERANCE = 0.02


@pytest.fixture(scope="module")
def full(
    tmp_path_factory: pytest.TempPathFactory, require_speech: Callable[..., None]
) -> dialogue.Dialogue:
    require_speech(*dialogue.needs())
    return dialogue.build_dialogue(out_path=tmp_path_factory.mktemp("dialogue") / "d.wav")


def test_script_is_new_latin1_text_with_openers_and_code_switching() -> None:
    lines = dialogue.SCRIPT
    assert 50 <= len(lines) <= 70
    old = {*speech.FINNISH_SENTENCES, *speech.ENGLISH_SENTENCES}
    assert not old & {line.text for line in lines}
    for line in lines:
        if line.voice.startswith("festival-"):
            line.text.encode("latin-1")  # Festival reads Latin-1 only
    texts = [line.text for line in lines]
    for opener in dialogue.OPENERS:
        assert opener in texts, opener
    starts = Counter(text.split()[0].strip(".,") for text in texts if len(text.split()) > 3)
    assert sum(starts[w] for w in ("Yes", "Okay", "Okei", "Hei", "Kyllä", "Joo", "Kiitos")) >= 5
    english = " ".join(line.text for line in lines if line.lang == "en")
    finnish = " ".join(line.text for line in lines if line.lang == "fi")
    for name in ("Espoo", "Vantaa", "Kela", "Itäkeskus", "Virtanen", "Hakaniemi", "Kamppi"):
        assert name in english, name
    for loanword in ("okei", "printteri", "netissä", "sähköposti", "chat", "online"):
        assert loanword in finnish.lower(), loanword
    assert any(ch.isdigit() for ch in english) and any(ch.isdigit() for ch in finnish)


def test_gaps_are_seeded_with_quick_and_slow_changes() -> None:
    gaps = dialogue.gaps(65)
    assert gaps == dialogue.gaps(65) != dialogue.gaps(65, seed=1)
    low, high = dialogue.QUICK_GAP_SECONDS[0], dialogue.SLOW_GAP_SECONDS[1]
    assert all(low <= gap <= high for gap in gaps)
    assert sum(gap <= dialogue.QUICK_GAP_SECONDS[1] for gap in gaps) >= 10
    assert sum(gap >= dialogue.SLOW_GAP_SECONDS[0] for gap in gaps) >= 20


def test_dialogue_has_every_voice_side_and_language(full: dialogue.Dialogue) -> None:
    turns = full.turns
    assert len(turns) == len(dialogue.SCRIPT)
    assert [t.index for t in turns] == list(range(len(turns)))
    assert 240 <= full.duration <= 420
    voices = Counter(t.voice for t in turns)
    assert voices["festival-lj"] >= 5 and voices["festival-mv"] >= 5 and voices["librivox"] == 5
    accents = {v for v in voices if v.startswith("espeak-")}
    assert {"espeak-fr", "espeak-de", "espeak-es", "espeak-ru"} <= accents
    assert len(accents - {"espeak-fr", "espeak-de", "espeak-es", "espeak-ru"}) >= 3
    assert all(t.lang == "fi" for t in turns if t.voice.startswith("festival-"))
    assert all(t.lang == "en" for t in turns if not t.voice.startswith("festival-"))
    assert {t.side for t in turns if t.lang == "en"} == {"client"}
    finnish_clients = [t for t in turns if t.side == "client" and t.lang == "fi"]
    assert len(finnish_clients) >= 3
    long = [t for t in turns if 8.0 <= t.end - t.start <= 14.0]
    assert {t.lang for t in long} == {"fi", "en"} and len(long) >= 4
    assert sum(t.end - t.start < 1.0 for t in turns) >= 6  # openers as whole turns
    changes = sum(a.side != b.side for a, b in pairwise(turns))
    assert changes >= 0.8 * (len(turns) - 1)  # it alternates


def test_turn_bounds_match_the_speech_in_the_audio(full: dialogue.Dialogue) -> None:
    samples, rate = speech.read_wav(full.path)
    assert rate == RATE and len(samples) / rate == pytest.approx(full.duration, abs=1 / rate)
    gaps = [b.start - a.end for a, b in pairwise(full.turns)]
    assert gaps == pytest.approx(dialogue.gaps(len(gaps), full.seed), abs=1.5 / rate)
    assert min(gaps) >= 0.3 - 1 / rate and max(gaps) <= 2.0 + 1 / rate
    edges = [full.turns[0].start, *gaps, full.duration - full.turns[-1].end]
    frame = round(speech.SPEECH_FRAME_SECONDS * rate)
    for turn, before, after in zip(full.turns, edges[:-1], edges[1:], strict=True):
        # A window around the turn, on the energy envelope's frame grid of its clip: the
        # Festival voices breathe right at the speech threshold, so another grid could
        # move the found start by a few frames.
        lo = round(turn.start * rate) - frame * int(before / 2 * rate / frame)
        hi = round((turn.end + after / 2) * rate)
        found = speech.speech_bounds(samples[lo:hi], rate)
        assert found is not None, turn
        assert found[0] + lo / rate == pytest.approx(turn.start, abs=BOUND_TOLERANCE), turn
        assert found[1] + lo / rate == pytest.approx(turn.end, abs=BOUND_TOLERANCE), turn


def test_short_variant_and_turns_alone_are_the_same_turns(
    full: dialogue.Dialogue, tmp_path: Path
) -> None:
    short = dialogue.build_dialogue(5, out_path=tmp_path / "short.wav")
    assert short.turns == full.turns[:5]
    again = dialogue.build_dialogue(5, out_path=tmp_path / "again.wav")
    assert again.path.read_bytes() == short.path.read_bytes()
    alone = dialogue.turn_clips(4, tmp_path / "alone")
    assert [a.turns[0].text for a in alone] == [t.text for t in full.turns[:4]]
    for one, turn in zip(alone, full.turns, strict=False):
        (only,) = one.turns
        assert (only.side, only.lang, only.voice, only.index) == (
            turn.side,
            turn.lang,
            turn.voice,
            turn.index,
        )
        assert only.end - only.start == pytest.approx(turn.end - turn.start, abs=1 / RATE)
        samples, _ = speech.read_wav(one.path)
        found = speech.speech_bounds(samples)
        assert found == pytest.approx((only.start, only.end), abs=BOUND_TOLERANCE)
        assert not np.any(samples[: round((only.start - 0.1) * RATE)])
