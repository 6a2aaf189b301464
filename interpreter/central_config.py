"""The system-wide configuration file a city's IT rolls out to every desk.

A TOML file in the site config folder (``platformdirs.site_config_path("desk-interpreter")``,
e.g. ``/etc/xdg/desk-interpreter/config.toml``; ``DESK_INTERPRETER_CONFIG`` points at
another file). Tables:

* ``[defaults]``: desk settings (the keys of the desk's settings) used until the desk
  changes them;
* ``[locked]``: desk settings every desk uses and no user can change;
* ``[server]``: the city's inference server (``interpreter.server.config.ServerConfig``
  keys); it is locked, as if each key were in ``[locked]`` with a ``server_`` prefix.
  Per-desk server defaults go in ``[defaults]`` as ``server_url`` etc.

Reading it is Qt-free: the command line uses it too, the desk window lays it over its
own settings (``ui/central_settings.py``).
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from interpreter.server.config import ServerConfig, ServerConfigError

logger = logging.getLogger(__name__)

APP_NAME = "desk-interpreter"
CONFIG_ENV = "DESK_INTERPRETER_CONFIG"
CONFIG_NAME = "config.toml"
SERVER_PREFIX = "server_"
_TABLES = ("defaults", "locked", "server")


class CentralConfigError(ValueError):
    """The file cannot be used; the message names it and what is wrong."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the file is looked for: ``$DESK_INTERPRETER_CONFIG``, else the site folder."""
    environ = os.environ if environ is None else environ
    override = environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.site_config_path(APP_NAME)) / CONFIG_NAME


def server_keys() -> list[str]:
    """The desk settings keys of the server entry (``server_url``, ...)."""
    return [SERVER_PREFIX + item.name for item in fields(ServerConfig)]


@dataclass(frozen=True)
class CentralConfig:
    """Defaults and locked values by desk settings key; empty when there is no file."""

    path: Path | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    locked: Mapping[str, Any] = field(default_factory=dict)

    def is_locked(self, key: str) -> bool:
        return key in self.locked

    def default(self, key: str, fallback: Any = None) -> Any:
        return self.defaults.get(key, fallback)

    def value(self, key: str, desk_value: Any = None) -> Any:
        """What applies: the locked value, else the desk's own, else the default."""
        if key in self.locked:
            return self.locked[key]
        if desk_value is not None:
            return desk_value
        return self.defaults.get(key)

    def server(self, desk_values: Mapping[str, Any] | None = None) -> ServerConfig:
        """The server entry from locked, desk and default ``server_*`` values."""
        desk_values = desk_values or {}
        values = {}
        for key in server_keys():
            value = self.value(key, desk_values.get(key))
            if value is not None:
                values[key[len(SERVER_PREFIX) :]] = value
        where = str(self.path) if self.path else "the desk settings"
        return ServerConfig.from_mapping(values, where)


def load_central_config(path: Path | None = None) -> CentralConfig:
    """Read the file (``path``, else :func:`config_path`); no file gives an empty config."""
    path = path or config_path()
    if not path.is_file():
        logger.debug("no central configuration at %s", path)
        return CentralConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CentralConfigError(f"Cannot read the configuration file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CentralConfigError(
            f"The configuration file {path} is not valid TOML ({exc}); fix it or remove it."
        ) from exc
    unknown = sorted(set(data) - set(_TABLES))
    if unknown:
        raise CentralConfigError(
            f"The configuration file {path} has unknown table(s) {', '.join(unknown)}; "
            f"use {', '.join(f'[{t}]' for t in _TABLES)}."
        )
    for table in _TABLES:
        if not isinstance(data.get(table, {}), dict):
            raise CentralConfigError(f"In {path}, {table} must be a table ([{table}]).")
    locked = dict(data.get("locked", {}))
    locked.update({SERVER_PREFIX + k: v for k, v in data.get("server", {}).items()})
    config = CentralConfig(path, dict(data.get("defaults", {})), locked)
    try:
        ServerConfig.from_mapping(data.get("server", {}), str(path))
        config.server().validate()
    except ServerConfigError as exc:
        raise CentralConfigError(f"In {path}: {exc}") from exc
    return config
