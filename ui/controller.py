"""Connects the two windows to the core: staff choices become commands, core events
become bubbles.

The core runs on its own threads (the session worker's QThread, the pipeline and
translation threads). This object lives on the UI thread: it receives events through
queued signals and sends requests through signals, so the UI never waits for the core.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QDialog

from interpreter.events import STAFF, ErrorEvent, Event, RevisedText, UtteranceEnded
from ui.client_window import ClientWindow
from ui.conversation import Conversation, Utterance
from ui.desk_choices import DeskChoices, DialogFactory, default_dialog_factory
from ui.languages import STAFF_LANGUAGE, client_of, pair_for
from ui.screens import ScreenPlacer
from ui.session_worker import CoreBridge, SessionInfo, SessionWorker
from ui.settings import DeskSettings
from ui.speech_controller import SpeechController
from ui.staff_window import StaffWindow

logger = logging.getLogger(__name__)

#: Typed utterances get ids far above the recognizer's, so the two never collide.
TYPED_ID_BASE = 1_000_000_000
LEVEL_INTERVAL_MS = 50


class DeskController(DeskChoices, QObject):
    """Owns the conversation, the session worker and its thread (the staff's choices that
    need no session are :class:`~ui.desk_choices.DeskChoices`)."""

    # Requests to the worker (queued: the worker lives on its own thread).
    _open = Signal(int, dict)
    _close = Signal()
    _listDevices = Signal()
    _loadWelcome = Signal()
    _forget = Signal()
    _unloadTranslation = Signal()
    _export = Signal(list, str, str)
    # What happened, for the windows' owner and tests.
    sessionOpened = Signal(object)  # SessionInfo
    sessionFailed = Signal(str)
    utteranceShown = Signal(object)  # Utterance
    conversationCleared = Signal()
    audioFailed = Signal(str)
    modelDialogOpened = Signal(object)  # the dialog
    exportFinished = Signal(list, str)  # paths, error
    replayFinished = Signal()  # a replayed file has been recognised and translated

    def __init__(
        self,
        staff: StaffWindow,
        client: ClientWindow,
        settings: DeskSettings,
        base_options: dict[str, Any] | None = None,
        sounddevice: Any = None,
        dialog_factory: DialogFactory | None = None,
        speech_voices: Any = None,
        speech_sounddevice: Any = None,
    ) -> None:
        """``speech_voices`` and ``speech_sounddevice``: what speaks and plays the
        translations (the voice library and PortAudio by default)."""
        super().__init__(staff)
        self.staff, self.client, self.settings = staff, client, settings
        self.dialog_factory = dialog_factory or default_dialog_factory
        self.conversation = Conversation()
        self.bridge = CoreBridge(self)
        self.speech = SpeechController(
            staff.speech,
            settings,
            self.conversation,
            voices=speech_voices,
            sounddevice=speech_sounddevice,
            show_message=lambda text: staff.statusBar().showMessage(text, 8000),
            parent=self,
        )
        self.thread = QThread(self)
        self.thread.setObjectName("desk-core")
        self.worker = SessionWorker(self.bridge, base_options, sounddevice, self.speech.gate)
        self.worker.moveToThread(self.thread)
        self.placer = ScreenPlacer(staff, client, settings.attention_view)
        self.session: Any = None
        self.info: SessionInfo | None = None
        self.model_dialog: QDialog | None = None
        self.pair = settings.pair
        self.device = settings.device
        self.mode = settings.mode
        self.push_side = STAFF
        self._token = 0
        self._next_typed = TYPED_ID_BASE
        self._level = QTimer(self)
        self._level.setInterval(LEVEL_INTERVAL_MS)
        self._level.timeout.connect(self._show_level)
        self._connect()

    def _connect(self) -> None:
        w, s = self.worker, self.staff
        self._open.connect(w.open)
        self._close.connect(w.close)
        self._listDevices.connect(w.list_devices)
        self._loadWelcome.connect(w.load_welcome)
        self._forget.connect(w.forget)
        self._unloadTranslation.connect(w.unload_translation)
        self._export.connect(w.export)
        w.progress.connect(self._on_progress)
        w.sessionReady.connect(self._on_session_ready)
        w.sessionFailed.connect(self._on_session_failed)
        w.devicesListed.connect(self._on_devices)
        w.welcomeLoaded.connect(self.client.set_welcome_lines)
        w.exported.connect(self._on_exported)
        w.glossaryFailed.connect(self._on_glossary_failed)
        w.replayEnded.connect(self._on_replay_ended)
        self.bridge.eventReceived.connect(self._on_event)
        self.bridge.eventReceived.connect(self._speak)
        self.client.replayRequested.connect(self.speech.replay_for_client)
        s.conversation.speakAgainRequested.connect(self.speech.replay_utterance)
        self.bridge.noticeReceived.connect(lambda text: s.statusBar().showMessage(text, 8000))
        s.languageChosen.connect(self.set_client_language)
        s.deviceChosen.connect(self.set_device)
        s.microphone.refreshRequested.connect(self._listDevices)
        s.modeChosen.connect(self.set_mode)
        s.pushToTalk.connect(self.push_to_talk)
        s.typedText.connect(self.add_typed)
        s.nextClientConfirmed.connect(self.next_client)
        s.exportRequested.connect(self.export_transcript)
        s.fontSizeStep.connect(self.step_font_size)
        s.themeChosen.connect(self.set_theme)
        s.uiLanguageChosen.connect(self.set_ui_language)
        s.modelsFolderChosen.connect(self.set_models_folder)
        s.exportEnabledChanged.connect(self.set_export_enabled)
        s.attentionToggled.connect(self.toggle_attention)
        s.modelsRequested.connect(self.open_model_dialog)
        s.settingsRequested.connect(self.open_settings)
        self.bridge.serverStatus.connect(s.set_server_state)
        self.client.attentionToggleRequested.connect(self.toggle_attention)

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Show the saved choices, then load everything in the background."""
        self._show_allowed_pairs()
        locked = {key for key in self.staff.setting_actions if self.settings.is_locked(key)}
        self.staff.set_locked(locked, str(self.settings.central.path))
        client = client_of(self.pair)
        self.staff.set_client_language(client)
        self.client.set_language(client)
        self.client.set_font_size(self.settings.font_pt)
        self.staff.set_theme(self.settings.theme)
        self.staff.set_export_enabled(self.settings.export_enabled)
        self.staff.speakers.set_mode(self.mode)
        if self.mode == "push":
            self.staff.speakers.show_active(self.push_side)
        self.speech.set_pair(self.pair)
        self.thread.start()
        self._loadWelcome.emit()
        self._listDevices.emit()
        self.open_session()

    def shutdown(self) -> None:
        """Stop listening and the worker thread (waits for a model load in progress)."""
        self._level.stop()
        self.speech.shutdown()
        if self.model_dialog is not None and hasattr(self.model_dialog, "shutdown"):
            self.model_dialog.shutdown()  # quitting with it open must not leave its thread
        if self.thread.isRunning():
            QMetaObject.invokeMethod(
                self.worker, "close", Qt.ConnectionType.BlockingQueuedConnection
            )
            self.thread.quit()
            self.thread.wait()

    def open_session(self) -> None:
        """(Re)open listening with the current pair, device and mode; models are reused."""
        self._token += 1
        self.session = None
        self._level.stop()
        self.staff.microphone.set_level(-120.0)
        self.staff.set_model_state(self.tr("Loading…"), busy=True)
        core_mode = "auto" if self.mode == "auto" else self.push_side
        overrides = {"pair": self.pair, "device": self.device, "mode": core_mode}
        overrides["glossary"] = Path(self.settings.glossary) if self.settings.glossary else None
        self._open.emit(self._token, {**overrides, "server": self._server_entry()})

    def _server_entry(self):
        """The server entry when one is on; a broken entry is shown and not used."""
        from interpreter.server.config import ServerConfigError

        try:
            entry = self.settings.server.validate()
        except ServerConfigError as exc:
            self.staff.statusBar().showMessage(str(exc), 10000)
            return None
        return entry if entry.active else None

    def _on_glossary_failed(self, path: str, problem: str) -> None:
        self.staff.statusBar().showMessage(
            self.tr("Glossary %1 is not used: %2. Fix the file or choose another in Settings.")
            .replace("%1", path)
            .replace("%2", problem),
            15000,
        )

    def _on_replay_ended(self, token: int) -> None:
        if token == self._token:
            self.staff.statusBar().showMessage(self.tr("The replayed file has ended."), 8000)
            self.replayFinished.emit()

    def _on_progress(self, stage: str) -> None:
        texts = {
            "core": self.tr("Starting the interpreter…"),
            "whisper": self.tr("Loading speech recognition…"),
            "translation": self.tr("Loading translation…"),
            "starting": self.tr("Opening the microphone…"),
        }
        self.staff.set_model_state(texts.get(stage, stage), busy=True)

    def _on_session_ready(self, session: Any, info: SessionInfo) -> None:
        if info.token != self._token:
            return  # superseded; the worker closes it before opening the next
        self.session, self.info = session, info
        self.staff.show_error("")
        self.staff.set_compute(info.compute)
        self.staff.set_model_state(self.tr("Listening: %1").replace("%1", info.source))
        self._level.start()
        if info.missing:
            self.staff.show_error(
                self.tr(
                    "Translation is off for %1: no model is installed. Recognition works."
                ).replace("%1", ", ".join(info.missing))
            )
            self.open_model_dialog()
        self.sessionOpened.emit(info)

    def _on_session_failed(self, token: int, message: str, models_missing: bool) -> None:
        if token != self._token:
            return
        self.staff.set_model_state(self.tr("Not listening"))
        self.staff.show_error(message)
        self._listDevices.emit()
        self.sessionFailed.emit(message)
        if models_missing:
            self.open_model_dialog()

    # -- events from the core ---------------------------------------------------------
    def _speak(self, token: int, event: Event) -> None:
        if token == self._token:  # never a previous client's or device's session
            self.speech.submit(event)

    def _on_event(self, token: int, event: Event) -> None:
        if token != self._token:
            return  # a previous client's or device's session: never shown
        if isinstance(event, ErrorEvent) and event.fatal:
            self._audio_failed(event.text)
            return
        utt = self.conversation.apply(event)
        if utt is None:
            if isinstance(event, ErrorEvent):
                self.staff.statusBar().showMessage(event.text, 8000)
            return
        # An ended utterance (or one recognised again in another language after it ended)
        # whose language this session cannot translate from is marked, not left waiting.
        ended = isinstance(event, UtteranceEnded) or (isinstance(event, RevisedText) and utt.ended)
        if ended and not self._translates(utt.lang):
            utt.flags = tuple(dict.fromkeys((*utt.flags, "untranslated")))
        self._show(utt)
        if self.mode == "auto" and utt.side and not utt.typed:
            self.staff.speakers.show_active(utt.side)

    def _show(self, utt: Utterance) -> None:
        self.staff.show_utterance(utt)
        self.client.show_utterance(utt)
        if utt.latency is not None and not utt.typed:
            self.staff.set_latency(utt.latency)
        self.utteranceShown.emit(utt)

    def _audio_failed(self, message: str) -> None:
        """The microphone died: say so, keep the conversation, offer the device list."""
        self.session = None
        self._level.stop()
        self.staff.set_model_state(self.tr("Not listening"))
        self.staff.show_error(
            self.tr(
                "Microphone problem: %1. The conversation is kept; choose a microphone to go on."
            ).replace("%1", message.rstrip("."))
        )
        self._close.emit()
        self._listDevices.emit()
        self.audioFailed.emit(message)

    def _on_devices(self, names: list, error: str) -> None:
        self.staff.microphone.set_devices(list(names), self.device)
        if error:
            self.staff.statusBar().showMessage(error, 8000)

    def _show_level(self) -> None:
        if self.session is not None:
            self.staff.microphone.set_level(self.session.source.level_dbfs)

    # -- staff commands ---------------------------------------------------------------
    def set_client_language(self, code: str) -> None:
        pair = pair_for(code)
        allowed = self.settings.allowed_pairs
        if pair == self.pair or (allowed and pair not in allowed):
            return
        self.pair = self.settings.pair = pair
        self.staff.set_client_language(code)
        self.client.set_language(code)
        self.speech.set_pair(pair)
        self.open_session()

    def set_device(self, name: str) -> None:
        self.device = self.settings.device = name
        self.staff.show_error("")
        self.open_session()

    def set_mode(self, mode: str) -> None:
        self.mode = self.settings.mode = mode
        self.staff.speakers.set_mode(mode)
        if self.session is not None:
            self.session.pipeline.set_mode("auto" if mode == "auto" else self.push_side)
            self.session.pipeline.set_held_side(None)
        if mode == "push":
            self.staff.speakers.show_active(self.push_side)

    def push_to_talk(self, side: str, held: bool) -> None:
        """Holding a side's button (or F1/F2) makes that side the speaker; the side stays
        active after release so the end of the sentence is not cut off."""
        if held and self.mode != "push":
            self.set_mode("push")
        if held:
            self.push_side = side
            self.staff.speakers.show_active(side)
            self.speech.stop()  # someone is about to talk: the app stops speaking
        if self.session is not None:
            if held:
                self.session.pipeline.set_mode(side)
            self.session.pipeline.set_held_side(side if held else None)

    def add_typed(self, side: str, text: str) -> Utterance:
        """Typed text joins the conversation like speech and is translated the same way."""
        lang = STAFF_LANGUAGE if side == STAFF else client_of(self.pair)
        self._next_typed += 1
        session = self.session
        at = session.pipeline.clock() if session is not None else 0.0
        utt = self.conversation.add_typed(self._next_typed, side, lang, text, at)
        if self._translates(lang):
            session.translator.submit(
                UtteranceEnded(self._next_typed, side, lang, text, at, at, at, at, 1.0)
            )
        else:
            utt.flags = ("untranslated",)
        self._show(utt)
        return utt

    def _translates(self, lang: str | None) -> bool:
        """Whether the current session has a model translating from ``lang``."""
        translator = self.session.translator if self.session is not None else None
        target = client_of(self.pair) if lang == STAFF_LANGUAGE else STAFF_LANGUAGE
        return translator is not None and (lang, target) in translator.engines

    def next_client(self) -> None:
        """Wipe the conversation everywhere and start listening afresh."""
        self.conversation.clear()
        self.staff.clear_conversation()
        self.client.clear()
        self.speech.forget()
        self._forget.emit()
        self.open_session()  # a new session: the old one's late events are ignored
        self.conversationCleared.emit()

    def _on_exported(self, paths: list, error: str) -> None:
        message = error or self.tr("Transcript saved: %1").replace("%1", ", ".join(paths))
        self.staff.statusBar().showMessage(message, 10000)
        self.exportFinished.emit(paths, error)

    def set_ui_language(self, code: str) -> None:
        self.settings.ui_language = code
        self.staff.statusBar().showMessage(
            self.tr("The interface language changes when the app starts again."), 8000
        )

    def set_models_folder(self, folder: str) -> None:
        if self.settings.is_locked("models_dir"):
            return  # the menu entry is greyed out; the city's folder stays
        self.settings.models_dir = folder
        self.staff.statusBar().showMessage(
            self.tr("Models are kept in {folder} from the next start.").format(folder=folder),
            8000,
        )
