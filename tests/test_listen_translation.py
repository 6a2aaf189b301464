"""``interpreter listen`` with translation: translation events join the JSON stream."""

from __future__ import annotations

import pytest
from cli_helpers import listen_events
from tiny_models import tiny_marian  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def test_translation_events_follow_each_finnish_utterance(finnish_clips, tiny_marian):  # noqa: F811
    path, _ = finnish_clips[0]
    result, events = listen_events(
        "--replay", str(path), "--pair", "fi-et", "--mt-model", f"fi-et={tiny_marian.path}"
    )
    ended = [e for e in events if e["type"] == "utterance_ended" and e["text"]]
    finals = [e for e in events if e["type"] == "translation" and e["final"]]
    assert ended and len(finals) == len(ended)
    for utterance, translation in zip(ended, finals, strict=True):
        assert translation["utterance_id"] == utterance["utterance_id"]
        assert translation["source_text"] == utterance["text"]
        assert (translation["source_lang"], translation["lang"]) == ("fi", "et")
        assert translation["emitted_at"] >= utterance["emitted_at"]
        assert {"route", "backend", "ms", "tokens_out", "flags", "speech_end"} <= translation.keys()
    # The other direction has no model: the session says so and goes on.
    assert "Translation et-fi is off" in result.stderr
