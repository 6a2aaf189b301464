"""The staff window's controls: language, microphone with level meter, who speaks.

Each control only emits what the staff chose; the controller turns that into commands for
the core.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from interpreter.events import CLIENT, STAFF
from ui.languages import client_languages, language

LEVEL_FLOOR_DB = -60


class LanguagePicker(QComboBox):
    """The client's language, searchable by its own name, its English name or its code."""

    languageChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.set_allowed(())
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setMinimumContentsLength(12)
        self.activated.connect(self._on_activated)

    def set_allowed(self, codes: tuple[str, ...]) -> None:
        """Offer only these client languages, in this order (empty: every language the
        desk knows)."""
        entries = [language(code) for code in codes] if codes else client_languages()
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        for entry in entries:
            text = (
                entry.native
                if entry.native == entry.english
                else (f"{entry.native} — {entry.english}")
            )
            # A leading left-to-right mark keeps "العربية — Arabic (ar)" in reading order.
            self.addItem(f"\u200e{text} ({entry.code})", entry.code)
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)

    def offered(self) -> list[str]:
        """The codes the picker offers, in order."""
        return [self.itemData(i) for i in range(self.count())]

    def _on_activated(self, index: int) -> None:
        code = self.itemData(index)
        if code:
            self.languageChosen.emit(code)

    def current_code(self) -> str:
        return self.currentData() or "en"

    def set_code(self, code: str) -> None:
        """Select ``code`` without emitting (settings and the controller set it)."""
        index = self.findData(code)
        if index >= 0:
            self.blockSignals(True)
            self.setCurrentIndex(index)
            self.blockSignals(False)


class _DeviceCombo(QComboBox):
    """Asks for a fresh device list whenever it opens (a microphone may just have been
    plugged in)."""

    opening = Signal()

    def showPopup(self) -> None:
        self.opening.emit()
        super().showPopup()


class MicrophonePicker(QWidget):
    """Input device list and a live level meter."""

    deviceChosen = Signal(str)
    refreshRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = _DeviceCombo(self)
        self.combo.opening.connect(self.refreshRequested)
        self.combo.setMinimumContentsLength(10)
        self.meter = QProgressBar(self)
        self.meter.setRange(LEVEL_FLOOR_DB, 0)
        self.meter.setTextVisible(False)
        self.meter.setFixedWidth(90)
        self.meter.setValue(LEVEL_FLOOR_DB)
        self.meter.setToolTip(self.tr("Input level"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.meter)
        self.combo.activated.connect(self._on_activated)

    def set_devices(self, names: list[str], current: str) -> None:
        """Fill the list (first entry: the system default); keeps ``current`` selected."""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("System default"), "")
        for name in names:
            self.combo.addItem(name, name)
        index = self.combo.findData(current)
        self.combo.setCurrentIndex(max(0, index))
        self.combo.blockSignals(False)

    def _on_activated(self, index: int) -> None:
        self.deviceChosen.emit(self.combo.itemData(index) or "")

    def set_level(self, dbfs: float) -> None:
        self.meter.setValue(int(max(LEVEL_FLOOR_DB, min(0.0, dbfs))))


class SpeakerControls(QWidget):
    """Auto or push-to-talk, two large push-to-talk buttons and the active side."""

    modeChosen = Signal(str)
    pushed = Signal(str, bool)  # side, held

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.auto_button = QPushButton(self.tr("Auto"), self)
        self.push_button = QPushButton(self.tr("Push to talk"), self)
        self.mode_group = QButtonGroup(self)
        for button in (self.auto_button, self.push_button):
            button.setCheckable(True)
            self.mode_group.addButton(button)
        self.auto_button.setChecked(True)
        self.auto_button.setToolTip(self.tr("Identify the language within the pair (F3)"))
        self.push_button.setToolTip(self.tr("Hold a side's button, or F1 / F2, while speaking"))
        self.staff_button = QPushButton(self)
        self.client_button = QPushButton(self)
        for button, side in ((self.staff_button, STAFF), (self.client_button, CLIENT)):
            button.setObjectName(f"{side}Talk")
            button.setMinimumHeight(64)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.pressed.connect(lambda s=side: self.pushed.emit(s, True))
            button.released.connect(lambda s=side: self.pushed.emit(s, False))
        self.active = QLabel(self)
        self.active.setObjectName("activeSide")
        self.active.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.auto_button)
        layout.addWidget(self.push_button)
        layout.addWidget(self.staff_button, 2)
        layout.addWidget(self.active, 1)
        layout.addWidget(self.client_button, 2)
        self.auto_button.clicked.connect(lambda: self.modeChosen.emit("auto"))
        self.push_button.clicked.connect(lambda: self.modeChosen.emit("push"))
        self.client_lang = "en"
        self.mode = "auto"
        self.set_mode("auto")

    def set_languages(self, client_lang: str) -> None:
        self.client_lang = client_lang
        self.staff_button.setText(self.tr("Staff speaks (hold F1)") + "\nsuomi")
        self.client_button.setText(
            self.tr("Client speaks (hold F2)") + f"\n{language(client_lang).native}"
        )

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        (self.auto_button if mode == "auto" else self.push_button).setChecked(True)
        self.staff_button.setEnabled(mode == "push")
        self.client_button.setEnabled(mode == "push")
        self.set_languages(self.client_lang)
        if mode == "auto":
            self.show_active(None)

    def show_active(self, side: str | None) -> None:
        """Highlight the side that speaks now (None: automatic, nobody fixed)."""
        for button, own in ((self.staff_button, STAFF), (self.client_button, CLIENT)):
            button.setProperty("active", own == side)
            button.style().unpolish(button)
            button.style().polish(button)
        if side == STAFF:
            text = self.tr("Staff") + " · suomi"
        elif side == CLIENT:
            text = self.tr("Client") + f" · {language(self.client_lang).native}"
        else:
            text = ""
        if self.mode == "auto":
            text = self.tr("Automatic") + (f": {text}" if text else "")
        self.active.setText(text)
