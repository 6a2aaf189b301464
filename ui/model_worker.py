"""The model dialog's worker: planning, installing and importing models off the UI thread.

Everything here touches the disk or the network, so it lives in a QObject moved to its own
QThread; the dialog talks to it only through queued signals (and a thread-safe cancel flag).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

logger = logging.getLogger(__name__)


class ModelWorker(QObject):
    """Runs the model-management calls of :mod:`models.plan` and :mod:`models.archive`."""

    planned = Signal(object)  # models.plan.PairPlan
    progress = Signal(object, int, int)  # models.install.InstallProgress, model n, of m
    finished = Signal(str)  # a message for the user: what was installed or imported
    failed = Signal(str)  # a user-facing error
    cancelled = Signal(str)

    def __init__(self, store=None, hardware=None, catalog=None) -> None:
        super().__init__()
        self._store = store
        self._hardware = hardware
        self._catalog = catalog
        self.cancel_event = threading.Event()

    def _context(self):
        from models.catalog import Hardware, ModelCatalog
        from models.store import ModelStore

        self._store = self._store or ModelStore()
        self._hardware = self._hardware or Hardware.detect()
        self._catalog = self._catalog or ModelCatalog.load()
        return self._store, self._hardware, self._catalog

    @Slot(str)
    def plan(self, pair: str) -> None:
        try:
            from models.plan import plan_for_pair

            store, hardware, catalog = self._context()
            self.planned.emit(plan_for_pair(pair, store, hardware, catalog))
        except Exception as exc:  # every failure must reach the user, not the thread's void
            logger.exception("planning %s failed", pair)
            self.failed.emit(str(exc))

    @Slot(object, bool)
    def install(self, plan, optional: bool = False) -> None:
        """Install what ``plan`` lacks; ``optional``: its neural voices too."""
        from models.install import InstallCancelled
        from models.plan import install_item

        self.cancel_event.clear()
        store, _, catalog = self._context()
        missing = plan.installable if optional else plan.missing
        try:
            for index, item in enumerate(missing, start=1):
                install_item(
                    store,
                    item,
                    catalog,
                    on_progress=lambda p, i=index: self.progress.emit(p, i, len(missing)),
                    cancel=self.cancel_event,
                )
        except InstallCancelled as exc:
            self.cancelled.emit(str(exc))
            return
        except Exception as exc:
            logger.exception("installing models for %s failed", plan.pair)
            self.failed.emit(str(exc))
            return
        names = ", ".join(item.name for item in missing)
        self.finished.emit(names)

    @Slot(str)
    def import_from(self, source: str) -> None:
        try:
            from models.archive import import_models

            store, _, _ = self._context()
            imported = import_models(store, Path(source))
        except Exception as exc:
            logger.exception("importing %s failed", source)
            self.failed.emit(str(exc))
            return
        self.finished.emit(", ".join(m.manifest.model_id for m in imported))
