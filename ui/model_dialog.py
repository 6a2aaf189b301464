"""The model dialog: what a language pair needs, installing it with progress, importing it.

All disk and network work happens in :class:`ui.model_worker.ModelWorker` on its own
thread; this dialog only shows the plan and the progress it reports.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.model_worker import ModelWorker

logger = logging.getLogger(__name__)


class ModelDialog(QDialog):
    """Shows the plan for ``pair`` and installs or imports what is missing."""

    modelsChanged = Signal()
    _requestPlan = Signal(str)
    _requestInstall = Signal(object, bool)  # plan, optional voices too
    _requestImport = Signal(str)

    def __init__(
        self,
        pair: str,
        store=None,
        parent: QWidget | None = None,
        *,
        hardware=None,
        catalog=None,
    ) -> None:
        super().__init__(parent)
        self.pair = pair
        self.plan = None
        self.setWindowTitle(self.tr("Models for %s") % pair)
        self.setMinimumWidth(760)

        self.summary = QLabel(self.tr("Checking what %s needs…") % pair)
        self.summary.setWordWrap(True)
        columns = [self.tr("Model"), self.tr("Used for"), self.tr("Size"), self.tr("Licence")]
        self.table = QTableWidget(0, len(columns) + 1)
        self.table.setHorizontalHeaderLabels([*columns, self.tr("State")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.licence_note = QLabel()
        self.licence_note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.install_button = QPushButton(self.tr("Install missing models"))
        self.voices_button = QPushButton(self.tr("Install voices"))
        self.voices_button.setToolTip(self.tr("Neural voices for speech output (optional)"))
        self.voices_button.setEnabled(False)
        self.voices_button.clicked.connect(self.install_voices)
        self.cancel_button = QPushButton(self.tr("Cancel download"))
        self.import_archive_button = QPushButton(self.tr("Import archive…"))
        self.import_folder_button = QPushButton(self.tr("Import folder…"))
        self.close_button = QPushButton(self.tr("Close"))
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.install_button.clicked.connect(self.install_missing)
        self.cancel_button.clicked.connect(self.cancel_install)
        self.import_archive_button.clicked.connect(self._choose_archive)
        self.import_folder_button.clicked.connect(self._choose_folder)
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        for button in (
            self.install_button,
            self.voices_button,
            self.cancel_button,
            self.import_archive_button,
            self.import_folder_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.table, self.licence_note, self.progress, self.status):
            layout.addWidget(widget)
        layout.addLayout(buttons)

        self._thread = QThread(self)
        self._thread.setObjectName("model-dialog-worker")
        self.worker = ModelWorker(store, hardware, catalog)
        self.worker.moveToThread(self._thread)
        self._requestPlan.connect(self.worker.plan)
        self._requestInstall.connect(self.worker.install)
        self._requestImport.connect(self.worker.import_from)
        self.worker.planned.connect(self._show_plan)
        self.worker.progress.connect(self._show_progress)
        self.worker.finished.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._cancelled)
        self._thread.finished.connect(self.worker.deleteLater)
        self._thread.start()
        self.refresh()

    # Commands -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the worker for the pair's plan again (after an install or import)."""
        self._requestPlan.emit(self.pair)

    @Slot()
    def install_missing(self) -> None:
        if self.plan is None or self.plan.ready:
            return
        self._set_busy(True)
        self.status.setText(self.tr("Starting the download…"))
        self._requestInstall.emit(self.plan, False)

    @Slot()
    def install_voices(self) -> None:
        """Install the pair's neural voices (and anything else missing)."""
        if self.plan is None or not self.plan.installable:
            return
        self._set_busy(True)
        self.status.setText(self.tr("Starting the download…"))
        self._requestInstall.emit(self.plan, True)

    @Slot()
    def cancel_install(self) -> None:
        self.worker.cancel_event.set()  # a threading.Event: safe from this thread
        self.status.setText(self.tr("Cancelling…"))

    def import_from(self, path: str) -> None:
        """Import models from an archive or folder chosen by the user."""
        self._set_busy(True, cancellable=False)
        self.status.setText(self.tr("Importing and checking %s…") % path)
        self._requestImport.emit(path)

    def _choose_archive(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import models from an archive"), "", self.tr("Model archives (*.tar)")
        )
        if path:
            self.import_from(path)

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Import models from a folder"))
        if path:
            self.import_from(path)

    # Worker reports ---------------------------------------------------------------------

    @Slot(object)
    def _show_plan(self, plan) -> None:
        self.plan = plan
        self.table.setRowCount(len(plan.items))
        for row, item in enumerate(plan.items):
            licence = item.licence + (self.tr(" (non-commercial)") if item.non_commercial else "")
            if item.installed:
                state = self.tr("installed")
            else:
                state = self.tr("optional") if item.optional else self.tr("missing")
            cells = (item.name, item.purpose, f"{item.size_mb:,} MB", licence, state)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if item.quality and column == 0:
                    cell.setToolTip("\n".join(f"{q} — {q.source}" for q in item.quality))
                self.table.setItem(row, column, cell)
        if plan.ready:
            text = self.tr("Everything %s needs is installed.") % plan.pair
        else:
            text = self.tr("{pair} needs {n} more model(s), about {mb} MB to download.").format(
                pair=plan.pair, n=len(plan.missing), mb=f"{plan.download_mb:,}"
            )
        machine = self.tr("This machine: {machine}.").format(machine=plan.hardware.describe())
        self.summary.setText(f"{text}\n{machine} {plan.defaults.note}")
        self.licence_note.setText(
            self.tr("A non-commercial licence must be cleared with the city's legal team.")
            if plan.non_commercial
            else ""
        )
        self.install_button.setEnabled(not plan.ready)
        self.voices_button.setEnabled(any(item.optional for item in plan.installable))

    @Slot(object, int, int)
    def _show_progress(self, progress, index: int, count: int) -> None:
        self.progress.setVisible(True)
        if progress.stage == "download" and progress.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * progress.done / progress.total))
            detail = self.tr("downloading {done:.1f} of {total:.1f} MB").format(
                done=progress.done / 2**20, total=progress.total / 2**20
            )
        else:
            self.progress.setRange(0, 0)  # converting or checking: no byte count
            detail = {
                "convert": self.tr("converting for fast CPU use"),
                "verify": self.tr("checking"),
                "done": self.tr("done"),
            }.get(progress.stage, progress.stage)
        self.status.setText(f"{progress.model_id} ({index}/{count}): {detail}")

    @Slot(str)
    def _done(self, names: str) -> None:
        self._set_busy(False)
        self.status.setText(self.tr("Installed: %s") % names if names else self.tr("Done."))
        self.modelsChanged.emit()
        self.refresh()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.status.setText(self.tr("Failed: %s") % message)
        self.refresh()

    @Slot(str)
    def _cancelled(self, message: str) -> None:
        self._set_busy(False)
        self.status.setText(message)
        self.refresh()

    def _set_busy(self, busy: bool, cancellable: bool = True) -> None:
        self.install_button.setEnabled(not busy and self.plan is not None and not self.plan.ready)
        self.voices_button.setEnabled(
            not busy
            and self.plan is not None
            and any(item.optional for item in self.plan.installable)
        )
        self.cancel_button.setEnabled(busy and cancellable)
        self.import_archive_button.setEnabled(not busy)
        self.import_folder_button.setEnabled(not busy)
        self.progress.setVisible(busy)

    # Lifetime ---------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Stop a running download and the worker thread (closing must not leave it running)."""
        if self._thread.isRunning():
            self.worker.cancel_event.set()
            self._thread.quit()
            self._thread.wait(timeout_ms)
