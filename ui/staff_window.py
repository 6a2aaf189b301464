"""The staff window: language pair, microphone, who speaks, the conversation, typed input.

It only shows state and emits what the staff asked for; :class:`ui.controller.DeskController`
talks to the core. Keyboard shortcuts are listed in :data:`SHORTCUTS` (and in docs/ui.md).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from interpreter.events import CLIENT, STAFF
from ui.bubble import STAFF_VIEW
from ui.controls import LanguagePicker, MicrophonePicker, SpeakerControls
from ui.conversation import Utterance
from ui.conversation_view import ConversationView
from ui.speech_controls import SpeechControls

#: Key -> what it does; shown in Help and documented in docs/ui.md.
SHORTCUTS = (
    ("F1 (hold)", QT_TRANSLATE_NOOP("StaffWindow", "staff speaks (push to talk)")),
    ("F2 (hold)", QT_TRANSLATE_NOOP("StaffWindow", "client speaks (push to talk)")),
    ("F3", QT_TRANSLATE_NOOP("StaffWindow", "automatic: identify the language within the pair")),
    ("Ctrl+L", QT_TRANSLATE_NOOP("StaffWindow", "search the client's language")),
    (
        "Enter / Ctrl+Enter",
        QT_TRANSLATE_NOOP("StaffWindow", "send typed text as staff / as client"),
    ),
    ("Ctrl+N", QT_TRANSLATE_NOOP("StaffWindow", "next client (asks first)")),
    (
        "Ctrl+E",
        QT_TRANSLATE_NOOP("StaffWindow", "export the transcript (when enabled in Settings)"),
    ),
    ("Ctrl++ / Ctrl+-", QT_TRANSLATE_NOOP("StaffWindow", "larger / smaller client text")),
    ("F11", QT_TRANSLATE_NOOP("StaffWindow", "client window: attention view on one screen")),
    ("Ctrl+R", QT_TRANSLATE_NOOP("StaffWindow", "speak the latest translation again")),
)
PUSH_KEYS = {Qt.Key.Key_F1: STAFF, Qt.Key.Key_F2: CLIENT}
LIGHT_STYLE = """
QPushButton[active="true"] { background: #2e7d32; color: white; font-weight: bold; }
QFrame#bubble { border-radius: 10px; border: 1px solid #c0c0c0; background: #ffffff; }
QFrame#bubble[side="client"] { background: #eef5ff; }
QFrame#bubble[flagged="true"] { border: 2px solid #d08000; }
QLabel#secondary { color: #404040; }
QLabel#marker { color: #a05a00; }
QLabel#errorBanner { background: #fdecea; color: #8b1a10; padding: 6px; }
QWidget#conversation { background: #f4f4f4; }
QProgressBar { border: 1px solid #b0b0b0; border-radius: 3px; background: #ffffff; }
QProgressBar::chunk { background: #43a047; }
"""
DARK_STYLE = """
QMainWindow, QWidget { background: #202124; color: #e8eaed; }
QPushButton[active="true"] { background: #388e3c; color: white; font-weight: bold; }
QFrame#bubble { border-radius: 10px; border: 1px solid #5f6368; background: #303134; }
QFrame#bubble[side="client"] { background: #263238; }
QFrame#bubble[flagged="true"] { border: 2px solid #f0a030; }
QLabel#secondary { color: #bdc1c6; }
QLabel#marker { color: #f0a030; }
QLabel#errorBanner { background: #5c1a14; color: #ffdad4; padding: 6px; }
QProgressBar { border: 1px solid #5f6368; border-radius: 3px; background: #303134; }
QProgressBar::chunk { background: #66bb6a; }
"""


class StaffWindow(QMainWindow):
    """The main window. Signals carry the staff's choices to the controller."""

    languageChosen = Signal(str)
    deviceChosen = Signal(str)
    modeChosen = Signal(str)
    pushToTalk = Signal(str, bool)
    typedText = Signal(str, str)  # side, text
    nextClientConfirmed = Signal()
    exportRequested = Signal(str)  # folder
    fontSizeStep = Signal(int)  # +1 / -1
    themeChosen = Signal(str)
    uiLanguageChosen = Signal(str)
    modelsFolderChosen = Signal(str)
    exportEnabledChanged = Signal(bool)
    attentionToggled = Signal()
    modelsRequested = Signal()
    settingsRequested = Signal()
    closing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Desk interpreter"))
        self.resize(1000, 720)
        self.language = LanguagePicker(self)
        self.microphone = MicrophonePicker(self)
        self.speakers = SpeakerControls(self)
        self.speech = SpeechControls(self)
        self.conversation = ConversationView(STAFF_VIEW, parent=self)
        self.error_banner = QLabel(self)
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._conversation_tab(), self.tr("Conversation"))
        self.setCentralWidget(self.tabs)
        self._build_status_bar()
        self._build_menus()
        self.language.languageChosen.connect(self.languageChosen)
        self.microphone.deviceChosen.connect(self.deviceChosen)
        self.speakers.modeChosen.connect(self.modeChosen)
        self.speakers.pushed.connect(self.pushToTalk)
        self._held: set[str] = set()
        self._confirm: QMessageBox | None = None
        self.set_theme("light")

    # -- layout -----------------------------------------------------------------------
    def _conversation_tab(self) -> QWidget:
        tab = QWidget(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Client's language:"), tab))
        top.addWidget(self.language, 2)
        top.addSpacing(12)
        top.addWidget(QLabel(self.tr("Microphone:"), tab))
        top.addWidget(self.microphone, 2)
        self.next_button = QPushButton(self.tr("Next client"), tab)
        self.next_button.setToolTip("Ctrl+N")
        self.next_button.clicked.connect(self.ask_next_client)
        top.addWidget(self.next_button)
        self.typed = QLineEdit(tab)
        self.typed.setPlaceholderText(
            self.tr("Type in either language: Enter sends as staff, Ctrl+Enter as client")
        )
        self.typed.returnPressed.connect(lambda: self._send_typed(STAFF))
        send_staff = QPushButton(self.tr("Send as staff"), tab)
        send_client = QPushButton(self.tr("Send as client"), tab)
        send_staff.clicked.connect(lambda: self._send_typed(STAFF))
        send_client.clicked.connect(lambda: self._send_typed(CLIENT))
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(key), self.typed)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self._send_typed(CLIENT))
        typed_row = QHBoxLayout()
        typed_row.addWidget(self.typed, 1)
        typed_row.addWidget(send_staff)
        typed_row.addWidget(send_client)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.speakers)
        layout.addWidget(self.speech)
        layout.addWidget(self.conversation, 1)
        layout.addLayout(typed_row)
        return tab

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_state = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: loading has no reliable percentage
        self.progress.setMaximumWidth(120)
        self.progress.hide()
        self.latency = QLabel(self)
        self.compute = QLabel(self)
        self.server_state = QLabel(self)  # privacy: names the server speech goes to
        self.server_state.hide()
        bar.addWidget(self.model_state, 1)
        bar.addWidget(self.progress)
        self.log_warning = QLabel(self)
        self.log_warning.setStyleSheet("color: white; background: #b00020; padding: 0 6px;")
        self.log_warning.hide()
        bar.addPermanentWidget(self.log_warning)
        bar.addPermanentWidget(self.latency)
        bar.addPermanentWidget(self.compute)
        bar.addPermanentWidget(self.server_state)

    def _action(self, menu, text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        talk = menus.addMenu(self.tr("&Conversation"))
        self._action(talk, self.tr("Next client…"), self.ask_next_client, "Ctrl+N")
        self.export_action = self._action(
            talk, self.tr("Export transcript…"), self._ask_export_folder, "Ctrl+E"
        )
        self.export_action.setEnabled(False)
        self._action(talk, self.tr("Automatic speaker"), lambda: self.modeChosen.emit("auto"), "F3")
        self._action(talk, self.tr("Find language"), self._focus_language, "Ctrl+L")
        self._action(talk, self.tr("Models…"), self.modelsRequested.emit)
        view = menus.addMenu(self.tr("&View"))
        larger = self._action(
            view, self.tr("Larger client text"), lambda: self.fontSizeStep.emit(1), "Ctrl++"
        )
        smaller = self._action(
            view, self.tr("Smaller client text"), lambda: self.fontSizeStep.emit(-1), "Ctrl+-"
        )
        self._action(view, self.tr("Client attention view"), self.attentionToggled.emit, "F11")
        light = self._action(view, self.tr("Light theme"), lambda: self.themeChosen.emit("light"))
        dark = self._action(view, self.tr("Dark theme"), lambda: self.themeChosen.emit("dark"))
        settings = menus.addMenu(self.tr("&Settings"))
        self._action(settings, self.tr("Settings…"), self.settingsRequested.emit)
        self.export_setting = self._action(
            settings, self.tr("Allow transcript export"), self._export_toggled
        )
        self.export_setting.setCheckable(True)
        models_folder = self._action(
            settings, self.tr("Models folder (after restart)…"), self._ask_models_folder
        )
        languages = settings.addMenu(self.tr("Interface language (after restart)"))
        #: The menu entries each setting the city's configuration file can lock.
        self.setting_actions = {
            "client_font_pt": (larger, smaller),
            "theme": (light, dark),
            "export_enabled": (self.export_setting,),
            "models_dir": (models_folder,),
            "ui_language": (languages.menuAction(),),
        }
        for code, name in (
            ("auto", self.tr("System")),
            ("fi", "suomi"),
            ("sv", "svenska"),
            ("en", "English"),
        ):
            self._action(languages, name, lambda _=False, c=code: self.uiLanguageChosen.emit(c))
        help_menu = menus.addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("Keyboard shortcuts"), self._show_shortcuts)

    # -- state from the controller --------------------------------------------------
    def add_tab(self, widget: QWidget, title: str) -> int:
        """Another tab next to the conversation (e.g. the tester tab)."""
        return self.tabs.addTab(widget, title)

    def show_utterance(self, utt: Utterance) -> None:
        self.conversation.show_utterance(utt)

    def clear_conversation(self) -> None:
        self.conversation.clear()
        self.typed.setText("")  # unlike clear(), also forgets the undo history
        self.latency.clear()

    def set_client_language(self, code: str) -> None:
        self.language.set_code(code)
        self.speakers.set_languages(code)
        self.conversation.client_lang = code

    def set_model_state(self, text: str, busy: bool = False) -> None:
        self.model_state.setText(text)
        self.progress.setVisible(busy)

    def set_latency(self, seconds: float | None) -> None:
        self.latency.setText(
            "" if seconds is None else self.tr("last: %1 s").replace("%1", f"{seconds:.1f}")
        )

    def set_server_state(self, text: str) -> None:
        """Where speech and text go ("" hides it: nothing leaves this PC)."""
        self.server_state.setText(text)
        self.server_state.setVisible(bool(text))

    def set_compute(self, text: str) -> None:
        self.compute.setText(text)

    def show_log_warning(self, text: str) -> None:
        """A warning that stays in the status bar (the conversation-text debug log is on)."""
        self.log_warning.setText(text)
        self.log_warning.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.error_banner.setText(text)
        self.error_banner.setVisible(bool(text))

    def set_export_enabled(self, on: bool) -> None:
        self.export_setting.setChecked(on)
        self.export_action.setEnabled(on)

    def set_locked(self, keys: set[str], where: str) -> None:
        """Grey out (and mark) the menu entries of settings the city's file locks."""
        for key in keys:
            for action in self.setting_actions.get(key, ()):
                action.setEnabled(False)
                action.setText(self.tr("%1 (locked)").replace("%1", action.text()))
                action.setToolTip(self.tr("Locked by %1").replace("%1", where))

    def set_theme(self, theme: str) -> None:
        self.setStyleSheet(DARK_STYLE if theme == "dark" else LIGHT_STYLE)

    # -- staff actions ----------------------------------------------------------------
    def _send_typed(self, side: str) -> None:
        text = self.typed.text().strip()
        if text:
            self.typed.clear()
            self.typedText.emit(side, text)

    def _focus_language(self) -> None:
        self.language.setFocus()
        self.language.lineEdit().selectAll()

    def ask_next_client(self) -> None:
        """Ask before wiping; the question box does not block the event loop."""
        if self._confirm is not None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Next client"),
            self.tr("Clear the conversation from both windows? Nothing of it is kept."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda result: self._next_client_answered(box, result))
        self._confirm = box
        box.open()

    def _next_client_answered(self, box: QMessageBox, result: int) -> None:
        self._confirm = None
        box.deleteLater()
        if result == QMessageBox.StandardButton.Yes:
            self.nextClientConfirmed.emit()

    def _ask_export_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the transcript to"))
        if folder:
            self.exportRequested.emit(folder)

    def _ask_models_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Keep models in"))
        if folder:
            self.modelsFolderChosen.emit(folder)

    def _export_toggled(self, on: bool) -> None:
        self.export_action.setEnabled(on)
        self.exportEnabledChanged.emit(on)

    def _show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{key}</b></td><td>{self.tr(what)}</td></tr>" for key, what in SHORTCUTS
        )
        QMessageBox.information(self, self.tr("Keyboard shortcuts"), f"<table>{rows}</table>")

    def closeEvent(self, event) -> None:
        self.closing.emit()
        super().closeEvent(event)

    # -- push to talk from the keyboard ------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # F1 is Qt's "What's this?" key; take it (and F2) before any child does.
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in PUSH_KEYS:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        side = PUSH_KEYS.get(event.key())
        if side is None or event.isAutoRepeat():
            super().keyPressEvent(event)
            return
        if side not in self._held:
            self._held.add(side)
            self.pushToTalk.emit(side, True)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        side = PUSH_KEYS.get(event.key())
        if side is None or event.isAutoRepeat():
            super().keyReleaseEvent(event)
            return
        if side in self._held:
            self._held.discard(side)
            self.pushToTalk.emit(side, False)
