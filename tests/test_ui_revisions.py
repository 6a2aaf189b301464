"""An utterance the core recognises again (``revised``): its text, side and language are
replaced in the conversation, both windows and the transcript (no models needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ui_helpers import clipped_texts, make_desk, post_from_thread, times

from interpreter.events import (
    CommittedText,
    RevisedText,
    TentativeText,
    TranslationEvent,
    UtteranceEnded,
    UtteranceStarted,
)
from ui.conversation import Conversation
from ui.export import to_json, to_srt, to_txt, transcript_lines

HEARD_FI = "Ai niid help vit hausing"  # English first heard as Finnish
REVISED = "I need help with housing"
MORE = "allowance, please."
FINAL = f"{REVISED} {MORE}"
FINNISH = "Tarvitsen apua asumistuen kanssa, kiitos."
T = times(4.0)


def translation(text: str, lang: str, source_lang: str, source_text: str, final: bool):
    side = "staff" if source_lang == "fi" else "client"
    return TranslationEvent(
        7, side, lang, text, **T, source_lang=source_lang, source_text=source_text, final=final
    )


def first_heard() -> list:
    return [
        UtteranceStarted(7, None, None, "", **T),
        TentativeText(7, "staff", "fi", "Ai", **T),
        CommittedText(7, "staff", "fi", HEARD_FI, **T),
        TentativeText(7, "staff", "fi", "alovans", **T),
    ]


def recognised_again() -> list:
    return [
        RevisedText(7, "client", "en", REVISED, **T, previous_lang="fi", previous_text=HEARD_FI),
        CommittedText(7, "client", "en", MORE, **T),
        UtteranceEnded(7, "client", "en", FINAL, **T, language_probability=0.9),
        translation(FINNISH, "fi", "en", FINAL, final=True),
    ]


def test_the_conversation_replaces_text_side_and_language():
    conv = Conversation()
    for event in first_heard():
        conv.apply(event)
    old = translation("I need help with housing", "en", "fi", HEARD_FI, final=False)
    utt = conv.apply(old)
    assert (utt.side, utt.lang, utt.committed, utt.translation) == (
        "staff",
        "fi",
        HEARD_FI,
        "I need help with housing",
    )
    revised, more, ended, new = recognised_again()
    assert conv.apply(revised) is utt
    assert (utt.side, utt.lang, utt.committed, utt.tentative) == ("client", "en", REVISED, "")
    assert (utt.translation, utt.translation_lang, utt.translation_final) == ("", None, False)
    assert utt.revised and utt.previous_lang == "fi" and utt.previous_text == HEARD_FI
    # A translation of the text as first heard, still under way, is not shown.
    assert conv.apply(translation("Ai niid", "en", "fi", HEARD_FI, final=True)) is None
    assert utt.translation == ""
    conv.apply(more)
    assert utt.committed == FINAL  # later commits append to the revised text
    conv.apply(ended)
    conv.apply(new)
    assert (utt.committed, utt.ended, utt.translation, utt.translation_lang) == (
        FINAL,
        True,
        FINNISH,
        "fi",
    )
    assert len(conv) == 1


def test_a_revision_in_the_same_language_drops_the_old_translation_only():
    conv = Conversation()
    conv.apply(CommittedText(7, "staff", "fi", "Hyvä päivä", **T))
    conv.apply(translation("Good day", "en", "fi", "Hyvä päivä", final=False))
    utt = conv.apply(
        RevisedText(7, "staff", "fi", "Hyvää päivää", **T, previous_lang="fi", reason="text")
    )
    assert (utt.committed, utt.translation, utt.side) == ("Hyvää päivää", "", "staff")
    assert conv.apply(translation("Good day", "en", "fi", "Hyvä päivä", final=True)) is None
    conv.apply(translation("Good afternoon", "en", "fi", "Hyvää päivää", final=True))
    assert utt.translation == "Good afternoon"


def test_the_export_holds_only_the_revised_text(tmp_path: Path):
    conv = Conversation()
    for event in [*first_heard(), *recognised_again()]:
        conv.apply(event)
    lines = transcript_lines(conv.ordered())
    outputs = {
        "txt": to_txt(lines, "fi-en"),
        "json": to_json(lines, "fi-en"),
        "srt": to_srt(lines),
    }
    for name, text in outputs.items():
        assert FINAL in text and FINNISH in text, name
        assert HEARD_FI not in text and "Ai niid" not in text, name
    data = json.loads(outputs["json"])["utterances"]
    assert [(u["side"], u["lang"], u["text"], u["translation_lang"]) for u in data] == [
        ("client", "en", FINAL, "fi")
    ]


@pytest.fixture
def desk(qtbot, tmp_path: Path):
    desk = make_desk(qtbot, tmp_path)
    desk.show()
    desk.staff.resize(1000, 700)
    desk.client.resize(800, 600)
    return desk


def show(qtbot, desk, events, expected: int | None = None) -> None:
    """Post the events; wait until the windows showed ``expected`` of them (by default
    all but the utterance's start)."""
    shown = []
    desk.controller.utteranceShown.connect(shown.append)
    post_from_thread(desk, events)
    if expected is None:
        expected = sum(not isinstance(e, UtteranceStarted) for e in events)
    qtbot.waitUntil(lambda: len(shown) >= expected, timeout=5000)
    desk.controller.utteranceShown.disconnect(shown.append)


def left_of_centre(view, bubble) -> bool:
    centre = bubble.mapTo(view.viewport(), bubble.rect().center()).x()
    return centre < view.viewport().width() / 2


def test_both_windows_move_and_rewrite_a_revised_bubble(qtbot, desk):
    staff_view, client_view = desk.staff.conversation, desk.client.view
    show(qtbot, desk, first_heard())
    show(qtbot, desk, [translation("I need help", "en", "fi", HEARD_FI, final=False)])
    staff_bubble, client_bubble = staff_view.bubbles()[0], client_view.bubbles()[0]
    assert left_of_centre(staff_view, staff_bubble) and staff_bubble.property("side") == "staff"
    assert client_bubble.primary.text() == "I need help"  # the client reads the translation
    assert HEARD_FI in client_bubble.secondary.text()

    revised, more, ended, new = recognised_again()
    show(qtbot, desk, [revised])
    # The staff window: the same bubble, now the client's, on the client's side, with the
    # English text only and no translation until the new one comes.
    assert staff_view.bubbles() == [staff_bubble]
    assert not left_of_centre(staff_view, staff_bubble)
    assert staff_bubble.side == "client" and staff_bubble.property("side") == "client"
    assert staff_bubble.primary.text() == REVISED
    assert "I need help" not in staff_bubble.secondary.text()
    assert staff_bubble.secondary.text().endswith("…</span>")  # the new one is coming
    assert (
        "recognised again" in staff_bubble.marker.text() and "suomi" in staff_bubble.marker.text()
    )
    # The client window: their own words, large; the old translation is gone.
    assert client_view.bubbles() == [client_bubble] and client_bubble.side == "client"
    assert client_bubble.primary.text() == REVISED and client_bubble.secondary.text() == ""
    assert "recognised" not in client_bubble.marker.text()  # nothing for the client to decode
    assert not clipped_texts(staff_view) and not clipped_texts(client_view)
    # Auto mode shows the client as the last speaker.
    assert desk.staff.speakers.client_button.property("active") is True

    stale = translation("Ai niid", "en", "fi", HEARD_FI, final=True)
    # The stale one (a translation of the Finnish first heard) is not shown.
    show(qtbot, desk, [more, ended, new, stale], expected=3)
    later = TentativeText(8, "staff", "fi", "Selvä", **times(9.0))
    show(qtbot, desk, [later])  # events arrive in order: the stale one was handled by now
    assert staff_bubble.primary.text() == FINAL and staff_bubble.secondary.text() == FINNISH
    assert client_bubble.primary.text() == FINAL and client_bubble.secondary.text() == FINNISH
    assert not clipped_texts(staff_view) and not clipped_texts(client_view)
    assert len(staff_view.bubbles()) == 2
    utt = desk.controller.conversation.ordered()[0]
    assert (utt.side, utt.lang, utt.committed, utt.translation) == ("client", "en", FINAL, FINNISH)


def test_a_revised_utterance_is_exported_as_revised(qtbot, desk, tmp_path: Path):
    show(qtbot, desk, [*first_heard(), *recognised_again()])
    desk.controller.set_export_enabled(True)
    desk.controller.thread.start()  # the worker writes the files; no session is needed
    with qtbot.waitSignal(desk.controller.exportFinished, timeout=10_000) as done:
        desk.controller.export_transcript(str(tmp_path / "export"))
    paths, error = done.args
    assert error == "" and len(paths) == 3
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        assert FINAL in text and HEARD_FI not in text, path
