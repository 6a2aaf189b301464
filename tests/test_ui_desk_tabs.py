"""The staff window carries the Tester tab; closing the window stops the tab's threads."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import make_desk


def test_tester_tab_joins_the_staff_window_and_stops_with_it(qtbot, tmp_path: Path):
    desk = make_desk(qtbot, tmp_path)
    desk.show()
    tab = desk.add_tester_tab(desk.controller.settings.store)
    assert desk.staff.tabs.count() == 2
    assert desk.staff.tabs.tabText(1) == "Phrase tests"
    # The tab lists the built-in phrase sets from its own worker thread.
    qtbot.waitUntil(lambda: tab.set_combo.count() >= 6, timeout=10000)
    assert all(thread.isRunning() for thread in tab._threads)
    desk.staff.close()
    qtbot.waitUntil(lambda: not any(t.isRunning() for t in tab._threads), timeout=10000)
