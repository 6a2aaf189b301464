"""The Tester tab's own catalogue (``ui/i18n/tester_<code>.qm``), in the desk's UI language.

The tab's strings are kept apart from the desk's catalogue so that either can be updated
with ``pyside6-lupdate`` without the other; the language is the desk's own setting
(:func:`ui.i18n.resolve_language`). Installed once per application, before the tab builds
its widgets; reading the small catalogue is the only file access.
"""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

from ui.i18n import TRANSLATED, resolve_language
from ui.settings import DeskSettings

logger = logging.getLogger(__name__)

CATALOGUE = "tester_{code}.qm"
_INSTALLED = "testerTranslationInstalled"  # application property: installed once


def install_tester_translation(store: QSettings | None = None) -> QTranslator | None:
    """Install the tab's catalogue for the desk's UI language; None for English."""
    app = QCoreApplication.instance()
    if app is None or app.property(_INSTALLED):
        return None
    app.setProperty(_INSTALLED, True)
    code = resolve_language(DeskSettings(store).ui_language)
    if code not in TRANSLATED:
        return None
    path = resources.files("ui") / "i18n" / CATALOGUE.format(code=code)
    translator = QTranslator(app)
    if not translator.load(str(path)):
        logger.warning("tester catalogue %s could not be loaded; using English", path)
        return None
    app.installTranslator(translator)
    return translator
