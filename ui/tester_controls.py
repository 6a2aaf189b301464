"""The Tester tab's controls: set and pair, run options, run buttons and progress, files.

Only widgets and their enabled state live here; :class:`ui.tester_tab.TesterTab` connects
them to the workers. File dialogs return the chosen path ('' when cancelled).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

#: Keys of the file buttons, in display order.
FILE_ACTIONS = ("open_run", "save_run", "ratings", "results", "report")
#: What a saved file of each kind is called after the run's file or set (suffix, filter).
TARGETS = {
    "save_run": (".json", "JSON (*.json)"),
    "ratings": ("-ratings.csv", "CSV (*.csv)"),
    "results": ("-results.csv", "CSV (*.csv)"),
    "report": (".html", "HTML (*.html)"),
}


class TesterControls(QWidget):
    """Rows of controls above the results; the tab reads and connects the widgets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_combo = QComboBox()
        self.set_combo.setMinimumContentsLength(24)
        self.open_set_button = QPushButton(self.tr("Open set file…"))
        self.pair_combo = QComboBox()
        self.audio_check = QCheckBox(self.tr("Speech (recordings or synthesized)"))
        self.fast_check = QCheckBox(self.tr("Fast replay (no latencies)"))
        self.fast_check.setToolTip(
            self.tr("Replay speech as fast as possible: quicker, but latencies are not measured")
        )
        self.side_check = QCheckBox(self.tr("Fixed sides (as push to talk)"))
        self.side_check.setToolTip(
            self.tr("Tell the recognizer each phrase's language instead of identifying it")
        )
        self.asr_edit = QLineEdit()
        self.asr_edit.setMaximumWidth(260)
        self.asr_edit.setToolTip(self.tr("Whisper model for speech: base, small, … or a folder"))
        self.model_labels = (QLabel(), QLabel())
        self.model_edits = {"to_client": QLineEdit(), "to_staff": QLineEdit()}
        for edit in self.model_edits.values():
            edit.setPlaceholderText(self.tr("installed model (or a model folder)"))
        self.run_button = QPushButton(self.tr("Run"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue a cancelled run of this set"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.progress = QProgressBar()
        labels = {
            "open_run": self.tr("Open run…"),
            "save_run": self.tr("Save run as…"),
            "ratings": self.tr("Export ratings (CSV)…"),
            "results": self.tr("Export results (CSV)…"),
            "report": self.tr("Write report…"),
        }
        self.file_buttons = {key: QPushButton(labels[key]) for key in FILE_ACTIONS}
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error_box = QPlainTextEdit(readOnly=True)
        self.error_box.setMaximumHeight(140)
        self.error_box.hide()
        self._layout()

    def _layout(self) -> None:
        rows = [
            [QLabel(self.tr("Phrase set:")), self.set_combo, self.open_set_button,
             QLabel(self.tr("Pair:")), self.pair_combo],
            [self.audio_check, self.fast_check, self.side_check, QLabel(self.tr("Whisper:")),
             self.asr_edit],
            [self.model_labels[0], self.model_edits["to_client"],
             self.model_labels[1], self.model_edits["to_staff"]],
            [self.run_button, self.resume_button, self.cancel_button, self.progress],
            list(self.file_buttons.values()),
        ]  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        stretching = (*self.model_edits.values(), self.progress)
        for widgets in rows:
            row = QHBoxLayout()
            for widget in widgets:
                row.addWidget(widget, 1 if widget in stretching else 0)
            if not any(widget in stretching for widget in widgets):
                row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error_box)

    def set_pairs(self, pairs: list[str], preferred: str) -> None:
        """Offer ``pairs`` without signalling; ``preferred`` is chosen when offered."""
        self.pair_combo.blockSignals(True)
        self.pair_combo.clear()
        self.pair_combo.addItems(pairs)
        if preferred in pairs:
            self.pair_combo.setCurrentText(preferred)
        self.pair_combo.blockSignals(False)

    def directions(self, pair: str) -> dict[str, str]:
        """Translation direction of each model field for ``pair`` (``fi-en``: fi-en, en-fi)."""
        client = pair.split("-", 1)[1] if "-" in pair else ""
        return {"to_client": f"fi-{client}", "to_staff": f"{client}-fi"}

    def show_directions(self, pair: str) -> None:
        for label, direction in zip(self.model_labels, self.directions(pair).values(), strict=True):
            label.setText(self.tr("Model {0}:").format(direction.replace("-", "→")))

    def set_state(self, *, running: bool, has_set: bool, has_run: bool, resumable: bool) -> None:
        idle = not running
        for widget in (self.set_combo, self.open_set_button, self.pair_combo, self.audio_check,
                       *self.model_edits.values()):  # fmt: skip
            widget.setEnabled(idle)
        for widget in (self.fast_check, self.side_check, self.asr_edit):
            widget.setEnabled(idle and self.audio_check.isChecked())
        self.run_button.setEnabled(idle and has_set)
        self.resume_button.setEnabled(idle and resumable)
        self.cancel_button.setEnabled(running)
        self.file_buttons["open_run"].setEnabled(idle)
        for key in FILE_ACTIONS[1:]:
            self.file_buttons[key].setEnabled(idle and has_run)

    def show_error(self, message: str) -> None:
        self.error_box.setPlainText(message)
        self.error_box.show()
        self.status.setText(message.splitlines()[0] if message else "")

    def ask_open_set(self, folder: str) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open phrase set"), folder, self.tr("Phrase sets (*.tsv *.csv)")
        )
        return path

    def ask_open_run(self, folder: str) -> str:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open run"), folder, self.tr("Runs (*.json)")
        )
        return path

    def ask_save(self, what: str, start: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save"), start, TARGETS[what][1])
        return path
