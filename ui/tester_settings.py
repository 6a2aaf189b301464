"""The Tester tab's remembered choices, under the ``tester/`` group of the desk's QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ui.settings import APPLICATION, ORGANIZATION

APP_DIR_NAME = "desk-interpreter"


def default_runs_dir() -> Path:
    """Where runs are saved automatically: the per-user data folder."""
    import platformdirs

    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False) / "phrase-runs"


class TesterSettings:
    """Last set, pair, mode and model folders; where runs are saved; the last folder used."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    def _get(self, key: str, default: str = "") -> str:
        value = self.store.value(f"tester/{key}", default)
        return str(value) if value is not None else default

    def _set(self, key: str, value: str) -> None:
        self.store.setValue(f"tester/{key}", value)

    @property
    def phrase_set(self) -> str:
        """A built-in set's name or a file path ('' : the first built-in set)."""
        return self._get("set")

    @phrase_set.setter
    def phrase_set(self, value: str) -> None:
        self._set("set", value)

    @property
    def pair(self) -> str:
        return self._get("pair")

    @pair.setter
    def pair(self, value: str) -> None:
        self._set("pair", value)

    @property
    def audio(self) -> bool:
        return self._get("audio", "false").lower() in ("true", "1")

    @audio.setter
    def audio(self, value: bool) -> None:
        self._set("audio", "true" if value else "false")

    @property
    def fast(self) -> bool:
        """Replay speech as fast as possible (no latencies) instead of in real time."""
        return self._get("fast", "false").lower() in ("true", "1")

    @fast.setter
    def fast(self, value: bool) -> None:
        self._set("fast", "true" if value else "false")

    @property
    def fixed_sides(self) -> bool:
        """Speech: each phrase's language is given (push to talk), not identified."""
        return self._get("fixed_sides", "false").lower() in ("true", "1")

    @fixed_sides.setter
    def fixed_sides(self, value: bool) -> None:
        self._set("fixed_sides", "true" if value else "false")

    @property
    def asr_model(self) -> str:
        return self._get("asr_model", "base") or "base"

    @asr_model.setter
    def asr_model(self, value: str) -> None:
        self._set("asr_model", value)

    def model_folder(self, direction: str) -> str:
        """Translation model folder for ``fi-en``-style direction ('' : the installed one)."""
        return self._get(f"models/{direction}")

    def set_model_folder(self, direction: str, folder: str) -> None:
        self._set(f"models/{direction}", folder)

    @property
    def runs_dir(self) -> Path:
        value = self._get("runs_dir")
        return Path(value) if value else default_runs_dir()

    @runs_dir.setter
    def runs_dir(self, value: Path | str) -> None:
        self._set("runs_dir", str(value))

    @property
    def last_dir(self) -> str:
        return self._get("last_dir")

    @last_dir.setter
    def last_dir(self, value: str) -> None:
        self._set("last_dir", value)
