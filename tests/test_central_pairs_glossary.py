"""The city's configuration file limits the pairs a desk offers and sets its glossary: in
the settings, the language picker, the Settings dialog and the commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from audio_fakes import FakeSoundDevice
from glossary_material import GLOSSARY_TSV
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from interpreter.central_config import CentralConfigError, load_central_config
from ui.app import build_desk
from ui.settings import DeskSettings

LOCKED = """
[locked]
allowed_pairs = ["fi-en", "fi-sv", "fi-so"]
glossary = "city-glossary.tsv"
export_enabled = false
client_font_pt = 48
models_dir = "/srv/desk-models"
ui_language = "sv"
"""
DEFAULTS = """
[defaults]
allowed_pairs = ["fi-sv", "fi-en"]
glossary = "city-glossary.tsv"
"""


def city_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city" / "config.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    (path.parent / "city-glossary.tsv").write_text(GLOSSARY_TSV, encoding="utf-8")
    return path


def desk_settings(tmp_path: Path, text: str) -> DeskSettings:
    store = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    return DeskSettings(store, load_central_config(city_file(tmp_path, text)))


def raw_store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


@pytest.mark.parametrize(
    "text, words",
    [
        ('[locked]\nallowed_pairs = "fi-en"\n', "must be a list of pairs"),
        ("[defaults]\nallowed_pairs = []\n", "must be a list of pairs"),
        ('[locked]\nallowed_pairs = ["en-fi"]\n', "Finnish first"),
        ('[locked]\nallowed_pairs = ["fi-en"]\npair = "fi-sv"\n', "not one of allowed_pairs"),
        ("[locked]\nglossary = 3\n", "path of a TSV or CSV file"),
    ],
)
def test_a_bad_list_or_glossary_entry_stops_with_the_file_named(tmp_path, text, words):
    path = city_file(tmp_path, text)
    with pytest.raises(CentralConfigError, match=words) as caught:
        load_central_config(path)
    assert str(path) in str(caught.value)


def test_locked_pairs_and_glossary_cannot_be_changed(tmp_path):
    settings = desk_settings(tmp_path, LOCKED)
    glossary = str(tmp_path / "city" / "city-glossary.tsv")  # relative to the city's file
    assert settings.allowed_pairs == ("fi-en", "fi-sv", "fi-so")
    assert settings.glossary == glossary
    settings.allowed_pairs = ()
    settings.glossary = str(tmp_path / "mine.tsv")
    settings.sync()
    assert settings.allowed_pairs == ("fi-en", "fi-sv", "fi-so")
    assert settings.glossary == glossary
    assert not raw_store(tmp_path).contains("glossary")


def test_editing_the_users_settings_file_changes_no_locked_value(tmp_path):
    raw = raw_store(tmp_path)
    for key, value in {
        "allowed_pairs": "fi-ru,fi-ar",
        "glossary": str(tmp_path / "mine.tsv"),
        "pair": "fi-ru",
        "export_enabled": "true",
        "client_font_pt": 20,
        "models_dir": str(tmp_path / "models"),
        "ui_language": "fi",
    }.items():
        raw.setValue(key, value)
    raw.sync()
    settings = desk_settings(tmp_path, LOCKED)
    assert settings.allowed_pairs == ("fi-en", "fi-sv", "fi-so")
    assert settings.glossary == str(tmp_path / "city" / "city-glossary.tsv")
    assert settings.pair == "fi-en"  # the saved fi-ru is not allowed: the first allowed one
    assert settings.export_enabled is False and settings.font_pt == 48
    assert settings.models_dir == "/srv/desk-models" and settings.ui_language == "sv"


def test_a_default_list_preselects_and_the_desk_may_widen_it(tmp_path):
    settings = desk_settings(tmp_path, DEFAULTS)
    assert settings.allowed_pairs == ("fi-sv", "fi-en")
    assert settings.pair == "fi-en"  # the default pair is in the list
    settings.pair = "fi-ru"
    assert settings.pair == "fi-sv"  # not offered: the first of the list
    settings.allowed_pairs = ("fi-sv", "fi-en", "fi-ru")
    assert settings.pair == "fi-ru"
    settings.allowed_pairs = ()  # every language
    settings.glossary = ""
    settings.sync()
    again = desk_settings(tmp_path, DEFAULTS)
    assert again.allowed_pairs == () and again.glossary == "" and again.pair == "fi-ru"


def test_the_dialog_shows_the_locked_pairs_and_glossary_as_locked(tmp_path, qtbot):
    from ui.settings_dialog import SettingsDialog

    settings = desk_settings(tmp_path, LOCKED)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.pairs.text() == "fi-en, fi-sv, fi-so" and not dialog.pairs.isEnabled()
    assert dialog.glossary.text().endswith("city-glossary.tsv")
    assert not dialog.glossary.isEnabled() and not dialog.choose_glossary.isEnabled()
    assert "locked" in dialog.glossary.toolTip().lower()
    assert str(tmp_path / "city" / "config.toml") in dialog.locked_note.text()
    dialog.pairs.setText("fi-ru")  # what a script could still type: not saved
    dialog.glossary.setText(str(tmp_path / "mine.tsv"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert settings.allowed_pairs == ("fi-en", "fi-sv", "fi-so")
    assert settings.glossary.endswith("city-glossary.tsv")


def test_the_dialog_saves_the_desks_own_pairs_and_glossary(tmp_path, qtbot):
    from ui.settings_dialog import SettingsDialog

    settings = desk_settings(tmp_path, DEFAULTS)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    dialog.pairs.setText("fi-sv, english")
    ok.click()
    assert "english is not a pair" in dialog.status.text()
    assert dialog.result() == 0 and settings.allowed_pairs == ("fi-sv", "fi-en")
    dialog.pairs.setText("fi-sv, ru, FI-AR")
    dialog.glossary.setText(str(tmp_path / "desk.tsv"))
    ok.click()
    assert settings.allowed_pairs == ("fi-sv", "fi-ru", "fi-ar")
    assert settings.glossary == str(tmp_path / "desk.tsv")


def test_the_picker_offers_only_the_allowed_pairs_and_menus_show_locks(tmp_path, qtbot):
    settings = desk_settings(tmp_path, LOCKED)
    raw = raw_store(tmp_path)
    raw.setValue("pair", "fi-ar")  # saved before the city limited the pairs
    raw.sync()
    desk = build_desk(settings, sounddevice=FakeSoundDevice([]))
    qtbot.addWidget(desk.staff, before_close_func=lambda _: desk.controller.shutdown())
    qtbot.addWidget(desk.client)
    controller = desk.controller
    opened: list[dict] = []
    controller._open.disconnect()  # no core: what would be opened is enough here
    controller._open.connect(lambda token, overrides: opened.append(overrides))
    controller.start()
    assert desk.staff.language.offered() == ["en", "sv", "so"]
    assert controller.pair == "fi-en" and desk.staff.language.current_code() == "en"
    assert opened[-1]["pair"] == "fi-en"
    assert opened[-1]["glossary"] == tmp_path / "city" / "city-glossary.tsv"
    controller.set_client_language("ar")  # e.g. typed into the search: refused
    assert controller.pair == "fi-en" and len(opened) == 1
    controller.set_client_language("so")
    assert controller.pair == "fi-so" and opened[-1]["pair"] == "fi-so"
    actions = desk.staff.setting_actions
    for key in ("export_enabled", "client_font_pt", "models_dir", "ui_language"):
        assert all(not a.isEnabled() and "(locked)" in a.text() for a in actions[key]), key
    assert all(a.isEnabled() for a in actions["theme"])
    controller.set_export_enabled(True)  # the menu entry is greyed; the call changes nothing
    assert not desk.staff.export_action.isEnabled() and not desk.staff.export_setting.isChecked()
    controller.step_font_size(1)
    assert settings.font_pt == 48


def run_main(monkeypatch, config: Path, *argv: str) -> int:
    from interpreter.cli import main

    monkeypatch.setenv("DESK_INTERPRETER_CONFIG", str(config))
    monkeypatch.setenv("INTERPRETER_MODELS_DIR", str(config.parent / "models"))
    return main(["--no-log-file", *argv])


def test_the_commands_use_the_citys_models_folder(tmp_path, monkeypatch):
    from interpreter.cli import _apply_central_models_dir

    monkeypatch.setenv("DESK_INTERPRETER_CONFIG", str(city_file(tmp_path, LOCKED)))
    environ: dict[str, str] = {}
    _apply_central_models_dir(environ)
    assert environ == {"INTERPRETER_MODELS_DIR": "/srv/desk-models"}
    environ = {"INTERPRETER_MODELS_DIR": str(tmp_path)}  # an administrator's choice wins
    _apply_central_models_dir(environ)
    assert environ == {"INTERPRETER_MODELS_DIR": str(tmp_path)}


def test_the_commands_refuse_a_pair_the_city_does_not_allow(tmp_path, monkeypatch, capsys):
    config = city_file(tmp_path, LOCKED)
    assert run_main(monkeypatch, config, "listen", "--pair", "fi-ru", "--replay", "x.wav") == 2
    error = capsys.readouterr().err
    assert "fi-ru is not allowed" in error and str(config) in error
    assert "fi-en, fi-sv, fi-so" in error
    assert run_main(monkeypatch, config, "translate", "--from", "ru", "--to", "fi", "x") == 2
    error = capsys.readouterr().err
    assert "ru-fi is not allowed" in error and str(config) in error
    # A phrase run tests what a desk would do, so the same list holds for it.
    assert run_main(monkeypatch, config, "phrases", "run", "fi-ru-customer-service") == 2
    error = capsys.readouterr().err
    assert "fi-ru is not allowed" in error and str(config) in error


def test_a_default_list_does_not_limit_the_commands(tmp_path, monkeypatch, capsys):
    config = city_file(tmp_path, '[defaults]\nallowed_pairs = ["fi-sv"]\n')
    status = run_main(monkeypatch, config, "listen", "--pair", "fi-ru", "--replay", "none.wav")
    error = capsys.readouterr().err
    assert status == 2 and "not allowed" not in error and "none.wav" in error


def test_a_locked_glossary_refuses_the_users_and_is_used_without_one(tmp_path, monkeypatch, capsys):
    config = city_file(tmp_path, LOCKED)
    mine = tmp_path / "mine.tsv"
    mine.write_text(GLOSSARY_TSV, encoding="utf-8")
    status = run_main(
        monkeypatch, config, "translate", "--from", "fi", "--to", "en", "--glossary", str(mine)
    )
    error = capsys.readouterr().err
    assert status == 2 and "glossary is locked" in error and str(config) in error
    # Without --glossary the city's file is the one loaded: a broken one is named.
    (config.parent / "city-glossary.tsv").write_text("no header here\n", encoding="utf-8")
    assert run_main(monkeypatch, config, "translate", "--from", "fi", "--to", "en", "x") == 2
    assert str(config.parent / "city-glossary.tsv") in capsys.readouterr().err


def test_a_default_glossary_gives_way_to_the_users(tmp_path, monkeypatch, capsys):
    config = city_file(tmp_path, DEFAULTS)
    (config.parent / "city-glossary.tsv").write_text("broken\n", encoding="utf-8")
    assert run_main(monkeypatch, config, "translate", "--from", "fi", "--to", "en", "x") == 2
    assert "city-glossary.tsv" in capsys.readouterr().err
    mine = tmp_path / "mine.tsv"
    mine.write_text("also broken\n", encoding="utf-8")
    argv = ("translate", "--from", "fi", "--to", "en", "--glossary", str(mine), "x")
    assert run_main(monkeypatch, config, *argv) == 2
    error = capsys.readouterr().err
    assert "mine.tsv" in error and "city-glossary" not in error
