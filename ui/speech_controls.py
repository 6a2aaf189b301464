"""The staff window's speech output controls: who hears translations, volume, output
device, "say again", and what speaks each language.

The widget only shows state and emits what the staff chose; :mod:`ui.speech_controller`
turns that into commands for the speech output, which runs off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from interpreter.events import CLIENT, STAFF

# Speaks the latest translation again.
REPLAY_KEY = "Ctrl+R"


class _OutputCombo(QComboBox):
    """Asks for a fresh device list whenever it opens (a speaker may just be plugged in)."""

    opening = Signal()

    def showPopup(self) -> None:
        self.opening.emit()
        super().showPopup()


class SpeechControls(QWidget):
    """Toggles per listening side, volume, output device, replay and voice state."""

    listenersChanged = Signal(list)  # the sides that hear translations
    volumeChanged = Signal(int)  # 0-100
    outputDeviceChosen = Signal(str)  # "" = the system default
    devicesRequested = Signal()
    replayRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client_box = QCheckBox(self.tr("Speak to client"), self)
        self.client_box.setToolTip(self.tr("The client hears your words in their language"))
        self.staff_box = QCheckBox(self.tr("Speak to staff"), self)
        self.staff_box.setToolTip(self.tr("You hear the client's words in Finnish"))
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(90)
        self.volume.setToolTip(self.tr("Speech volume"))
        self.device = _OutputCombo(self)
        self.device.setMinimumContentsLength(10)
        self.device.setToolTip(self.tr("Speech output device"))
        self.device.opening.connect(self.devicesRequested)
        self.replay_button = QPushButton(self.tr("Say again"), self)
        self.replay_button.setToolTip(
            self.tr("Speak the latest translation again (%1)").replace("%1", REPLAY_KEY)
        )
        self.state = QLabel(self)
        self.state.setObjectName("secondary")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.client_box)
        layout.addWidget(self.staff_box)
        layout.addWidget(QLabel(self.tr("Volume:"), self))
        layout.addWidget(self.volume)
        layout.addWidget(self.device, 1)
        layout.addWidget(self.replay_button)
        layout.addWidget(self.state, 2)
        self.client_box.toggled.connect(self._emit_listeners)
        self.staff_box.toggled.connect(self._emit_listeners)
        self.volume.valueChanged.connect(self.volumeChanged)
        self.device.activated.connect(
            lambda index: self.outputDeviceChosen.emit(self.device.itemData(index) or "")
        )
        self.replay_button.clicked.connect(self.replayRequested)
        shortcut = QShortcut(QKeySequence(REPLAY_KEY), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.replayRequested)

    def _emit_listeners(self, _checked: bool = False) -> None:
        self.listenersChanged.emit(self.listeners())

    # -- state from the controller ----------------------------------------------------
    def set_listeners(self, sides: list[str]) -> None:
        for box, side in ((self.client_box, CLIENT), (self.staff_box, STAFF)):
            box.blockSignals(True)
            box.setChecked(side in sides)
            box.blockSignals(False)

    def listeners(self) -> list[str]:
        return [
            side
            for box, side in ((self.client_box, CLIENT), (self.staff_box, STAFF))
            if box.isChecked()
        ]

    def set_volume(self, percent: int) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(percent)
        self.volume.blockSignals(False)

    def set_devices(self, names: list[str], current: str) -> None:
        """Fill the list (first entry: the system default); keeps ``current`` selected."""
        self.device.blockSignals(True)
        self.device.clear()
        self.device.addItem(self.tr("Default speaker"), "")
        for name in names:
            self.device.addItem(name, name)
        if current and self.device.findData(current) < 0:
            self.device.addItem(current, current)  # a remembered device, now unplugged
        self.device.setCurrentIndex(max(0, self.device.findData(current)))
        self.device.blockSignals(False)

    def set_voices(self, client: str, staff: str, client_available: bool) -> None:
        """What speaks each language; the client's toggle is off when nothing can."""
        self.client_box.setEnabled(client_available)
        self.state.setText(f"{client} · {staff}")

    def show_problem(self, text: str) -> None:
        self.state.setText(text)
