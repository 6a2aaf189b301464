"""The interface language: Finnish, Swedish or English (the source), with Qt's QTranslator.

Catalogues are ``ui/i18n/desk_<code>.ts`` (edited with Qt Linguist) compiled to ``.qm``
with ``pyside6-lrelease``; see docs/ui.md.
"""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

logger = logging.getLogger(__name__)

TRANSLATED = ("fi", "sv")


def resolve_language(setting: str) -> str:
    """``auto`` follows the system locale when it is Finnish or Swedish, else English."""
    if setting in ("fi", "sv", "en"):
        return setting
    system = QLocale.system().name().split("_")[0]
    return system if system in TRANSLATED else "en"


def install_translator(
    app: QCoreApplication, setting: str, catalogue: str = "desk"
) -> QTranslator | None:
    """Load and install ``ui/i18n/<catalogue>_<code>.qm`` for the language ``setting``;
    None for English or when missing.

    Reads one small file before any window exists (the strings must be there first).
    """
    code = resolve_language(setting)
    if code not in TRANSLATED:
        return None
    path = resources.files("ui") / "i18n" / f"{catalogue}_{code}.qm"
    translator = QTranslator(app)
    if not translator.load(str(path)):
        logger.warning("interface catalogue %s could not be loaded; using English", path)
        return None
    app.installTranslator(translator)
    return translator
