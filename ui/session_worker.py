"""The core's side of the desk window: a QObject on its own QThread.

Everything slow or touching files and devices happens here: importing the core, loading
Whisper and the translation models (once, reused across device changes and clients),
opening microphones, listing devices, reading the welcome lines, writing transcripts.
Core events arrive on core threads and reach the UI thread through :class:`CoreBridge`'s
signals (queued connections). The UI thread only sends requests through signals.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

logger = logging.getLogger(__name__)

#: How long closing a session waits for its last events and translations.
CLOSE_TIMEOUT_SECONDS = 30.0


class CoreBridge(QObject):
    """Lives on the UI thread; core threads call :meth:`post_event` / :meth:`post_notice`.

    Every event carries the token of the session that produced it, so events of a
    session the UI has already left (previous client, old device) are recognised.
    """

    eventReceived = Signal(int, object)
    noticeReceived = Signal(str)
    serverStatus = Signal(str)  # where speech and text go; "" when nothing leaves the PC

    def post_event(self, token: int, event: object) -> None:
        self.eventReceived.emit(token, event)

    def post_notice(self, text: str) -> None:
        self.noticeReceived.emit(text)

    def post_server_status(self, text: str) -> None:
        self.serverStatus.emit(text)


@dataclass(frozen=True)
class SessionInfo:
    """What the status bar and the model dialog need to know about an opened session."""

    token: int
    pair: str
    source: str
    live: bool
    compute: str
    #: Translation directions without a model ("fi-en"): translation is off for them.
    missing: tuple[str, ...] = ()
    notices: tuple[str, ...] = field(default_factory=tuple)


class SessionWorker(QObject):
    """Opens and closes listening sessions; loads models once and keeps them."""

    progress = Signal(str)
    sessionReady = Signal(object, object)  # ListeningSession, SessionInfo
    sessionFailed = Signal(int, str, bool)  # token, message, models missing
    devicesListed = Signal(list, str)  # names, error ("" when none)
    welcomeLoaded = Signal(dict)
    exported = Signal(list, str)  # paths, error
    glossaryFailed = Signal(str, str)  # file, what is wrong with it
    replayEnded = Signal(int)  # token: the replayed file was recognised and translated

    def __init__(
        self,
        bridge: CoreBridge,
        base_options: dict[str, Any] | None = None,
        sounddevice: Any = None,
        playback_gate: Any = None,
    ) -> None:
        """``base_options``: ListenSettings fields every session starts from (a Whisper
        folder, translation model folders, a replay file ...); ``sounddevice``: the
        module (or a stand-in) microphones are opened with; ``playback_gate``: the speech
        output's gate, so a microphone never transcribes the app's own speech."""
        super().__init__()
        self._bridge = bridge
        self._base = dict(base_options or {})
        self._sd = sounddevice
        self._gate = playback_gate
        self._session: Any = None
        self._engine: Any = None
        self._engine_key: tuple | None = None
        self._translation: dict[tuple, dict] = {}
        self._glossary: Any = None
        self._glossary_key: tuple | None = None

    # -- sessions -------------------------------------------------------------------
    @Slot(int, dict)
    def open(self, token: int, overrides: dict) -> None:
        """Close the current session, then open one with ``overrides`` (pair, device, mode)."""
        self.close()
        try:
            session, info = self._build(token, overrides)
        except Exception as exc:  # every failure becomes a message, never a dead thread
            from models.whisper import ModelError

            missing = isinstance(exc, ModelError)
            logger.warning("could not open a session: %s", exc)
            self.sessionFailed.emit(token, str(exc).replace("\n", " "), missing)
            return
        self._session = session
        self.sessionReady.emit(session, info)
        if not session.source_is_live:
            self._watch_replay(token, session)

    def _build(self, token: int, overrides: dict) -> tuple[Any, SessionInfo]:
        self.progress.emit("core")
        from interpreter.audio.base import AudioError
        from interpreter.session import ListenSettings, build_listening_session

        settings = ListenSettings(**{**self._base, **overrides})
        notices: list[str] = []

        def on_notice(text: str) -> None:
            notices.append(text)
            self._bridge.post_notice(text)

        glossary = self._load_glossary(settings.glossary)
        settings = replace(settings, glossary=None)  # loaded (or reported) here, not again
        mt_key = (
            settings.pair,
            tuple(sorted(settings.mt_models.items())),
            settings.translate,
            settings.server,
            glossary.version if glossary is not None else None,
        )
        engines = self._translation.get(mt_key)
        engine_key = (settings.asr_model, settings.compute_device, settings.threads)
        if self._engine_key != engine_key:
            self.progress.emit("whisper")
            engines = self._load_models(settings, glossary, engines, on_notice)
            self._engine_key = engine_key
        source = None
        if settings.replay is None:  # after Whisper: a missing microphone still loads it
            from interpreter.audio.microphone import MicrophoneSource

            source = MicrophoneSource(settings.device or None, sounddevice=self._sd)
        self.progress.emit("translation")
        session = build_listening_session(
            settings,
            on_notice,
            lambda event, t=token: self._bridge.post_event(t, event),
            engine=self._engine,
            translation_engines=engines,
            source=source,
            playback_gate=self._gate if settings.replay is None else None,
            on_server_status=self._bridge.post_server_status,
            glossary=glossary,
        )
        if session.server is None:
            self._bridge.post_server_status("")
        loaded = dict(session.translator.engines) if session.translator is not None else {}
        staff, client = settings.pair.split("-")
        missing = tuple(
            f"{src}-{tgt}"
            for src, tgt in ((staff, client), (client, staff))
            if settings.translate and (src, tgt) not in loaded
        )
        # One pair's models in memory at a time; an incomplete pair is looked for again
        # next time (models may have been installed meanwhile).
        self._translation = {} if missing else {mt_key: loaded}
        self.progress.emit("starting")
        try:
            session.start()
        except AudioError:
            if session.translator is not None:
                session.translator.stop(1.0)
            raise
        backends = sorted({engine.backend_name for engine in loaded.values()})
        compute = f"Whisper {self._engine.device} {self._engine.compute_type}"
        if backends:
            compute += f" · MT {'+'.join(backends)}"
        info = SessionInfo(
            token=token,
            pair=settings.pair,
            source=session.source.description,
            live=session.source_is_live,
            compute=compute,
            missing=missing,
            notices=tuple(notices),
        )
        return session, info

    def _load_models(self, settings, glossary, engines, on_notice) -> Any:
        """Load Whisper, with the translation models beside it when they are not loaded
        yet; the translation engines to use (None: the session loads them)."""
        from interpreter.asr.language import LanguagePair
        from interpreter.memory import release_free_memory
        from interpreter.session import check_client_language, load_models

        pair = None
        if engines is None and settings.translate:
            pair = LanguagePair.parse(settings.pair)
            check_client_language(pair)  # refused before anything loads, as the session would
        loaded, self._engine = load_models(settings, pair, glossary, on_notice)
        release_free_memory()  # the loads' read buffers, freed: given back (see the session)
        return engines if loaded is None else loaded

    def _load_glossary(self, path: Path | None) -> Any:
        """The glossary file (reused while it is unchanged), or None. A missing or broken
        file is reported and the session runs without it."""
        from interpreter.translate.glossary import Glossary, GlossaryError

        if path is None:
            self._glossary = self._glossary_key = None
            return None
        try:
            stat = path.stat()
            key = (str(path), stat.st_mtime_ns, stat.st_size)
            if key != self._glossary_key:
                self._glossary, self._glossary_key = Glossary.load(path), key
        except (OSError, GlossaryError) as exc:
            problems = getattr(exc, "problems", None) or [getattr(exc, "strerror", None) or exc]
            logger.warning("glossary %s not used: %s", path, problems[0])
            self.glossaryFailed.emit(str(path), str(problems[0]))
            self._glossary = self._glossary_key = None
            return None
        logger.info("glossary %s: %d entries", path, len(self._glossary.entries))
        return self._glossary

    def _watch_replay(self, token: int, session: Any) -> None:
        """Say when a replayed file has been recognised to its end and its last
        translations are shown (waits on the session's threads, not the worker's)."""

        def watch() -> None:
            session.pipeline.wait()
            if session.translator is not None:
                session.translator.wait_idle(CLOSE_TIMEOUT_SECONDS)
            if self._session is session:  # not closed meanwhile
                self.replayEnded.emit(token)

        threading.Thread(target=watch, name="desk-replay-watch", daemon=True).start()

    @Slot()
    def close(self) -> None:
        """Stop listening and wait for the session's last events (they are discarded by
        the UI when it has moved on)."""
        session, self._session = self._session, None
        if session is None:
            return
        session.pipeline.stop()
        session.wait_and_close(CLOSE_TIMEOUT_SECONDS)
        del session
        from interpreter.memory import release_free_memory

        release_free_memory()  # what the conversation used goes back to the system

    @Slot()
    def forget(self) -> None:
        """Next client: drop cached translations of the previous conversation."""
        for engines in self._translation.values():
            for engine in engines.values():
                engine.cache.clear()

    @Slot()
    def unload_translation(self) -> None:
        """Models were installed: load translation again on the next open."""
        self._translation.clear()

    # -- small jobs -------------------------------------------------------------------
    @Slot()
    def list_devices(self) -> None:
        from interpreter.audio.base import AudioError
        from interpreter.audio.devices import list_input_devices, load_sounddevice, refresh_devices

        try:
            sd = self._sd if self._sd is not None else load_sounddevice()
            if self._sd is None and self._session is None:
                # PortAudio only sees devices plugged in since it started; refreshing
                # would break an open stream, so only while not listening.
                refresh_devices(sd)
            names = [device.name for device in list_input_devices(sd)]
        except AudioError as exc:
            self.devicesListed.emit([], str(exc))
            return
        self.devicesListed.emit(names, "")

    @Slot()
    def load_welcome(self) -> None:
        from ui.languages import load_welcome_lines

        self.welcomeLoaded.emit(load_welcome_lines())

    @Slot(list, str, str)
    def export(self, utterances: list, folder: str, pair: str) -> None:
        from ui.export import ExportError, write_transcript

        try:
            paths = write_transcript(utterances, Path(folder), pair)
        except ExportError as exc:
            self.exported.emit([], str(exc))
            return
        self.exported.emit([str(path) for path in paths], "")
