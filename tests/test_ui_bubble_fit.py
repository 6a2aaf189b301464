"""Every bubble in both windows fits its text after every update, at every width and text
size, in every script (no models; events cross threads as the core's do).

``clipped_texts`` checks each visible label against its height for its width, against
QFontMetrics' own wrapping of the text, and against its bubble, row and column.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import clipped_texts, make_desk, post_from_thread, times

from interpreter.events import (
    CommittedText,
    Event,
    RevisedText,
    TentativeText,
    TranslationEvent,
    UtteranceEnded,
    UtteranceStarted,
)
from ui.bubble_text import BubbleText
from ui.settings import MAX_FONT_PT, MIN_FONT_PT

FI = "Hyvää päivää ja tervetuloa, miten voin auttaa teitä tänään asumistukihakemuksenne kanssa?"
EN = "I need help applying for housing allowance because my rent went up last month."
AR = "أحتاج إلى مساعدة في التقدم بطلب للحصول على بدل السكن لأن إيجاري ارتفع الشهر الماضي."
FA = "برای درخواست کمک هزینه مسکن به کمک نیاز دارم چون اجاره‌ام ماه گذشته بالا رفت."
CLIENT_TEXT = {"en": EN, "ar": AR, "fa": FA}
#: One word longer than a narrow window is wide at the client's largest text.
LONG_WORD = "Henkilöllisyystodistusasumistukihakemuslomakkeenne"


def growing(uid: int, side: str, lang: str, text: str, target: str, translation: str):
    """One utterance as the core reports it while it grows: tentative words with no side
    yet, tentative words, two commits, the end, then an interim and a final translation."""
    words = text.split()
    half = len(words) // 2
    t = times(uid * 10.0)
    return [
        UtteranceStarted(uid, None, None, "", **t),
        TentativeText(uid, None, None, words[0], **t),
        TentativeText(uid, side, lang, " ".join(words[:3]), **t),
        CommittedText(uid, side, lang, " ".join(words[:half]), **t),
        TentativeText(uid, side, lang, " ".join(words[half:]), **t),
        CommittedText(uid, side, lang, " ".join(words[half:]), **t),
        UtteranceEnded(uid, side, lang, text, **t),
        translation_event(uid, side, target, lang, " ".join(translation.split()[:4]), False),
        translation_event(uid, side, target, lang, translation, True),
    ]


def translation_event(uid, side, lang, source_lang, text, final) -> TranslationEvent:
    return TranslationEvent(
        uid, side, lang, text, **times(uid * 10.0), source_lang=source_lang, final=final
    )


def revised_midway(uid: int, client: str) -> list[Event]:
    """First heard as the staff's Finnish, then recognised again as the client's language."""
    t = times(uid * 10.0)
    words = CLIENT_TEXT[client].split()
    return [
        TentativeText(uid, "staff", "fi", "Ai niid", **t),
        CommittedText(uid, "staff", "fi", "Ai niid help", **t),
        RevisedText(uid, "client", client, " ".join(words[:5]), **t, previous_lang="fi"),
        TentativeText(uid, "client", client, " ".join(words[5:]), **t),
        CommittedText(uid, "client", client, " ".join(words[5:]), **t),
        UtteranceEnded(uid, "client", client, CLIENT_TEXT[client], **t),
        translation_event(uid, "client", "fi", client, FI, True),
    ]


def conversation(client: str) -> list[Event]:
    text = CLIENT_TEXT[client]
    return [
        *growing(1, "staff", "fi", FI, client, text),
        *growing(2, "client", client, text, "fi", FI),
        *revised_midway(3, client),
        *growing(4, "staff", "fi", f"{FI} {FI}", client, f"{text} {text}"),
    ]


@pytest.fixture
def desk(qtbot, tmp_path: Path):
    desk = make_desk(qtbot, tmp_path)
    desk.show()
    return desk


def views(desk):
    return {"staff": desk.staff.conversation, "client": desk.client.view}


def problems(desk) -> list[str]:
    return [f"{name}: {p}" for name, view in views(desk).items() for p in clipped_texts(view)]


def feed_checking_each(qtbot, desk, events: list[Event]) -> list[str]:
    """Post the events from a core-like thread; after each one the windows show, before
    anything else runs, note what is cut off."""
    found: list[str] = []
    shown = []

    def check(utt) -> None:
        shown.append(utt)
        found.extend(
            f"after event {len(shown)} ({utt.original[:20]!r}): {p}" for p in problems(desk)
        )

    desk.controller.utteranceShown.connect(check)
    expected = sum(1 for e in events if not isinstance(e, UtteranceStarted))
    post_from_thread(desk, events)
    qtbot.waitUntil(lambda: len(shown) >= expected, timeout=10_000)
    desk.controller.utteranceShown.disconnect(check)
    return found


def set_sizes(desk, staff_width: int, client_width: int) -> None:
    desk.staff.resize(staff_width, 700)
    desk.client.resize(client_width, 640)


@pytest.mark.parametrize(
    ("client", "staff_width", "client_width", "client_pt", "staff_pt"),
    [
        ("en", 1400, 1000, 32, 13),
        ("en", 560, 380, 16, 9),
        ("en", 900, 640, 64, 20),
        ("ar", 1000, 700, 32, 13),
        ("fa", 640, 420, 48, 16),
        ("en", 480, 320, MAX_FONT_PT, 28),
    ],
)
def test_growing_text_always_fits_in_both_windows(
    qtbot, desk, client, staff_width, client_width, client_pt, staff_pt
):
    desk.controller.set_client_language(client)
    desk.client.set_font_size(client_pt)
    desk.staff.conversation.set_fonts(staff_pt, max(8, staff_pt - 2))
    set_sizes(desk, staff_width, client_width)
    found = feed_checking_each(qtbot, desk, conversation(client))
    assert not found, found[:10]
    assert len(desk.staff.conversation.bubbles()) == 4 == len(desk.client.view.bubbles())
    # Long texts really wrapped: the last bubble's original takes more than one line.
    last = desk.staff.conversation.bubbles()[-1].primary
    assert last.height() >= 2 * last.fontMetrics().height()


@pytest.mark.parametrize("client", ["en", "ar"])
def test_resizing_the_windows_after_the_text_was_set(qtbot, desk, client):
    desk.controller.set_client_language(client)
    set_sizes(desk, 1200, 900)
    assert not feed_checking_each(qtbot, desk, conversation(client))
    for staff_width, client_width in ((520, 340), (1500, 1100), (700, 300), (1000, 800)):
        set_sizes(desk, staff_width, client_width)
        assert not problems(desk), (staff_width, client_width, problems(desk))


def test_every_client_text_size_and_staff_font(qtbot, desk):
    set_sizes(desk, 900, 600)
    assert not feed_checking_each(qtbot, desk, conversation("en"))
    controller = desk.controller
    sizes = []
    while controller.settings.font_pt < MAX_FONT_PT:  # Ctrl++ up to the largest ...
        controller.step_font_size(+1)
        sizes.append(desk.client.view.primary_pt)
        assert not problems(desk), (sizes[-1], problems(desk))
    while controller.settings.font_pt > MIN_FONT_PT:  # ... and Ctrl+- down to the smallest
        controller.step_font_size(-1)
        sizes.append(desk.client.view.primary_pt)
        assert not problems(desk), (sizes[-1], problems(desk))
    assert MAX_FONT_PT in sizes and MIN_FONT_PT in sizes
    for staff_pt in (8, 18, 30, 11):
        desk.staff.conversation.set_fonts(staff_pt, staff_pt)
        assert not problems(desk), (staff_pt, problems(desk))


def test_a_word_wider_than_the_window_is_broken_to_fit(qtbot, desk):
    set_sizes(desk, 600, 360)
    desk.client.set_font_size(MAX_FONT_PT)
    events = growing(1, "client", "en", f"My form: {LONG_WORD}", "fi", LONG_WORD)
    assert not feed_checking_each(qtbot, desk, events)
    label = desk.client.view.bubbles()[0].primary
    assert label.fontMetrics().horizontalAdvance(LONG_WORD) > label.width()
    assert label.height() >= 3 * label.fontMetrics().height()  # the word takes many lines


def test_right_to_left_text_runs_right_to_left(qtbot, desk):
    desk.controller.set_client_language("ar")
    set_sizes(desk, 1000, 700)
    assert not feed_checking_each(qtbot, desk, growing(1, "client", "ar", AR, "fi", FI))
    assert desk.client.layoutDirection() == Qt.LayoutDirection.RightToLeft
    bubble = desk.client.view.bubbles()[0]
    block = bubble.primary.document().begin()
    assert block.textDirection() == Qt.LayoutDirection.RightToLeft
    assert bubble.secondary.document().begin().textDirection() == Qt.LayoutDirection.LeftToRight
    # Mirrored: the client's bubble is on the left edge of a right-to-left window.
    assert bubble.mapTo(desk.client, bubble.rect().topLeft()).x() < desk.client.width() * 0.2


def test_a_bubble_that_changes_side_still_grows(qtbot, desk):
    """The root cause: a bubble moved to its side by taking it out of its row's layout and
    adding it again kept the height its old layout item had measured."""
    set_sizes(desk, 1000, 700)
    t = times(1.0)
    events = [
        TentativeText(1, None, None, "Hyvää", **t),
        TentativeText(1, "client", "en", "Good", **t),
        TentativeText(1, "staff", "fi", "Hyvää päivää", **t),
        CommittedText(1, "staff", "fi", f"{FI} {FI} {FI}", **t),
    ]
    assert not feed_checking_each(qtbot, desk, events)
    bubble = desk.staff.conversation.bubbles()[0]
    item = bubble.parentWidget().layout().itemAt(1)
    assert item.widget() is bubble
    assert item.heightForWidth(bubble.width()) == bubble.heightForWidth(bubble.width())
    assert bubble.height() >= bubble.heightForWidth(bubble.width())


def test_bubble_text_measures_selects_and_copies(qtbot):
    label = BubbleText()
    qtbot.addWidget(label)
    font = label.font()
    font.setPointSize(40)
    label.setFont(font)
    label.setText(f"Lomake: {LONG_WORD} <span style='color:#888'>ja</span>")
    line = label.fontMetrics().height()
    assert label.heightForWidth(4000) < 2 * line
    narrow = label.fontMetrics().horizontalAdvance(LONG_WORD) // 3
    assert label.heightForWidth(narrow) >= 3 * line
    assert label.minimumSizeHint().width() < narrow
    label.resize(narrow, label.heightForWidth(narrow))
    label.show()
    label.setFocus()
    qtbot.keyClick(label, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == f"Lomake: {LONG_WORD} ja"
    label.setText("Uusi")
    assert label.selected_text() == "" and label.heightForWidth(narrow) < 2 * line
