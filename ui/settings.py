"""The desk's persisted settings, typed, on top of QSettings.

The QSettings object is injected: the app uses the per-user default, tests an INI file in
a temporary folder, so a test never touches a real desk's settings. The city's
configuration file (``interpreter/central_config.py``) is laid over it: its defaults apply
until the desk changes a value, its locked values always apply.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from interpreter.central_config import CentralConfig, server_keys
from interpreter.server.config import ServerConfig
from ui.central_settings import LayeredStore

DEFAULT_PAIR = "fi-en"
DEFAULT_FONT_PT = 32
MIN_FONT_PT, MAX_FONT_PT = 16, 96
MODES = ("auto", "push")
THEMES = ("light", "dark")
UI_LANGUAGES = ("auto", "fi", "sv", "en")
ORGANIZATION, APPLICATION = "desk-interpreter", "desk"


class DeskSettings:
    """Pair, microphone, speaker mode, client font size, theme, UI language and export."""

    def __init__(
        self, store: QSettings | None = None, central: CentralConfig | None = None
    ) -> None:
        own = store if store is not None else QSettings(ORGANIZATION, APPLICATION)
        self.central = central or CentralConfig()
        self.store = LayeredStore(own, self.central)

    def is_locked(self, key: str) -> bool:
        """Whether the city's configuration file fixes this key."""
        return self.central.is_locked(key)

    def _get(self, key: str, default: str) -> str:
        value = self.store.value(key, default)
        return str(value) if value is not None else default

    def _choice(self, key: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self._get(key, default)
        return value if value in allowed else default

    @property
    def pair(self) -> str:
        """The saved pair; one the allowed pairs leave out falls back to the first allowed."""
        value = self._get("pair", DEFAULT_PAIR).lower()
        value = value if value.startswith("fi-") and len(value) > 3 else DEFAULT_PAIR
        allowed = self.allowed_pairs
        return value if not allowed or value in allowed else allowed[0]

    @pair.setter
    def pair(self, value: str) -> None:
        self.store.setValue("pair", value)

    @property
    def allowed_pairs(self) -> tuple[str, ...]:
        """The pairs the language picker offers (empty: every language). The city's file
        sets them as a list; the desk's own setting is saved comma-separated."""
        value = self.store.value("allowed_pairs", "")
        items = value if isinstance(value, list | tuple) else str(value or "").split(",")
        pairs = (str(item).strip().lower() for item in items)
        return tuple(dict.fromkeys(p for p in pairs if p.startswith("fi-") and len(p) > 3))

    @allowed_pairs.setter
    def allowed_pairs(self, pairs: tuple[str, ...]) -> None:
        self.store.setValue("allowed_pairs", ",".join(pairs))

    @property
    def glossary(self) -> str:
        """The glossary file every session uses ("" for none): the city's locked file, else
        the desk's own choice, else the city's default."""
        if self.is_locked("glossary") or not self.store.store.contains("glossary"):
            path = self.central.glossary_path()
            return str(path) if path else ""
        return self._get("glossary", "")

    @glossary.setter
    def glossary(self, value: str) -> None:
        self.store.setValue("glossary", value)

    @property
    def device(self) -> str:
        """The microphone's name ('' for the system default): names survive re-plugging,
        indexes do not."""
        return self._get("device", "")

    @device.setter
    def device(self, value: str) -> None:
        self.store.setValue("device", value)

    @property
    def mode(self) -> str:
        return self._choice("mode", "auto", MODES)

    @mode.setter
    def mode(self, value: str) -> None:
        self.store.setValue("mode", value)

    @property
    def font_pt(self) -> int:
        try:
            value = int(self._get("client_font_pt", str(DEFAULT_FONT_PT)))
        except ValueError:
            value = DEFAULT_FONT_PT
        return min(MAX_FONT_PT, max(MIN_FONT_PT, value))

    @font_pt.setter
    def font_pt(self, value: int) -> None:
        self.store.setValue("client_font_pt", min(MAX_FONT_PT, max(MIN_FONT_PT, int(value))))

    @property
    def theme(self) -> str:
        return self._choice("theme", "light", THEMES)

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("theme", value)

    @property
    def ui_language(self) -> str:
        return self._choice("ui_language", "auto", UI_LANGUAGES)

    @ui_language.setter
    def ui_language(self, value: str) -> None:
        self.store.setValue("ui_language", value)

    @property
    def export_enabled(self) -> bool:
        return self._get("export_enabled", "false").lower() in ("true", "1")

    @export_enabled.setter
    def export_enabled(self, value: bool) -> None:
        self.store.setValue("export_enabled", "true" if value else "false")

    @property
    def export_folder(self) -> str:
        return self._get("export_folder", "")

    @export_folder.setter
    def export_folder(self, value: str) -> None:
        self.store.setValue("export_folder", value)

    @property
    def attention_view(self) -> bool:
        """One screen: the client window covers the screen (True) or shares it (False)."""
        return self._get("attention_view", "false").lower() in ("true", "1")

    @attention_view.setter
    def attention_view(self, value: bool) -> None:
        self.store.setValue("attention_view", "true" if value else "false")

    @property
    def models_dir(self) -> str:
        """Where models are kept ("" = the default); INTERPRETER_MODELS_DIR overrides it."""
        return self._get("models_dir", "")

    @models_dir.setter
    def models_dir(self, value: str) -> None:
        self.store.setValue("models_dir", value)

    @property
    def speech_listeners(self) -> tuple[str, ...]:
        """The sides that hear translations spoken ("client", "staff"); none by default."""
        sides = self._get("speech_listeners", "").split(",")
        return tuple(side for side in ("client", "staff") if side in sides)

    @speech_listeners.setter
    def speech_listeners(self, sides: tuple[str, ...]) -> None:
        self.store.setValue("speech_listeners", ",".join(sides))

    @property
    def speech_volume(self) -> int:
        """Speech output volume, 0-100."""
        try:
            value = int(self._get("speech_volume", "80"))
        except ValueError:
            value = 80
        return min(100, max(0, value))

    @speech_volume.setter
    def speech_volume(self, value: int) -> None:
        self.store.setValue("speech_volume", min(100, max(0, int(value))))

    @property
    def speech_device(self) -> str:
        """The speech output device's name ('' for the system default)."""
        return self._get("speech_device", "")

    @speech_device.setter
    def speech_device(self, value: str) -> None:
        self.store.setValue("speech_device", value)

    @property
    def server(self) -> ServerConfig:
        """The inference server entry (off by default). The API key is never here."""
        values = {key: self.store.value(key) for key in server_keys()}
        return self.central.server({k: v for k, v in values.items() if v is not None})

    @server.setter
    def server(self, value: ServerConfig) -> None:
        for name, item in value.to_mapping().items():
            if self.is_locked(f"server_{name}"):
                continue
            if isinstance(item, bool):
                item = "true" if item else "false"
            self.store.setValue(f"server_{name}", item)

    def sync(self) -> None:
        self.store.sync()
