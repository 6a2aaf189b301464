"""The staff and client windows with events delivered across threads like the core's.

No models here (fast); ``test_ui_live.py`` drives the same windows through the real core.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenuBar,
    QMessageBox,
)
from ui_helpers import desk_settings, make_desk, post_from_thread, spoken, translated

from interpreter.events import TentativeText
from ui.languages import LANGUAGES, load_welcome_lines
from ui.screens import ATTENTION, SECOND_SCREEN, SPLIT


@pytest.fixture
def desk(qtbot, tmp_path: Path):
    desk = make_desk(qtbot, tmp_path)
    desk.show()
    return desk


def show_events(qtbot, desk, events, expected: int) -> None:
    shown = []
    desk.controller.utteranceShown.connect(shown.append)
    post_from_thread(desk, events)
    qtbot.waitUntil(lambda: len(shown) >= expected, timeout=5000)


def test_bubbles_land_on_their_sides_in_both_windows(qtbot, desk):
    events = [
        *spoken(1, "staff", "fi", "Hyvää päivää."),
        translated(1, "staff", "en", "fi", "Good afternoon."),
        *spoken(2, "client", "en", "Thank you.", t=5.0),
        translated(2, "client", "fi", "en", "Kiitos.", t=5.0),
    ]
    show_events(qtbot, desk, events, len(events))
    staff_bubbles = desk.staff.conversation.bubbles()
    assert [b.side for b in staff_bubbles] == ["staff", "client"]
    QApplication.processEvents()
    view = desk.staff.conversation.viewport()
    staff_box = staff_bubbles[0].geometry().translated(staff_bubbles[0].parentWidget().pos())
    client_box = staff_bubbles[1].geometry().translated(staff_bubbles[1].parentWidget().pos())
    assert staff_box.left() < view.width() * 0.1 and client_box.right() > view.width() * 0.9
    assert staff_box.right() < client_box.right() and staff_box.left() < client_box.left()
    # Staff view: original first, translation beneath.
    assert staff_bubbles[0].primary.text() == "Hyvää päivää."
    assert staff_bubbles[0].secondary.text() == "Good afternoon."
    # Client view: the client's language large, Finnish small beneath, for both sides.
    client_bubbles = desk.client.view.bubbles()
    assert client_bubbles[0].primary.text() == "Good afternoon."
    assert client_bubbles[0].secondary.text() == "Hyvää päivää."
    assert client_bubbles[1].primary.text() == "Thank you."
    assert client_bubbles[1].secondary.text() == "Kiitos."
    assert client_bubbles[0].primary.font().pointSize() >= 32
    assert client_bubbles[0].secondary.font().pointSize() < 32


def test_tentative_text_is_lighter_and_replaced_in_place(qtbot, desk):
    first = spoken(1, "staff", "fi", "Hyvää päivää, miten voin auttaa?")
    show_events(qtbot, desk, first[:1], 1)
    bubble = desk.staff.conversation.bubbles()[0]
    assert "color:" in bubble.primary.text() and "Hyvää" in bubble.primary.text()
    top = bubble.mapTo(desk.staff, bubble.rect().topLeft())
    show_events(qtbot, desk, first[1:2], 1)
    tail = TentativeText(1, "staff", "fi", "ja", 1.0, 3.0, 3.0, 3.5)
    show_events(qtbot, desk, [tail], 1)
    assert desk.staff.conversation.bubbles() == [bubble]  # the same bubble, updated
    assert bubble.primary.text().startswith("Hyvää päivää, miten voin auttaa?")
    assert bubble.primary.text().endswith('<span style="color:#8a8a8a">ja</span>')
    QApplication.processEvents()
    assert bubble.mapTo(desk.staff, bubble.rect().topLeft()) == top


def test_untranslated_text_is_marked(qtbot, desk):
    events = [
        *spoken(1, "staff", "fi", "Kela"),
        translated(1, "staff", "en", "fi", "Kela", flags=("untranslated",)),
    ]
    show_events(qtbot, desk, events, len(events))
    staff_bubble = desk.staff.conversation.bubbles()[0]
    assert staff_bubble.marker.isVisible() and "not translated" in staff_bubble.marker.text()
    assert staff_bubble.property("flagged") is True
    assert desk.client.view.bubbles()[0].marker.text() == "⚠"


def test_events_of_a_previous_session_are_never_shown(qtbot, desk):
    desk.controller._token += 1  # what opening a new session does
    stale = spoken(1, "staff", "fi", "Vanha asiakas.")
    token = desk.controller._token - 1
    for event in stale:
        desk.controller.bridge.post_event(token, event)
    show_events(qtbot, desk, spoken(2, "staff", "fi", "Uusi."), 3)
    assert [b.utterance_id for b in desk.staff.conversation.bubbles()] == [2]


def test_auto_scroll_follows_until_the_user_scrolls_up(qtbot, desk):
    view = desk.staff.conversation
    events = []
    for uid in range(1, 31):
        events += spoken(uid, "staff" if uid % 2 else "client", "fi", f"Lause numero {uid}.")
    show_events(qtbot, desk, events, len(events))
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)
    assert not view.following
    show_events(qtbot, desk, spoken(99, "staff", "fi", "Vielä yksi."), 3)
    QApplication.processEvents()
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    show_events(qtbot, desk, spoken(100, "client", "en", "One more."), 3)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())


def answer_next_client(qtbot, desk, button: QMessageBox.StandardButton) -> None:
    desk.staff.next_button.click()
    qtbot.waitUntil(lambda: desk.staff._confirm is not None and desk.staff._confirm.isVisible())
    desk.staff._confirm.button(button).click()


def test_next_client_asks_then_wipes_both_windows(qtbot, desk):
    events = [
        *spoken(1, "staff", "fi", "Hyvää päivää."),
        translated(1, "staff", "en", "fi", "Good afternoon."),
    ]
    show_events(qtbot, desk, events, len(events))
    desk.staff.typed.setText("kesken")
    answer_next_client(qtbot, desk, QMessageBox.StandardButton.Cancel)
    assert len(desk.staff.conversation.bubbles()) == 1
    with qtbot.waitSignal(desk.controller.conversationCleared, timeout=5000):
        answer_next_client(qtbot, desk, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: not desk.staff.conversation.findChildren(QLabel, "primary"))
    assert desk.staff.conversation.bubbles() == [] and desk.client.view.bubbles() == []
    assert len(desk.controller.conversation) == 0 and desk.staff.typed.text() == ""
    texts = [label.text() for label in desk.client.findChildren(QLabel)]
    assert not any("Good afternoon" in text or "Hyvää" in text for text in texts)


def test_client_window_shows_no_staff_controls(desk):
    for kind in (QAbstractButton, QComboBox, QLineEdit, QMenuBar):
        assert desk.client.findChildren(kind) == [], kind


def test_right_to_left_languages_and_welcome_lines(qtbot, desk):
    lines = load_welcome_lines()
    assert set(lines) == {language.code for language in LANGUAGES}
    desk.client.set_welcome_lines(lines)
    desk.controller.set_client_language("ar")
    assert desk.client.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert desk.client.welcome.text() == lines["ar"]
    assert desk.client.welcome.font().pointSize() >= 32
    desk.controller.set_client_language("sv")
    assert desk.client.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert desk.client.welcome.text() == lines["sv"]


def test_language_list_is_searchable_by_own_and_english_name(desk):
    picker = desk.staff.language
    completer = picker.completer()
    for typed, expected in (("arab", "العربية"), ("рус", "русский"), ("VIET", "Tiếng Việt")):
        completer.setCompletionPrefix(typed)
        model = completer.completionModel()
        assert model.rowCount() == 1, typed
        assert model.index(0, 0).data().lstrip("\u200e").startswith(expected)
    assert picker.count() == len(LANGUAGES) - 1  # every client language, not Finnish


def test_settings_persist(qtbot, tmp_path: Path, desk):
    controller = desk.controller
    controller.set_client_language("fa")
    controller.set_mode("push")
    controller.step_font_size(+1)
    controller.set_theme("dark")
    controller.set_export_enabled(True)
    controller.set_device("USB mic")
    controller.set_ui_language("sv")
    controller.settings.sync()
    again = desk_settings(tmp_path)
    assert (again.pair, again.mode, again.font_pt, again.theme) == ("fi-fa", "push", 36, "dark")
    assert (again.export_enabled, again.device, again.ui_language) == (True, "USB mic", "sv")
    assert desk.client.view.primary_pt == 36


def test_export_is_off_by_default(desk):
    assert desk.controller.settings.export_enabled is False
    assert not desk.staff.export_action.isEnabled()


def test_push_to_talk_keys_make_the_side_active(qtbot, desk):
    pushes = []
    desk.staff.pushToTalk.connect(lambda side, held: pushes.append((side, held)))
    desk.staff.activateWindow()
    qtbot.keyPress(desk.staff, Qt.Key.Key_F2)
    assert desk.controller.mode == "push" and desk.controller.push_side == "client"
    assert desk.staff.speakers.client_button.property("active") is True
    assert "Client" in desk.staff.speakers.active.text()
    qtbot.keyRelease(desk.staff, Qt.Key.Key_F2)
    qtbot.keyPress(desk.staff, Qt.Key.Key_F1)
    qtbot.keyRelease(desk.staff, Qt.Key.Key_F1)
    assert pushes == [("client", True), ("client", False), ("staff", True), ("staff", False)]
    assert desk.staff.speakers.staff_button.property("active") is True


def test_typed_text_without_translation_is_shown_and_marked(qtbot, desk):
    shown = []
    desk.controller.utteranceShown.connect(shown.append)
    desk.staff.typed.setText("Allekirjoittakaa tähän.")
    qtbot.keyClick(desk.staff.typed, Qt.Key.Key_Return)
    assert shown and shown[0].side == "staff" and shown[0].typed
    assert desk.client.view.bubbles()[0].secondary.text() == "Allekirjoittakaa tähän."


def test_tabs_can_be_added(desk):
    label = QLabel("tester")
    index = desk.staff.add_tab(label, "Tester")
    assert desk.staff.tabs.widget(index) is label and desk.staff.tabs.count() == 2


def test_one_screen_split_and_attention_views(qtbot, desk):
    placer = desk.controller.placer
    assert len(QApplication.screens()) == 1
    assert placer.place() == SPLIT
    assert desk.client.isVisible() and not desk.client.isFullScreen()
    assert desk.client.geometry().left() >= desk.staff.geometry().right()
    desk.controller.toggle_attention()
    assert placer.arrangement == ATTENTION and desk.client.isFullScreen()
    assert desk.controller.settings.attention_view is True
    desk.controller.toggle_attention()
    assert placer.arrangement == SPLIT


SECOND_SCREEN_CHECK = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui.app import build_desk
from ui.settings import DeskSettings
app = QApplication([])
desk = build_desk(DeskSettings(QSettings(sys.argv[1], QSettings.Format.IniFormat)))
desk.show()
app.processEvents()
print(desk.controller.placer.arrangement, desk.staff.screen().name(), desk.client.screen().name(),
      desk.client.isFullScreen())
"""


def test_client_window_goes_full_screen_on_a_second_screen(tmp_path: Path):
    """Qt's offscreen platform with two screens (a configuration file), in a subprocess
    because the platform is chosen when the application starts."""
    screens = {
        "screens": [
            {
                "name": "desk",
                "x": 0,
                "y": 0,
                "width": 1280,
                "height": 800,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            },
            {
                "name": "client",
                "x": 1280,
                "y": 0,
                "width": 1024,
                "height": 768,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            },
        ]
    }
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(screens))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run(
        [sys.executable, "-c", SECOND_SCREEN_CHECK, str(tmp_path / "desk.ini")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    arrangement, staff_screen, client_screen, full = result.stdout.split()
    assert arrangement == SECOND_SCREEN and client_screen != staff_screen and full == "True"
