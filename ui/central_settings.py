"""The city's configuration file laid over the desk's own settings.

:class:`LayeredStore` has the QSettings calls :class:`~ui.settings.DeskSettings` uses
(``value``, ``setValue``, ``sync``). A locked key always reads the file's value and a
write to it is refused (logged); a key the desk never set reads the file's default.
Every DeskSettings key works this way without a list of keys here.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSettings

from interpreter.central_config import CentralConfig

logger = logging.getLogger(__name__)


def _as_setting(value: Any) -> Any:
    """TOML values the way QSettings hands them back (booleans as 'true'/'false')."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class LayeredStore:
    """Locked file values, then the desk's QSettings, then the file's defaults."""

    def __init__(self, store: QSettings, central: CentralConfig) -> None:
        self.store = store
        self.central = central

    def is_locked(self, key: str) -> bool:
        return self.central.is_locked(key)

    def value(self, key: str, default: Any = None) -> Any:
        if self.central.is_locked(key):
            return _as_setting(self.central.locked[key])
        if self.store.contains(key):
            return self.store.value(key, default)
        return _as_setting(self.central.default(key, default))

    def contains(self, key: str) -> bool:
        return (
            self.central.is_locked(key)
            or self.store.contains(key)
            or (key in self.central.defaults)
        )

    def setValue(self, key: str, value: Any) -> None:  # the QSettings name
        if self.central.is_locked(key):
            logger.warning("setting %s is locked by %s; not changed", key, self.central.path)
            return
        self.store.setValue(key, value)

    def remove(self, key: str) -> None:
        if not self.central.is_locked(key):
            self.store.remove(key)

    def sync(self) -> None:
        self.store.sync()

    def fileName(self) -> str:  # the QSettings name
        return self.store.fileName()
