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

Two keys limit more than one setting: ``allowed_pairs`` (the pairs a desk offers; locked,
a hard limit the command line keeps too) and ``glossary`` (the city's terms file; locked,
no other file is used). Reading it is Qt-free: the command line uses it too, the desk
window lays it over its own settings (``ui/central_settings.py``).
"""

from __future__ import annotations

import logging
import os
import re
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
ALLOWED_PAIRS = "allowed_pairs"
GLOSSARY = "glossary"
_PAIR = re.compile(r"fi-[a-z]{2,3}")


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

    def locked_pairs(self) -> tuple[str, ...]:
        """The pairs a locked ``allowed_pairs`` limits every desk and command to (empty:
        no limit). A list in ``[defaults]`` only preselects the desk's picker."""
        return tuple(self.locked.get(ALLOWED_PAIRS, ()))

    def check_pair(self, pair: str) -> None:
        """Refuse a pair outside the locked list, naming the file and the allowed pairs."""
        allowed = self.locked_pairs()
        if allowed and pair.lower() not in allowed:
            raise ValueError(
                f"The pair {pair} is not allowed on this desk: {self.path} allows only "
                f"{', '.join(allowed)}; ask IT to add it there."
            )

    def check_direction(self, source: str, target: str) -> None:
        """Refuse a translation direction whose pair is outside the locked list."""
        allowed = self.locked_pairs()
        if allowed and f"{source}-{target}" not in allowed and f"{target}-{source}" not in allowed:
            self.check_pair(f"{source}-{target}")

    def glossary_path(self, given: Path | None = None) -> Path | None:
        """The glossary a command uses: a locked file (``given`` is then refused), else
        ``given``, else the default file. Relative paths in the file are relative to it."""
        if GLOSSARY in self.locked:
            if given is not None:
                raise ValueError(
                    f"The glossary is locked by {self.path} ({self.locked[GLOSSARY]}); "
                    "leave out --glossary, or ask IT to change the file there."
                )
            return self.resolve_path(self.locked[GLOSSARY])
        if given is not None:
            return given
        return self.resolve_path(self.defaults.get(GLOSSARY, ""))

    def resolve_path(self, value: str) -> Path | None:
        """A path from the file: "" is none, a relative one is relative to the file."""
        if not value:
            return None
        path = Path(value).expanduser()
        if not path.is_absolute() and self.path is not None:
            path = self.path.parent / path
        return path


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
    for table in ("defaults", "locked"):
        _check_limits(path, table, data.get(table, {}))
    locked = dict(data.get("locked", {}))
    locked.update({SERVER_PREFIX + k: v for k, v in data.get("server", {}).items()})
    config = CentralConfig(path, dict(data.get("defaults", {})), locked)
    try:
        ServerConfig.from_mapping(data.get("server", {}), str(path))
        config.server().validate()
    except ServerConfigError as exc:
        raise CentralConfigError(f"In {path}: {exc}") from exc
    return config


def _check_limits(path: Path, table: str, values: Mapping[str, Any]) -> None:
    """``allowed_pairs`` is a non-empty list of fi-XX pairs, ``glossary`` a file name; a
    locked pair must be one of the locked allowed pairs."""
    if ALLOWED_PAIRS in values:
        pairs = values[ALLOWED_PAIRS]
        if (
            not isinstance(pairs, list)
            or not pairs
            or not all(isinstance(p, str) and _PAIR.fullmatch(p) for p in pairs)
        ):
            raise CentralConfigError(
                f"In {path}, [{table}] allowed_pairs must be a list of pairs such as "
                f'["fi-en", "fi-sv"] (Finnish first, lower case), not {pairs!r}.'
            )
        pair = values.get("pair")
        if isinstance(pair, str) and pair not in pairs:
            raise CentralConfigError(
                f"In {path}, [{table}] pair = {pair!r} is not one of allowed_pairs "
                f"({', '.join(pairs)})."
            )
    if GLOSSARY in values and not isinstance(values[GLOSSARY], str):
        raise CentralConfigError(
            f"In {path}, [{table}] glossary must be the path of a TSV or CSV file, "
            f"not {values[GLOSSARY]!r}."
        )
