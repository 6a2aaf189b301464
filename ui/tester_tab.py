"""The Tester tab: load a phrase set, run it, browse and hear the results, rate them.

Everything slow happens off the UI thread: the run in :class:`ui.tester_worker.RunWorker`,
set/run files, exports and the HTML report in :class:`ui.tester_worker.FileWorker`,
playback in :class:`ui.tester_player.AudioPlayer`, each in its own QThread. Ratings live
in the tab while the tester works and are saved into the run's JSON file shortly after
every change, so closing the window loses nothing. Run alone with ``python -m ui.tester_tab``.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from interpreter.phrases.ratings import ADEQUACY_SCALE, Rating
from ui.tester_choices import RunChoicesMixin
from ui.tester_controls import TARGETS, TesterControls
from ui.tester_files import RunFilesMixin
from ui.tester_i18n import install_tester_translation
from ui.tester_model import COLUMNS, ResultsModel
from ui.tester_player import AudioPlayer
from ui.tester_rating import RatingPanel
from ui.tester_settings import TesterSettings
from ui.tester_worker import FileWorker, RunWorker

logger = logging.getLogger(__name__)

#: Ratings are written this long after the last change (typing a comment is one save).
SAVE_DELAY_MS = 800
#: Columns of running text get a fixed starting width (the tester can drag them wider).
TEXT_COLUMNS = ("source", "transcript", "translation")
TEXT_COLUMN_WIDTH = 260


class TesterTab(RunFilesMixin, RunChoicesMixin, QWidget):
    """Phrase-set testing for the staff window (or alone: ``python -m ui.tester_tab``)."""

    set_loaded = Signal(object)  # PhraseSet
    run_finished = Signal(object)  # RunResult
    file_saved = Signal(str, str)  # what ("run", "ratings", "results", "report"), path
    error_shown = Signal(str)

    # Requests to the workers (queued into their threads).
    _list_sets = Signal()
    _load_set = Signal(str)
    _load_run = Signal(str)
    _save_run = Signal(object, str)
    _export_ratings = Signal(object, str)
    _export_results = Signal(object, str)
    _write_report = Signal(object, str)
    _start_run = Signal(object, object, object)
    _play = Signal(str)
    _stop = Signal()

    def __init__(
        self,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        player: AudioPlayer | None = None,
        allowed_pairs: tuple[str, ...] = (),
    ) -> None:
        super().__init__(parent)
        #: The city's locked pairs (empty: no limit): a run tests what a desk may do.
        self.allowed_pairs = allowed_pairs
        install_tester_translation(settings)  # before any string is translated
        self.settings = TesterSettings(settings)
        self.phrase_set = None
        self.run = None  # the finished (or loaded) RunResult
        self.run_path: Path | None = None
        self.ratings: dict[str, Rating] = {}
        self._running = False
        #: The set last asked for: an explicit choice wins over the remembered set, and
        #: answers to earlier requests are dropped.
        self._latest_set_request: str | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._autosave)
        self._build()
        self._start_workers(player or AudioPlayer())
        self._list_sets.emit()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.controls = c = TesterControls()
        # The widgets tests and the staff window reach directly.
        self.set_combo, self.pair_combo, self.audio_check = c.set_combo, c.pair_combo, c.audio_check
        self.model_edits, self.progress, self.status = c.model_edits, c.progress, c.status
        self.error_box, self.file_buttons = c.error_box, c.file_buttons
        self.run_button, self.resume_button = c.run_button, c.resume_button
        self.cancel_button = c.cancel_button
        c.audio_check.setChecked(self.settings.audio)
        c.fast_check.setChecked(self.settings.fast)
        c.side_check.setChecked(self.settings.fixed_sides)
        c.asr_edit.setText(self.settings.asr_model)
        c.set_combo.activated.connect(lambda i: self.load_set(c.set_combo.itemData(i)))
        c.open_set_button.clicked.connect(self._choose_set_file)
        c.pair_combo.currentTextChanged.connect(self._pair_chosen)
        c.audio_check.toggled.connect(lambda on: setattr(self.settings, "audio", on))
        c.audio_check.toggled.connect(lambda _on: self._update_controls())
        c.fast_check.toggled.connect(lambda on: setattr(self.settings, "fast", on))
        c.side_check.toggled.connect(lambda on: setattr(self.settings, "fixed_sides", on))
        for edit in c.model_edits.values():
            edit.editingFinished.connect(self._remember_models)
        c.run_button.clicked.connect(lambda: self.start_run())
        c.resume_button.clicked.connect(lambda: self.start_run(resume=True))
        c.cancel_button.clicked.connect(self.cancel_run)
        c.file_buttons["open_run"].clicked.connect(self._choose_run_file)
        for what in TARGETS:
            c.file_buttons[what].clicked.connect(lambda _=False, w=what: self._choose_target(w))

        self.model = ResultsModel(self.ratings, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, key in enumerate(COLUMNS):
            if key in TEXT_COLUMNS:
                header.resizeSection(column, TEXT_COLUMN_WIDTH)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur))
        self.rating_panel = RatingPanel()
        self.rating_panel.rating_changed.connect(self.set_rating)
        self.table.installEventFilter(self)  # keys 0-5 in the table rate the selected phrase
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.rating_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(c)
        layout.addWidget(splitter, 1)
        self._update_controls()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Number keys in the results table set the adequacy: rate while moving down."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            value = event.key() - Qt.Key.Key_0
            if value == 0 or value in ADEQUACY_SCALE:
                self.rating_panel.set_adequacy(value)
                return True
        return super().eventFilter(watched, event)

    def _start_workers(self, player: AudioPlayer) -> None:
        self._threads: list[QThread] = []
        self.run_worker, self.file_worker, self.player = RunWorker(), FileWorker(), player
        for name, worker in (("run", self.run_worker), ("files", self.file_worker),
                             ("player", self.player)):  # fmt: skip
            thread = QThread(self)
            thread.setObjectName(f"tester-{name}")
            worker.moveToThread(thread)
            thread.finished.connect(worker.deleteLater)
            thread.start()
            self._threads.append(thread)
        fw, rw = self.file_worker, self.run_worker
        self._list_sets.connect(fw.list_sets)
        self._load_set.connect(fw.load_set)
        self._load_run.connect(fw.load_run)
        self._save_run.connect(fw.save_run)
        self._export_ratings.connect(fw.export_ratings)
        self._export_results.connect(fw.export_results)
        self._write_report.connect(fw.write_report)
        fw.sets_listed.connect(self._sets_listed)
        fw.set_loaded.connect(self._set_loaded)
        fw.set_failed.connect(self._set_failed)
        fw.run_loaded.connect(self._run_loaded)
        fw.saved.connect(self._saved)
        fw.failed.connect(self.show_error)
        self._start_run.connect(rw.run)
        rw.progress.connect(self._progress)
        rw.notice.connect(self.status.setText)
        rw.finished.connect(self._finished)
        rw.failed.connect(self._run_failed)
        self._play.connect(self.player.play)
        self._stop.connect(self.player.stop)
        self.rating_panel.play_requested.connect(self._play)
        self.rating_panel.stop_requested.connect(self._stop)
        self.player.failed.connect(self.show_error)
        self.player.started.connect(
            lambda path: self.status.setText(self.tr("Playing {0}").format(path))
        )
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def title(self) -> str:
        """The tab's name in the staff window."""
        return self.tr("Phrase tests")

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel a run, flush unsaved ratings, stop playback and end the worker threads."""
        self.run_worker.cancel_event.set()
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._autosave()
        self._stop.emit()
        for thread in self._threads:
            thread.quit()
        for thread in self._threads:
            if not thread.wait(timeout_ms):
                logger.warning("thread %s did not stop in time", thread.objectName())

    # ---- phrase sets --------------------------------------------------------------------

    def _sets_listed(self, sets: list) -> None:
        self.set_combo.clear()
        for name, path in sets:
            self.set_combo.addItem(name, str(path))
        remembered = self.settings.phrase_set
        if remembered and self.set_combo.findData(remembered) < 0:
            self.set_combo.addItem(Path(remembered).name, remembered)
        if self.phrase_set is not None:  # a file opened before the list came back
            self._show_in_combo(self.phrase_set.path)
        if self.set_combo.count() and self._latest_set_request is None:
            index = max(0, self.set_combo.findData(remembered))
            self.set_combo.setCurrentIndex(index)
            self.load_set(self.set_combo.itemData(index))

    def _choose_set_file(self) -> None:
        path = self.controls.ask_open_set(self.settings.last_dir)
        if path:
            self.settings.last_dir = str(Path(path).parent)
            self.load_set(path)

    def load_set(self, path_or_name: str) -> None:
        """Load a set file or built-in set in the background; ``set_loaded`` or an error."""
        self._latest_set_request = str(path_or_name)
        self.status.setText(self.tr("Loading {0}…").format(path_or_name))
        self._load_set.emit(str(path_or_name))

    def _set_loaded(self, phrase_set, request: str) -> None:
        # The remembered set may still be loading when the user picks another: only the
        # latest choice counts, whichever answer comes back first.
        if self._running or request != self._latest_set_request:
            return
        self._flush_ratings()
        self.run = self.run_path = None
        self.phrase_set = phrase_set
        self.settings.phrase_set = str(phrase_set.path)
        self._show_in_combo(phrase_set.path)
        pairs = [f"fi-{lang}" for lang in phrase_set.languages if lang != "fi"]
        if self.allowed_pairs:
            pairs = [pair for pair in pairs if pair in self.allowed_pairs]
        self.controls.set_pairs(pairs, self.settings.pair)
        self._pair_chosen(self.pair_combo.currentText())
        self._replace_results([], {})
        self.error_box.hide()
        review = phrase_set.metadata.get("review", "")
        self.status.setText(
            self.tr("{0}: {1} phrases. {2}").format(
                phrase_set.name, len(phrase_set.phrases), review
            )
        )
        if not pairs:
            self.status.setText(
                self.tr("{0}: none of its language pairs is allowed on this desk ({1}).").format(
                    phrase_set.name, ", ".join(self.allowed_pairs)
                )
            )
        self._update_controls()
        self.set_loaded.emit(phrase_set)

    def _show_in_combo(self, path: Path) -> None:
        if self.set_combo.findData(str(path)) < 0:
            self.set_combo.addItem(path.name, str(path))
        self.set_combo.setCurrentIndex(self.set_combo.findData(str(path)))

    def _set_failed(self, message: str, request: str) -> None:
        if request != self._latest_set_request:
            return
        self.phrase_set = None
        self._update_controls()
        self.show_error(message)

    # ---- running ------------------------------------------------------------------------

    def start_run(self, resume: bool = False) -> None:
        if self.phrase_set is None or self._running or not self.pair_combo.currentText():
            return
        self._remember_models()
        earlier = self._snapshot() if resume and self.run is not None else None
        if not resume:
            self._flush_ratings()
            self.run, self.run_path = None, None
            self._replace_results([], {})
        else:
            self._replace_results([], self.ratings)
        self._running = True
        self.progress.setRange(0, len(self.phrase_set.phrases))
        self.progress.setValue(0)
        self.error_box.hide()
        self.status.setText(self.tr("Loading models…"))
        self._update_controls()
        self._start_run.emit(self.phrase_set, self.run_options(), earlier)

    def cancel_run(self) -> None:
        if self._running:
            self.run_worker.cancel_event.set()
            self.status.setText(self.tr("Cancelling after the current phrase…"))

    def _progress(self, done: int, total: int, result) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(self.tr("Phrase {0} of {1}: {2}").format(done, total, result.phrase_id))
        self.model.append(result)
        if not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _finished(self, run) -> None:
        self._running = False
        run.ratings = {**run.ratings, **self.ratings}
        self.run = run
        self._replace_results(run.results, run.ratings)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        name = f"{Path(run.set_path).stem}-{run.options.get('pair')}-{run.mode}-{stamp}.json"
        self.run_path = self.settings.runs_dir / name
        self.save_run()
        done = len(run.results)
        if run.cancelled:
            text = self.tr("Cancelled: {0} of {1} phrases ran.").format(done, run.total_phrases)
        else:
            text = self.tr("Finished: {0} phrases.").format(done)
        self.status.setText(text)
        self._update_controls()
        self.run_finished.emit(run)

    def _run_failed(self, message: str) -> None:
        self._running = False
        self._update_controls()
        self.show_error(self.tr("The run failed: {0}").format(message))

    # ---- results and ratings ------------------------------------------------------------

    # ---- state --------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.controls.show_error(message)
        self.error_shown.emit(message)

    def _update_controls(self) -> None:
        resumable = (
            self.run is not None
            and self.run.cancelled
            and self.phrase_set is not None
            and Path(self.run.set_path) == Path(self.phrase_set.path)
        )
        self.controls.set_state(
            running=self._running,
            has_set=self.phrase_set is not None and bool(self.pair_combo.currentText()),
            has_run=self.run is not None,
            resumable=resumable,
        )


def main(argv: list[str] | None = None) -> int:
    """Open the Tester tab in a window of its own."""
    logging.basicConfig(level=logging.INFO)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    tab = TesterTab()
    tab.setWindowTitle(
        QCoreApplication.translate("TesterTab", "Desk interpreter – phrase-set tester")
    )
    tab.resize(1200, 760)
    tab.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
