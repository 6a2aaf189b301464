"""The Tester tab: load a phrase set, run it, browse and hear the results, rate them.

Everything slow happens off the UI thread: the run in :class:`ui.tester_worker.RunWorker`,
set/run files, exports and the HTML report in :class:`ui.tester_worker.FileWorker`,
playback in :class:`ui.tester_player.AudioPlayer`, each in its own QThread. Ratings live
in the tab while the tester works and are saved into the run's JSON file shortly after
every change, so closing the window loses nothing. Run alone with ``python -m ui.tester_tab``.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from interpreter.phrases.ratings import Rating
from ui.tester_model import ResultsModel
from ui.tester_player import AudioPlayer
from ui.tester_rating import RatingPanel
from ui.tester_settings import TesterSettings
from ui.tester_worker import FileWorker, RunWorker

logger = logging.getLogger(__name__)

#: Ratings are written this long after the last change (typing a comment is one save).
SAVE_DELAY_MS = 800


class TesterTab(QWidget):
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
    ) -> None:
        super().__init__(parent)
        self.settings = TesterSettings(settings)
        self.phrase_set = None
        self.run = None  # the finished (or loaded) RunResult
        self.run_path: Path | None = None
        self.ratings: dict[str, Rating] = {}
        self._running = False
        self._set_requested = False  # an explicit choice wins over the remembered set
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._autosave)
        self._build()
        self._start_workers(player or AudioPlayer())
        self._list_sets.emit()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.set_combo = QComboBox()
        self.set_combo.activated.connect(self._set_chosen)
        self.open_set_button = QPushButton(self.tr("Open set file…"))
        self.open_set_button.clicked.connect(self._choose_set_file)
        self.pair_combo = QComboBox()
        self.pair_combo.currentTextChanged.connect(self._pair_chosen)
        self.audio_check = QCheckBox(self.tr("Speech (recordings or synthesized)"))
        self.audio_check.setChecked(self.settings.audio)
        self.audio_check.toggled.connect(lambda on: setattr(self.settings, "audio", on))
        self.asr_edit = QLineEdit(self.settings.asr_model)
        self.asr_edit.setToolTip(self.tr("Whisper model for speech: base, small, ... or a folder"))
        self.model_edits = {"to_client": QLineEdit(), "to_staff": QLineEdit()}
        for edit in self.model_edits.values():
            edit.setPlaceholderText(self.tr("installed model"))
            edit.editingFinished.connect(self._remember_models)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.clicked.connect(lambda: self.start_run())
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue a cancelled run of this set"))
        self.resume_button.clicked.connect(lambda: self.start_run(resume=True))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_run)
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error_box = QPlainTextEdit(readOnly=True)
        self.error_box.setMaximumHeight(140)
        self.error_box.hide()

        self.model = ResultsModel(self.ratings, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur))
        self.rating_panel = RatingPanel()
        self.rating_panel.rating_changed.connect(self.set_rating)

        buttons = {
            self.tr("Open run…"): self._choose_run_file,
            self.tr("Save run as…"): lambda: self._choose_target("run", "JSON (*.json)"),
            self.tr("Export ratings (CSV)…"): lambda: self._choose_target("ratings", "CSV (*.csv)"),
            self.tr("Export results (CSV)…"): lambda: self._choose_target("results", "CSV (*.csv)"),
            self.tr("Write report…"): lambda: self._choose_target("report", "HTML (*.html)"),
        }
        self.file_buttons: list[QPushButton] = []
        files_row = QHBoxLayout()
        for label, slot in buttons.items():
            button = QPushButton(label)
            button.clicked.connect(slot)
            files_row.addWidget(button)
            self.file_buttons.append(button)
        files_row.addStretch(1)

        set_row = QHBoxLayout()
        for widget in (QLabel(self.tr("Phrase set:")), self.set_combo, self.open_set_button,
                       QLabel(self.tr("Pair:")), self.pair_combo, self.audio_check,
                       QLabel(self.tr("Whisper:")), self.asr_edit):  # fmt: skip
            set_row.addWidget(widget)
        set_row.addStretch(1)
        self.model_labels = (QLabel(), QLabel())
        models_row = QHBoxLayout()
        for label, edit in zip(self.model_labels, self.model_edits.values(), strict=True):
            models_row.addWidget(label)
            models_row.addWidget(edit, 1)
        run_row = QHBoxLayout()
        for widget in (self.run_button, self.resume_button, self.cancel_button):
            run_row.addWidget(widget)
        run_row.addWidget(self.progress, 1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.rating_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        for row in (set_row, models_row, run_row, files_row):
            layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error_box)
        layout.addWidget(splitter, 1)
        self._update_controls()

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
        if self.set_combo.count() and not self._set_requested:
            index = max(0, self.set_combo.findData(remembered))
            self.set_combo.setCurrentIndex(index)
            self.load_set(self.set_combo.itemData(index))

    def _set_chosen(self, index: int) -> None:
        self.load_set(self.set_combo.itemData(index))

    def _choose_set_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open phrase set"), self.settings.last_dir,
            self.tr("Phrase sets (*.tsv *.csv)"))  # fmt: skip
        if path:
            self.settings.last_dir = str(Path(path).parent)
            self.load_set(path)

    def load_set(self, path_or_name: str) -> None:
        """Load a set file or built-in set in the background; ``set_loaded`` or an error."""
        self._set_requested = True
        self.status.setText(self.tr("Loading {0}…").format(path_or_name))
        self._load_set.emit(str(path_or_name))

    def _set_loaded(self, phrase_set) -> None:
        if self._running:  # cannot happen through the UI: the controls are disabled
            return
        self._flush_ratings()
        self.run = self.run_path = None
        self.phrase_set = phrase_set
        self.settings.phrase_set = str(phrase_set.path)
        if self.set_combo.findData(str(phrase_set.path)) < 0:
            self.set_combo.addItem(phrase_set.path.name, str(phrase_set.path))
        self.set_combo.setCurrentIndex(self.set_combo.findData(str(phrase_set.path)))
        pairs = [f"fi-{lang}" for lang in phrase_set.languages if lang != "fi"]
        self.pair_combo.blockSignals(True)
        self.pair_combo.clear()
        self.pair_combo.addItems(pairs)
        if self.settings.pair in pairs:
            self.pair_combo.setCurrentText(self.settings.pair)
        self.pair_combo.blockSignals(False)
        self._pair_chosen(self.pair_combo.currentText())
        self._replace_results([], {})
        self.error_box.hide()
        review = phrase_set.metadata.get("review", "")
        self.status.setText(
            self.tr("{0}: {1} phrases. {2}").format(
                phrase_set.name, len(phrase_set.phrases), review
            )
        )
        self._update_controls()
        self.set_loaded.emit(phrase_set)

    def _set_failed(self, message: str) -> None:
        self.phrase_set = None
        self._update_controls()
        self.show_error(message)

    def _pair_chosen(self, pair: str) -> None:
        if not pair:
            return
        self.settings.pair = pair
        client = pair.split("-", 1)[1]
        for (key, edit), label in zip(self.model_edits.items(), self.model_labels, strict=True):
            direction = f"fi-{client}" if key == "to_client" else f"{client}-fi"
            label.setText(self.tr("Model {0}:").format(direction.replace("-", "→")))
            edit.setText(self.settings.model_folder(direction))
            edit.setProperty("direction", direction)

    def _remember_models(self) -> None:
        for edit in self.model_edits.values():
            if edit.property("direction"):
                self.settings.set_model_folder(edit.property("direction"), edit.text().strip())

    # ---- running ------------------------------------------------------------------------

    def run_options(self):
        """The RunOptions the tab's controls describe."""
        from interpreter.phrases.runner import RunOptions

        models = {}
        for edit in self.model_edits.values():
            folder, direction = edit.text().strip(), edit.property("direction")
            if folder and direction:
                models[tuple(direction.split("-"))] = Path(folder)
        self.settings.asr_model = self.asr_edit.text().strip() or "base"
        return RunOptions(
            pair=self.pair_combo.currentText(),
            audio=self.audio_check.isChecked(),
            asr_model=self.settings.asr_model,
            mt_models=models,
        )

    def start_run(self, resume: bool = False) -> None:
        if self.phrase_set is None or self._running:
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
        total = sum(1 for _ in self.phrase_set.phrases)
        self.progress.setRange(0, total)
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

    def _replace_results(self, results: list, ratings: dict[str, Rating]) -> None:
        """Show ``results``, keeping the selected phrase selected where it is still there."""
        selected = self.rating_panel.phrase_id
        self.ratings = dict(ratings)
        self.model.set_results(results, self.ratings)
        self.rating_panel.show_result(None, None)
        if results:
            self.table.selectRow(max(0, self.model.row_of(selected or "")))

    def _show(self, index) -> None:
        result = self.model.result(index.row())
        audio = result.audio if result is not None else None
        if result is not None and audio is None and self.phrase_set is not None:
            phrase = {p.id: p for p in self.phrase_set.phrases}.get(result.phrase_id)
            audio = str(phrase.audio) if phrase is not None and phrase.audio else None
        rating = self.ratings.get(result.phrase_id) if result is not None else None
        self.rating_panel.show_result(result, rating, audio)

    def set_rating(self, phrase_id: str, rating: Rating) -> None:
        """Record the tester's rating; saved with the run shortly after."""
        if rating.adequacy is None and not rating.misleading and not rating.comment:
            self.ratings.pop(phrase_id, None)
        else:
            self.ratings[phrase_id] = rating
        self.model.rating_changed(phrase_id)
        if self.run is not None:
            self._save_timer.start()

    def _flush_ratings(self) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._autosave()

    def _autosave(self) -> None:
        if self.run is not None and self.run_path is not None:
            self.save_run()

    def _snapshot(self):
        """A copy of the run with the current ratings, safe to hand to another thread."""
        return dataclasses.replace(
            self.run, ratings=dict(self.ratings), results=list(self.run.results)
        )

    # ---- files --------------------------------------------------------------------------

    def save_run(self, path: str | Path | None = None) -> None:
        """Write the run with its ratings to ``path`` (default: the run's own file)."""
        if self.run is None:
            return
        if path is not None:
            self.run_path = Path(path)
        self._save_run.emit(self._snapshot(), str(self.run_path))

    def open_run(self, path: str | Path) -> None:
        """Open a run JSON file (ratings included); ratings are saved back into it."""
        self._flush_ratings()
        self._load_run.emit(str(path))

    def export_ratings(self, path: str | Path) -> None:
        if self.run is not None:
            self._export_ratings.emit(self._snapshot(), str(path))

    def export_results(self, path: str | Path) -> None:
        if self.run is not None:
            self._export_results.emit(self._snapshot(), str(path))

    def write_report(self, path: str | Path) -> None:
        """The HTML report of the run, the tester's ratings included."""
        if self.run is not None:
            self._write_report.emit(self._snapshot(), str(path))

    def _run_loaded(self, run, path: str) -> None:
        self.run, self.run_path = run, Path(path)
        self._replace_results(run.results, run.ratings)
        self.status.setText(
            self.tr("Opened {0}: {1} phrases, {2} rated.").format(
                path, len(run.results), len(run.ratings)
            )
        )
        self._update_controls()
        self.run_finished.emit(run)

    def _saved(self, what: str, path: str) -> None:
        if what != "run" or path != str(self.run_path):
            self.status.setText(self.tr("Saved {0}").format(path))
        self.file_saved.emit(what, path)

    def _choose_run_file(self) -> None:
        folder = str(self.settings.runs_dir)
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open run"), folder, self.tr("Runs (*.json)")
        )
        if path:
            self.open_run(path)

    def _choose_target(self, what: str, filter_: str) -> None:
        if self.run is None:
            return
        suffix = {"run": ".json", "ratings": "-ratings.csv", "results": ".csv", "report": ".html"}
        stem = self.run_path.stem if self.run_path else Path(self.run.set_path).stem
        start = str(Path(self.settings.last_dir or self.settings.runs_dir) / (stem + suffix[what]))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save"), start, filter_)
        if not path:
            return
        self.settings.last_dir = str(Path(path).parent)
        action = {"run": self.save_run, "ratings": self.export_ratings,
                  "results": self.export_results, "report": self.write_report}[what]  # fmt: skip
        action(path)

    # ---- state --------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_box.setPlainText(message)
        self.error_box.show()
        self.status.setText(message.splitlines()[0] if message else "")
        self.error_shown.emit(message)

    def _update_controls(self) -> None:
        idle = not self._running
        for widget in (self.set_combo, self.open_set_button, self.pair_combo, self.audio_check,
                       self.asr_edit, *self.model_edits.values()):  # fmt: skip
            widget.setEnabled(idle)
        self.run_button.setEnabled(idle and self.phrase_set is not None)
        resumable = (
            self.run is not None
            and self.run.cancelled
            and self.phrase_set is not None
            and Path(self.run.set_path) == Path(self.phrase_set.path)
        )
        self.resume_button.setEnabled(idle and resumable)
        self.cancel_button.setEnabled(self._running)
        self.file_buttons[0].setEnabled(idle)
        for button in self.file_buttons[1:]:
            button.setEnabled(idle and self.run is not None)


def main(argv: list[str] | None = None) -> int:
    """Open the Tester tab in a window of its own."""
    logging.basicConfig(level=logging.INFO)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    tab = TesterTab()
    tab.setWindowTitle(tab.tr("Desk interpreter – phrase-set tester"))
    tab.resize(1200, 760)
    tab.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
