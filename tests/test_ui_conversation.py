"""The conversation state the windows show, and the transcript export (no Qt needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interpreter.events import (
    CommittedText,
    ErrorEvent,
    TentativeText,
    TranslationEvent,
    UtteranceEnded,
    UtteranceStarted,
)
from ui.conversation import Conversation
from ui.export import ExportError, to_srt, transcript_lines, write_transcript


def common(uid: int, side: str = "staff", lang: str = "fi", t: float = 1.0) -> dict:
    return dict(
        utterance_id=uid, side=side, lang=lang, audio_start=t, audio_end=t + 2, speech_end=t + 2
    )


def translation(uid: int, text: str, final: bool, flags=(), side="staff") -> TranslationEvent:
    return TranslationEvent(
        **common(uid, side, "en"),
        text=text,
        emitted_at=5.0,
        source_lang="fi",
        source_text="x",
        flags=flags,
        final=final,
    )


def test_tentative_is_replaced_and_committed_text_only_grows():
    conv = Conversation()
    assert conv.apply(UtteranceStarted(**common(1), text="", emitted_at=1.0)) is None
    utt = conv.apply(TentativeText(**common(1), text="hyvää", emitted_at=1.5))
    assert utt.original == "hyvää"
    conv.apply(TentativeText(**common(1), text="hyvää päivää", emitted_at=2.0))
    assert utt.tentative == "hyvää päivää" and utt.committed == ""
    conv.apply(CommittedText(**common(1), text="Hyvää päivää,", emitted_at=3.2))
    assert (utt.committed, utt.tentative) == ("Hyvää päivää,", "")
    assert utt.latency == pytest.approx(0.2)
    conv.apply(TentativeText(**common(1), text="miten", emitted_at=3.5))
    conv.apply(CommittedText(**common(1), text="miten voin auttaa?", emitted_at=4.0))
    assert utt.original == "Hyvää päivää, miten voin auttaa?"
    conv.apply(UtteranceEnded(**common(1), text="Hyvää päivää, miten voin auttaa?", emitted_at=4.1))
    assert utt.ended and utt.tentative == "" and len(conv) == 1


def test_translations_replace_and_a_late_interim_never_replaces_the_final():
    conv = Conversation()
    conv.apply(CommittedText(**common(1), text="Kiitos.", emitted_at=2.0))
    utt = conv.apply(translation(1, "Thank", final=False))
    conv.apply(translation(1, "Thank you.", final=True))
    conv.apply(translation(1, "Thank", final=False))
    assert (utt.translation, utt.translation_final, utt.translation_lang) == (
        "Thank you.",
        True,
        "en",
    )
    assert not utt.flagged


def test_untranslated_and_errors_are_flagged():
    conv = Conversation()
    conv.apply(CommittedText(**common(1), text="Kiitos.", emitted_at=2.0))
    utt = conv.apply(translation(1, "Kiitos.", final=True, flags=("untranslated",)))
    assert utt.flagged
    conv.apply(CommittedText(**common(2, t=5), text="Näkemiin!", emitted_at=8.0))
    err = conv.apply(
        ErrorEvent(
            **common(2, t=5), text="No model for fi-en.", emitted_at=8.0, source="translation"
        )
    )
    assert err.flagged and err.error == "No model for fi-en."
    # A stream-level error belongs to no utterance.
    assert conv.apply(ErrorEvent(**common(0), text="mic", emitted_at=1.0, fatal=True)) is None


def test_empty_utterance_shows_nothing():
    conv = Conversation()
    assert conv.apply(UtteranceEnded(**common(3), text="", emitted_at=2.0)) is None
    assert len(conv) == 0


def sample_conversation() -> Conversation:
    conv = Conversation()
    conv.apply(CommittedText(**common(1), text="Hyvää päivää.", emitted_at=3.0))
    conv.apply(UtteranceEnded(**common(1), text="Hyvää päivää.", emitted_at=3.1))
    conv.apply(translation(1, "Good afternoon.", final=True))
    conv.apply(CommittedText(**common(2, "client", "en", 4.0), text="Thank you.", emitted_at=7.0))
    conv.apply(TentativeText(**common(2, "client", "en", 4.0), text="and", emitted_at=7.2))
    conv.add_typed(1_000_000_001, "staff", "fi", "Allekirjoittakaa tähän.", at=9.5)
    return conv


def test_export_writes_bilingual_txt_json_and_srt(tmp_path: Path):
    paths = write_transcript(sample_conversation().ordered(), tmp_path / "out", "fi-en", "t")
    assert [p.name for p in paths] == ["t.txt", "t.json", "t.srt"]
    txt = paths[0].read_text(encoding="utf-8")
    assert "staff (fi): Hyvää päivää." in txt and "-> (en): Good afternoon." in txt
    assert "[typed] staff (fi): Allekirjoittakaa tähän." in txt
    assert "and" not in txt.split("Thank you.")[1].split("\n")[0]  # tentative is not exported
    data = json.loads(paths[1].read_text(encoding="utf-8"))
    assert data["pair"] == "fi-en"
    assert [u["text"] for u in data["utterances"]] == [
        "Hyvää päivää.",
        "Thank you.",
        "Allekirjoittakaa tähän.",
    ]
    assert data["utterances"][0]["translation"] == "Good afternoon."
    assert data["utterances"][2]["typed"] is True
    srt = paths[2].read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:01,000 --> 00:00:03,000\nHyvää päivää.\nGood afternoon.\n")
    assert "\n3\n00:00:09,500 --> 00:00:11,500\nAllekirjoittakaa tähän.\n" in srt


def test_srt_cues_are_numbered_in_order():
    cues = to_srt(transcript_lines(sample_conversation().ordered())).strip().split("\n\n")
    assert [cue.split("\n")[0] for cue in cues] == ["1", "2", "3"]


def test_export_to_an_unwritable_place_names_it(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="file"):
        write_transcript(sample_conversation().ordered(), blocker / "sub", "fi-en")
