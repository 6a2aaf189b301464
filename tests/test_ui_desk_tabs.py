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


def test_models_folder_setting_applies_unless_the_environment_chose(qtbot, tmp_path: Path):
    from ui.app import apply_models_folder

    desk = make_desk(qtbot, tmp_path)
    settings = desk.controller.settings
    assert settings.models_dir == ""
    desk.staff.modelsFolderChosen.emit(str(tmp_path / "shared-models"))
    assert settings.models_dir == str(tmp_path / "shared-models")
    assert "next start" in desk.staff.statusBar().currentMessage()
    env: dict[str, str] = {}
    apply_models_folder(settings, env)
    assert env["INTERPRETER_MODELS_DIR"] == str(tmp_path / "shared-models")
    admin = {"INTERPRETER_MODELS_DIR": "/srv/models"}
    apply_models_folder(settings, admin)
    assert admin["INTERPRETER_MODELS_DIR"] == "/srv/models"
