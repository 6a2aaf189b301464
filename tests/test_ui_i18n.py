"""The interface catalogues: Finnish and Swedish cover every string, the .qm files are
current, and the app loads them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from ui.i18n import install_translator, resolve_language

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "ui" / "i18n"
BIN = Path(sys.executable).parent
SOURCES = [
    ROOT / "ui" / name
    for name in (
        "bubble.py",
        "client_window.py",
        "controller.py",
        "controls.py",
        "staff_window.py",
        "model_dialog.py",
        "speech_controls.py",
        "speech_controller.py",
        "settings_dialog.py",
        "conversation_view.py",
    )
]


def messages(ts: Path) -> dict[str, str]:
    """source -> translation; unfinished entries count as untranslated."""
    result = {}
    for message in ET.parse(ts).iter("message"):
        translation = message.find("translation")
        done = translation.get("type") not in ("unfinished", "obsolete", "vanished")
        result[message.find("source").text] = (translation.text or "") if done else ""
    return result


def tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (it comes with PySide6-Essentials)")
    return path


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_catalogue_covers_every_string_in_the_sources(tmp_path: Path, code: str):
    committed = I18N / f"desk_{code}.ts"
    assert all(messages(committed).values()), "untranslated entries in " + committed.name
    # lupdate on a copy: every string in the code must already be in the catalogue.
    copy = tmp_path / committed.name
    shutil.copy(committed, copy)
    subprocess.run(
        [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *SOURCES, "-ts", copy],
        check=True,
        capture_output=True,
    )
    fresh = messages(copy)
    missing = sorted(source for source, text in fresh.items() if not text)
    assert not missing, f"run scripts/ui_translations.sh and translate: {missing}"
    assert set(fresh) == set(messages(committed)), "stale entries: run scripts/ui_translations.sh"


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_compiled_catalogue_is_current(tmp_path: Path, code: str):
    out = tmp_path / f"desk_{code}.qm"
    subprocess.run(
        [tool("pyside6-lrelease"), I18N / f"desk_{code}.ts", "-qm", out],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (I18N / f"desk_{code}.qm").read_bytes()


def test_the_app_loads_the_chosen_language(qapp):
    translator = install_translator(qapp, "sv")
    try:
        assert QCoreApplication.translate("StaffWindow", "Next client") == "Nästa kund"
    finally:
        qapp.removeTranslator(translator)
    translator = install_translator(qapp, "fi")
    try:
        assert QCoreApplication.translate("StaffWindow", "Next client") == "Seuraava asiakas"
    finally:
        qapp.removeTranslator(translator)
    assert install_translator(qapp, "en") is None
    assert resolve_language("sv") == "sv" and resolve_language("auto") in ("fi", "sv", "en")
