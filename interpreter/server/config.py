"""A city inference server entry: where it is, what it serves, how long to wait for it.

The entry comes from the desk's settings or the system-wide config file
(:mod:`interpreter.server.central`); it never holds the API key, which comes from an
environment variable or the OS keyring (:mod:`interpreter.server.credentials`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

#: Translation through the server: none, LibreTranslate's API, or an OpenAI-compatible chat API.
MT_KINDS = ("", "libretranslate", "chat")
DEFAULT_API_KEY_ENV = "DESK_INTERPRETER_API_KEY"


class ServerConfigError(ValueError):
    """A server entry that cannot be used; the message names the key and the fix."""


@dataclass(frozen=True)
class ServerConfig:
    """One inference server. Off (``enabled`` false or no ``url``) by default."""

    url: str = ""
    enabled: bool = False
    #: Speech recognition through ``POST /v1/audio/transcriptions``.
    asr: bool = True
    #: Translation: "" (local models), "libretranslate" or "chat".
    mt: str = ""
    #: Model names the server knows (the transcription ``model`` field; the chat model).
    asr_model: str = "whisper-1"
    mt_model: str = ""
    #: Deadline for one request: past it the utterance is finished on this PC.
    timeout_seconds: float = 6.0
    connect_timeout_seconds: float = 2.0
    #: PEM file of the city's certificate authority; "" verifies against the system store.
    ca_bundle: str = ""
    #: Environment variable holding the API key (checked before the OS keyring).
    api_key_env: str = DEFAULT_API_KEY_ENV

    @property
    def active(self) -> bool:
        return self.enabled and bool(self.url)

    @property
    def serves_asr(self) -> bool:
        return self.active and self.asr

    @property
    def serves_mt(self) -> bool:
        return self.active and bool(self.mt)

    @property
    def host(self) -> str:
        """The server as the status bar names it (host and port)."""
        return urlsplit(self.url).netloc or self.url

    def validate(self) -> ServerConfig:
        """Raise :class:`ServerConfigError` naming the bad key, else return self."""
        if not self.active:
            return self
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ServerConfigError(
                f"Server URL {self.url!r} is not an http(s) URL; use e.g. "
                "https://interpreter.city.example"
            )
        if self.mt not in MT_KINDS:
            raise ServerConfigError(
                f"Server translation {self.mt!r} is unknown; use libretranslate, chat or leave "
                "it empty for this PC's models."
            )
        if self.mt == "chat" and not self.mt_model:
            raise ServerConfigError(
                "Server translation 'chat' needs mt_model: the name of the chat model the "
                "server serves."
            )
        if self.timeout_seconds <= 0 or self.connect_timeout_seconds <= 0:
            raise ServerConfigError("Server timeouts must be positive numbers of seconds.")
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise ServerConfigError(
                f"Server CA bundle {self.ca_bundle} does not exist; give the PEM file of the "
                "city's certificate authority, or leave it empty for the system store."
            )
        return self

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], source: str = "settings") -> ServerConfig:
        """Build from plain values (TOML table, settings); unknown keys are an error."""
        known = {item.name: item for item in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ServerConfigError(
                f"Unknown server key(s) {', '.join(unknown)} in {source}; known keys: "
                f"{', '.join(known)}."
            )
        converted: dict[str, Any] = {}
        for name, value in values.items():
            converted[name] = _convert(name, value, known[name].type, source)
        return cls(**converted)

    def to_mapping(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


def _convert(name: str, value: Any, kind: Any, source: str) -> Any:
    kind = str(kind)
    try:
        if kind == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        if kind == "float":
            return float(value)
        return "" if value is None else str(value)
    except (TypeError, ValueError) as exc:
        raise ServerConfigError(
            f"Server key {name} in {source}: {value!r} is not a {kind}."
        ) from exc
