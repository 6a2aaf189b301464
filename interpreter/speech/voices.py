"""Which engine speaks a language here: a neural voice when one is installed, else
Festival (Finnish), else espeak-ng; none for a language that has no voice (Somali).

:class:`VoiceLibrary` loads each language's engine once, on the thread that asks first
(the synthesis thread, never the UI thread), and keeps it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from pathlib import Path

from interpreter.speech.engines import EspeakEngine, FestivalEngine, SpeechEngine, SpeechError

logger = logging.getLogger(__name__)

#: ``auto`` takes the best engine a language has; the others insist on one engine.
ENGINE_CHOICES = ("auto", "neural", "festival", "espeak")


class VoiceLibrary:
    """One engine per language, loaded on first use.

    ``voice_folders`` are neural voice folders by language that take precedence over the
    models folder (``say --voice FOLDER``); ``store`` and ``catalog`` are the models folder
    and catalog (loaded when not given).
    """

    def __init__(
        self,
        preference: str = "auto",
        *,
        voice_folders: Mapping[str, Path] | None = None,
        store=None,
        catalog=None,
        threads: int = 0,
    ) -> None:
        if preference not in ENGINE_CHOICES:
            raise SpeechError(
                f"Unknown speech engine {preference!r}; use {', '.join(ENGINE_CHOICES)}."
            )
        self.preference = preference
        self.voice_folders = dict(voice_folders or {})
        self._store, self._catalog = store, catalog
        self.threads = threads
        self._engines: dict[str, SpeechEngine] = {}
        self._lock = threading.Lock()
        #: Why a better engine was not used, by language (shown to the staff).
        self.notices: dict[str, str] = {}

    def _context(self):
        if self._store is None:
            from models.store import ModelStore

            self._store = ModelStore()
        if self._catalog is None:
            from models.catalog import ModelCatalog

            self._catalog = ModelCatalog.load()
        return self._store, self._catalog

    def status(self, lang: str):
        """:class:`models.voices.VoiceStatus` of ``lang`` (what could speak it)."""
        from models.voices import voice_status

        store, catalog = self._context()
        status = voice_status(lang, store, catalog.voices, catalog.speech)
        folder = self.voice_folders.get(lang)
        if folder is not None:
            from dataclasses import replace

            status = replace(status, neural_folder=Path(folder), neural_source="given folder")
        return status

    def available(self, lang: str) -> bool:
        """Whether any engine can speak ``lang`` with the current preference."""
        status = self.status(lang)
        if self.preference == "auto":
            return status.available
        return bool(
            {"neural": status.neural_folder, "festival": status.festival, "espeak": status.espeak}[
                self.preference
            ]
        )

    def engine(self, lang: str) -> SpeechEngine:
        """The engine for ``lang``, loaded once; :class:`SpeechError` when there is none."""
        with self._lock:
            engine = self._engines.get(lang)
            if engine is None:
                engine = self._engines[lang] = self._load(lang)
            return engine

    def _load(self, lang: str) -> SpeechEngine:
        status = self.status(lang)
        candidates = (
            ["neural", "festival", "espeak"] if self.preference == "auto" else [self.preference]
        )
        problems: list[str] = []
        for kind in candidates:
            try:
                engine = self._make(kind, lang, status)
            except SpeechError as exc:
                problems.append(str(exc))
                continue
            if engine is not None:
                if problems:
                    self.notices[lang] = problems[0]
                    logger.warning("speech for %s uses %s: %s", lang, engine.name, problems[0])
                logger.info("speech for %s: %s", lang, engine.name)
                return engine
        reason = f" ({problems[0]})" if problems else ""
        raise SpeechError(
            f"No voice speaks language {lang!r} on this machine{reason}: speech output is "
            f"unavailable for it. See interpreter models list --pair fi-{lang}."
        )

    def _make(self, kind: str, lang: str, status) -> SpeechEngine | None:
        if kind == "neural":
            if status.neural_folder is None:
                if self.preference == "neural":
                    raise SpeechError(
                        f"No neural voice for {lang!r} is installed"
                        + (
                            f": interpreter models install {status.neural.id}"
                            if status.neural
                            else " and the catalog has none."
                        )
                    )
                return None
            from interpreter.speech.piper import PiperEngine

            licence = ""
            if status.neural is not None and status.neural_source != "given folder":
                licence = f"voice: {status.neural.licence}; onnxruntime: MIT"
            return PiperEngine(status.neural_folder, lang, self.threads, licence)
        if kind == "festival":
            if status.festival is None:
                if self.preference == "festival":
                    raise SpeechError(
                        f"Festival has no voice for {lang!r} here (Finnish: apt-get install "
                        "festival festvox-suopuhe-lj)."
                    )
                return None
            return FestivalEngine(lang, status.festival)
        if status.espeak is None:
            raise SpeechError(
                f"espeak-ng has no voice for {lang!r}"
                + ("" if lang == "so" else " here (apt-get install espeak-ng)")
            )
        return EspeakEngine(lang, status.espeak)
