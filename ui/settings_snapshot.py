"""The desk's saved settings as plain values, for the support report (no window needed)."""

from __future__ import annotations

from typing import Any


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return f"<{type(value).__name__}>"  # window geometry and other binary state


def saved_settings(store: Any = None) -> dict[str, Any]:
    """Where the settings live and every saved key with its value (``store``: a
    QSettings; the per-user default when None)."""
    from PySide6.QtCore import QSettings

    from ui.settings import APPLICATION, ORGANIZATION

    store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)
    return {
        "file": store.fileName(),
        "values": {key: _plain(store.value(key)) for key in sorted(store.allKeys())},
    }
