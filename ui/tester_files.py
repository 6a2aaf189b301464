"""The Tester tab's run files: saving ratings with the run, opening runs, exports, report.

A mixin of :class:`ui.tester_tab.TesterTab`, kept apart to keep the tab's module short. It
uses the tab's ``run``, ``run_path``, ``ratings``, ``settings``, ``controls``, ``model``,
``status``, ``_save_timer``, the request signals to the file worker (``_save_run``,
``_load_run``, ``_export_ratings``, ``_export_results``, ``_write_report``) and
``_replace_results``, ``_update_controls``, ``run_finished``, ``file_saved``. Every write
goes to the file worker's thread with a snapshot of the run, never the live object.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from ui.tester_controls import TARGETS


class RunFilesMixin:
    """Run file actions of the Tester tab (see the module docstring for what it uses)."""

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
            QCoreApplication.translate("TesterTab", "Opened {0}: {1} phrases, {2} rated.").format(
                path, len(run.results), len(run.ratings)
            )
        )
        self._update_controls()
        self.run_finished.emit(run)

    def _saved(self, what: str, path: str) -> None:
        if what != "run" or path != str(self.run_path):
            self.status.setText(QCoreApplication.translate("TesterTab", "Saved {0}").format(path))
        self.file_saved.emit(what, path)

    def _choose_run_file(self) -> None:
        path = self.controls.ask_open_run(str(self.settings.runs_dir))
        if path:
            self.open_run(path)

    def _choose_target(self, what: str) -> None:
        if self.run is None:
            return
        stem = self.run_path.stem if self.run_path else Path(self.run.set_path).stem
        folder = Path(self.settings.last_dir or self.settings.runs_dir)
        path = self.controls.ask_save(what, str(folder / (stem + TARGETS[what][0])))
        if not path:
            return
        self.settings.last_dir = str(Path(path).parent)
        action = {"save_run": self.save_run, "ratings": self.export_ratings,
                  "results": self.export_results, "report": self.write_report}[what]  # fmt: skip
        action(path)
