"""The desk's status bar warns for as long as the conversation-text debug log is on."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_desk

from interpreter.logs import LogSetup
from ui.app import show_log_warning


def test_status_bar_warns_while_conversation_text_is_logged(qtbot, tmp_path: Path):
    desk = make_desk(qtbot, tmp_path)
    desk.show()
    show_log_warning(desk.staff, LogSetup(tmp_path, None, None, None))
    assert not desk.staff.log_warning.isVisible()
    text_file = tmp_path / "conversation-text.log"
    show_log_warning(desk.staff, LogSetup(tmp_path, None, None, text_file))
    label = desk.staff.log_warning
    assert label.isVisible() and str(text_file) in label.text()
    # A passing status message does not hide it.
    desk.staff.statusBar().showMessage("Transcript saved", 100)
    assert label.isVisible()
