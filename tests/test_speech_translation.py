"""End to end: Finnish speech (Festival) -> Whisper base -> translation -> English text."""

from __future__ import annotations

import pytest
import sacrebleu
from cli_helpers import listen_events
from trained_marian import PHRASE_PAIRS, trained_marian_fi_en  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("index", [0, 2])
def test_spoken_finnish_comes_out_in_english(finnish_clips, trained_marian_fi_en, index):  # noqa: F811
    path, finnish = finnish_clips[index]
    english = dict(PHRASE_PAIRS)[finnish]
    _, events = listen_events(
        "--replay", str(path), "--pair", "fi-en", "--mt-model", f"fi-en={trained_marian_fi_en}"
    )
    finals = [e for e in events if e["type"] == "translation" and e["final"]]
    assert len(finals) == 1, events
    translation = finals[0]
    assert translation["backend"] == "ctranslate2" and translation["lang"] == "en"
    score = sacrebleu.sentence_chrf(translation["text"], [english]).score
    assert score >= 80, (translation["source_text"], translation["text"], english)
    assert "untranslated" not in translation["flags"]
