"""The city's configuration file: defaults, locked desk settings, the server entry, and the
API key that never lands in the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from interpreter.central_config import (
    CONFIG_ENV,
    CentralConfigError,
    config_path,
    load_central_config,
)
from interpreter.server.config import ServerConfig
from ui.settings import DeskSettings

CITY_FILE = """
[defaults]
theme = "dark"
client_font_pt = 40
server_url = "https://desk-default.example"

[locked]
export_enabled = false
pair = "fi-sv"
ui_language = "fi"

[server]
url = "https://interpreter.city.example"
enabled = true
asr = true
mt = "libretranslate"
timeout_seconds = 4.5
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def desk(tmp_path: Path, central) -> DeskSettings:
    store = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    return DeskSettings(store, central)


def test_the_file_is_found_by_variable_or_in_the_site_folder(tmp_path):
    assert config_path({CONFIG_ENV: str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    site = config_path({})
    assert site.name == "config.toml" and "desk-interpreter" in str(site)


def test_no_file_changes_nothing(tmp_path):
    central = load_central_config(tmp_path / "missing.toml")
    settings = desk(tmp_path, central)
    assert settings.theme == "light" and not settings.server.active


def test_defaults_apply_until_the_desk_changes_them(tmp_path):
    settings = desk(tmp_path, load_central_config(write(tmp_path, CITY_FILE)))
    assert settings.theme == "dark" and settings.font_pt == 40
    settings.theme = "light"
    settings.font_pt = 20
    assert settings.theme == "light" and settings.font_pt == 20


def test_locked_values_cannot_be_changed(tmp_path):
    central = load_central_config(write(tmp_path, CITY_FILE))
    settings = desk(tmp_path, central)
    assert settings.pair == "fi-sv" and settings.ui_language == "fi"
    assert settings.export_enabled is False
    settings.pair = "fi-en"
    settings.export_enabled = True
    settings.ui_language = "en"
    settings.sync()
    assert settings.pair == "fi-sv" and settings.export_enabled is False
    assert settings.ui_language == "fi"
    assert settings.is_locked("pair") and not settings.is_locked("theme")
    # Nothing was written for the locked keys either.
    raw = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    assert not raw.contains("pair") and not raw.contains("export_enabled")


def test_the_server_entry_is_locked(tmp_path):
    settings = desk(tmp_path, load_central_config(write(tmp_path, CITY_FILE)))
    server = settings.server
    assert server.url == "https://interpreter.city.example"
    assert server.serves_asr and server.mt == "libretranslate" and server.timeout_seconds == 4.5
    settings.server = ServerConfig(url="http://elsewhere.example", enabled=False)
    assert settings.server.url == "https://interpreter.city.example"
    assert settings.server.enabled


def test_a_desk_sets_its_own_server_when_none_is_locked(tmp_path):
    settings = desk(tmp_path, load_central_config(write(tmp_path, "[defaults]\n")))
    assert not settings.server.active
    settings.server = ServerConfig(
        url="http://127.0.0.1:8000", enabled=True, mt="chat", mt_model="m"
    )
    settings.sync()
    again = desk(tmp_path, load_central_config(tmp_path / "config.toml"))
    assert again.server == ServerConfig(
        url="http://127.0.0.1:8000", enabled=True, mt="chat", mt_model="m"
    )


@pytest.mark.parametrize(
    "text, words",
    [
        ("[locked\n", "not valid TOML"),
        ("[extras]\na = 1\n", "unknown table"),
        ("[server]\nurl = 'ftp://x'\nenabled = true\n", "not an http"),
        ("[server]\nport = 1\n", "Unknown server key"),
        ("[server]\nurl='https://x'\nenabled=true\nmt='chat'\n", "needs mt_model"),
    ],
)
def test_a_bad_file_is_named_with_the_fix(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(CentralConfigError, match=words) as caught:
        load_central_config(path)
    assert str(path) in str(caught.value)


class MemoryKeyring:
    """An OS keyring stand-in holding keys in memory (the real ones need a desktop session)."""

    priority = 1

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], str] = {}

    def get_password(self, service, user):
        return self.keys.get((service, user))

    def set_password(self, service, user, password):
        self.keys[(service, user)] = password

    def delete_password(self, service, user):
        self.keys.pop((service, user), None)


def test_the_key_goes_to_the_keyring_never_to_the_settings(tmp_path, qtbot):
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    from interpreter.server.credentials import KEYRING_SERVICE, api_key
    from ui.settings_dialog import SettingsDialog

    class Backend(MemoryKeyring, KeyringBackend):
        pass

    backend = Backend()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        settings = desk(tmp_path, load_central_config(write(tmp_path, "[defaults]\n")))
        dialog = SettingsDialog(settings)
        qtbot.addWidget(dialog)
        dialog.enabled.setChecked(True)
        dialog.url.setText("http://127.0.0.1:8000")
        dialog.key.setText("city-secret-123")
        dialog.store_key.click()
        assert dialog.key.text() == ""  # the key does not stay in the dialog
        qtbot.waitUntil(lambda: "keyring" in dialog.status.text(), timeout=10000)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        settings.sync()
        assert backend.keys[(KEYRING_SERVICE, "http://127.0.0.1:8000")] == "city-secret-123"
        assert api_key("http://127.0.0.1:8000", "UNSET_VARIABLE", environ={}) == "city-secret-123"
        ini = (tmp_path / "desk.ini").read_text()
        assert "city-secret-123" not in ini and "http://127.0.0.1:8000" in ini
    finally:
        keyring.set_keyring(previous)


def test_the_dialog_shows_locked_fields_as_locked(tmp_path, qtbot):
    from ui.settings_dialog import SettingsDialog

    settings = desk(tmp_path, load_central_config(write(tmp_path, CITY_FILE)))
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert not dialog.url.isEnabled() and dialog.url.text() == "https://interpreter.city.example"
    assert "locked" in dialog.url.toolTip().lower()
    assert str(tmp_path / "config.toml") in dialog.locked_note.text()


def test_the_command_line_cannot_change_a_locked_server(tmp_path, monkeypatch, capsys):
    from interpreter.cli import main

    monkeypatch.setenv("DESK_INTERPRETER_CONFIG", str(write(tmp_path, CITY_FILE)))
    status = main(["listen", "--server", "http://127.0.0.1:1", "--replay", "missing.wav"])
    assert status == 2
    error = capsys.readouterr().err
    assert "server_url" in error and "locked" in error and str(tmp_path / "config.toml") in error
