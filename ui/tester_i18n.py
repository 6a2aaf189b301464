"""The Tester tab's own catalogue (``ui/i18n/tester_<code>.qm``), in the desk's UI language.

The tab's strings are kept apart from the desk's catalogue so that either can be updated
with ``pyside6-lupdate`` without the other; the language is the desk's own setting
(:func:`ui.i18n.resolve_language`). Installed once per application, before the tab builds
its widgets; reading the small catalogue is the only file access.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

from ui.i18n import install_translator
from ui.settings import DeskSettings

_INSTALLED = "testerTranslationInstalled"  # application property: installed once


def install_tester_translation(store: QSettings | None = None) -> QTranslator | None:
    """Install the tab's catalogue for the desk's UI language; None for English."""
    app = QCoreApplication.instance()
    if app is None or app.property(_INSTALLED):
        return None
    app.setProperty(_INSTALLED, True)
    return install_translator(app, DeskSettings(store).ui_language, "tester")
