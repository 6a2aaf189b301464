"""The languages a desk offers, by their own names, and the client window's welcome lines.

Qt-free: the windows and the tests share it. Welcome lines live in ``ui/welcome/<code>.txt``
(one file per language, so a translator edits one small file); they are read off the UI
thread by the session worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources

logger = logging.getLogger(__name__)

STAFF_LANGUAGE = "fi"


@dataclass(frozen=True)
class Language:
    """One language: its code, its own name (endonym) and its English name (for search)."""

    code: str
    native: str
    english: str

    @property
    def rtl(self) -> bool:
        return self.code in RTL_LANGUAGES

    def label(self) -> str:
        """What the language list shows: the language's own name, then the code."""
        return f"{self.native} ({self.code})"


#: Every language the desk offers, Finnish first, then the client languages.
LANGUAGES: tuple[Language, ...] = (
    Language("fi", "suomi", "Finnish"),
    Language("sv", "svenska", "Swedish"),
    Language("en", "English", "English"),
    Language("ru", "русский", "Russian"),
    Language("et", "eesti", "Estonian"),
    Language("uk", "українська", "Ukrainian"),
    Language("ar", "العربية", "Arabic"),
    Language("so", "Soomaali", "Somali"),
    Language("fa", "فارسی", "Persian"),
    Language("zh", "中文", "Chinese"),
    Language("tr", "Türkçe", "Turkish"),
    Language("vi", "Tiếng Việt", "Vietnamese"),
    Language("sq", "shqip", "Albanian"),
    Language("es", "español", "Spanish"),
)
RTL_LANGUAGES = frozenset({"ar", "fa"})
_BY_CODE = {language.code: language for language in LANGUAGES}


def client_languages() -> list[Language]:
    """The languages a client can have (all but Finnish)."""
    return [language for language in LANGUAGES if language.code != STAFF_LANGUAGE]


def language(code: str) -> Language:
    """The language for ``code``; unknown codes get a plain entry so nothing breaks."""
    return _BY_CODE.get(code, Language(code, code, code))


def client_of(pair: str) -> str:
    """The client's language of a pair such as ``fi-en`` (``en``)."""
    parts = pair.lower().split("-")
    others = [part for part in parts if part != STAFF_LANGUAGE]
    return others[0] if others else STAFF_LANGUAGE


def pair_for(client: str) -> str:
    return f"{STAFF_LANGUAGE}-{client}"


def load_welcome_lines() -> dict[str, str]:
    """The welcome line of every language that has a resource file (file I/O: not on the
    UI thread)."""
    lines: dict[str, str] = {}
    folder = resources.files("ui") / "welcome"
    for entry in LANGUAGES:
        resource = folder / f"{entry.code}.txt"
        try:
            text = resource.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, OSError) as exc:
            logger.warning("no welcome line for %s: %s", entry.code, exc)
            continue
        if text:
            lines[entry.code] = text
    return lines
