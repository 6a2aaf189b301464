"""The Tester tab's workers: running a phrase set, and the files around it, off the UI thread.

:class:`RunWorker` loads models and runs a set (minutes); :class:`FileWorker` lists and
loads sets and reads and writes run files, reports and exports (disk I/O, matplotlib). Each
lives in its own QThread, so saving ratings never waits for a running set. The tab talks
to them only through queued signals; the run's cancel flag is a ``threading.Event``.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

logger = logging.getLogger(__name__)


class RunWorker(QObject):
    """Runs :func:`interpreter.phrases.runner.run_phrase_set` and reports each phrase."""

    progress = Signal(int, int, object)  # done, total, PhraseResult
    notice = Signal(str)  # e.g. "synthesizing speech"
    finished = Signal(object)  # RunResult (cancelled=True when stopped early)
    failed = Signal(str)  # a user-facing error: models missing, bad glossary, ...

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()

    @Slot(object, object, object)
    def run(self, phrase_set, options, resume) -> None:
        """``phrase_set``: PhraseSet; ``options``: RunOptions; ``resume``: RunResult or None."""
        from interpreter.phrases.runner import run_phrase_set

        self.cancel_event.clear()
        try:
            result = run_phrase_set(
                phrase_set,
                options,
                on_progress=self.progress.emit,
                cancel=self.cancel_event,
                resume=resume,
                on_notice=self.notice.emit,
            )
        except Exception as exc:  # every failure must reach the tester, not the thread's void
            logger.exception("running %s failed", phrase_set.path)
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.finished.emit(result)


class FileWorker(QObject):
    """Phrase-set and run files: each request answers with one signal."""

    sets_listed = Signal(list)  # [(name, Path)] of the built-in sets
    # Each answer names the request it answers, so the tab can drop a superseded one.
    set_loaded = Signal(object, str)  # PhraseSet, the request
    set_failed = Signal(str, str)  # the loader's message (problems with line numbers), request
    run_loaded = Signal(object, str)  # RunResult, path
    saved = Signal(str, str)  # what ("run", "ratings", "report", "results"), path
    failed = Signal(str)  # a user-facing error naming the file

    @Slot()
    def list_sets(self) -> None:
        from interpreter.phrases.format import builtin_sets

        try:
            self.sets_listed.emit([(p.stem, p) for p in builtin_sets()])
        except OSError as exc:
            self.failed.emit(f"Cannot list the built-in phrase sets: {exc}")

    @Slot(str)
    def load_set(self, path_or_name: str) -> None:
        from interpreter.phrases.format import PhraseSetError, load_phrase_set

        try:
            self.set_loaded.emit(load_phrase_set(path_or_name), path_or_name)
        except PhraseSetError as exc:
            self.set_failed.emit(str(exc), path_or_name)
        except Exception as exc:
            logger.exception("loading phrase set %s failed", path_or_name)
            self.set_failed.emit(f"Cannot load the phrase set {path_or_name}: {exc}", path_or_name)

    @Slot(str)
    def load_run(self, path: str) -> None:
        from interpreter.phrases.results import RunFileError, RunResult

        try:
            self.run_loaded.emit(RunResult.from_json(path), path)
        except RunFileError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            logger.exception("loading run %s failed", path)
            self.failed.emit(f"Cannot open the run file {path}: {exc}")

    @Slot(object, str)
    def save_run(self, run, path: str) -> None:
        """Write the run with its ratings (atomically: a failed write keeps the old file)."""
        self._write("run", path, lambda: _save_run(run, Path(path)))

    @Slot(object, str)
    def export_ratings(self, run, path: str) -> None:
        from interpreter.phrases.ratings import write_ratings_csv

        self._write("ratings", path, lambda: write_ratings_csv(run, path))

    @Slot(object, str)
    def export_results(self, run, path: str) -> None:
        from interpreter.phrases.report import write_csv

        self._write("results", path, lambda: write_csv(run, path))

    @Slot(object, str)
    def write_report(self, run, path: str) -> None:
        from interpreter.phrases.report import write_html

        self._write("report", path, lambda: write_html(run, path))

    def _write(self, what: str, path: str, write) -> None:
        try:
            write()
        except OSError as exc:
            self.failed.emit(
                f"Cannot write {path}: {exc.strerror or exc}. Choose another folder "
                "(the results stay open here)."
            )
            return
        except Exception as exc:
            logger.exception("writing %s %s failed", what, path)
            self.failed.emit(f"Cannot write {path}: {exc}")
            return
        self.saved.emit(what, path)


def _save_run(run, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    run.to_json(path)
