"""Putting a server entry to work: the recognition engine and translation engines that use
the server first and this PC's models when it fails, sharing one :class:`ServerHealth`.

The local models are always loaded too: they are the fallback that keeps every utterance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.server.asr import RemoteWhisper, ServerWhisperEngine
from interpreter.server.client import (
    SERVER_UNAVAILABLE,
    BackoffPolicy,
    ServerClient,
    ServerError,
    ServerHealth,
)
from interpreter.server.config import ServerConfig
from interpreter.server.translate import (
    ChatTranslationBackend,
    LibreTranslateBackend,
    ServerTranslationEngine,
)
from interpreter.translate.engine import TranslationEngine
from interpreter.translate.glossary import Glossary

logger = logging.getLogger(__name__)


def server_in_use(config: ServerConfig) -> str:
    """What the status bar says while the server is used: what goes where."""
    what = " and ".join(
        part for part, on in (("speech", config.serves_asr), ("text", config.serves_mt)) if on
    )
    return f"{what[:1].upper()}{what[1:]} sent to server {config.host}"


class ServerConnection:
    """One server: its client, its health, and the status it reports."""

    def __init__(
        self,
        config: ServerConfig,
        on_status: Callable[[str], None] | None = None,
        key: str | None = None,
        transport=None,
        backoff: BackoffPolicy | None = None,
    ) -> None:
        self.config = config.validate()
        self.client = ServerClient(config, key=key, transport=transport)
        self._on_status = on_status
        self.health = ServerHealth(self._probe, self._changed, backoff)

    def _probe(self) -> None:
        """A cheap request that shows the server is back (a transcription of silence can
        take long: Whisper may generate up to its length limit on it)."""
        if self.config.mt == "libretranslate" and not self.config.serves_asr:
            self.client.get_json("/languages")
            return
        try:
            self.client.get_json("/v1/models")
        except ServerError as exc:
            if exc.status != 404:  # a server without a model list is up all the same
                raise

    def _changed(self, available: bool) -> None:
        if self._on_status is not None:
            self._on_status(server_in_use(self.config) if available else SERVER_UNAVAILABLE)

    def announce(self) -> None:
        """Say that the server is in use (privacy: the desk shows where speech goes)."""
        self._changed(True)

    def close(self) -> None:
        self.health.close()
        self.client.close()

    def asr_engine(self, local: WhisperEngine) -> ServerWhisperEngine:
        return ServerWhisperEngine(local, RemoteWhisper(self.client), self.health)

    def translation_engine(
        self,
        source: str,
        target: str,
        local: TranslationEngine | None,
        glossary: Glossary | None,
    ) -> ServerTranslationEngine:
        if isinstance(local, ServerTranslationEngine):  # reused from an earlier session
            local = local.local
        if self.config.mt == "libretranslate":
            key = self.client.key or ""
            backend = LibreTranslateBackend(self.client, source, target, api_key=key)
        else:
            backend = ChatTranslationBackend(self.client, self.config.mt_model, source, target)
        remote = TranslationEngine(
            source, target, f"server:{self.config.mt}", [backend], glossary=glossary
        )
        return ServerTranslationEngine(remote, local, self.health, self.config.host)

    def translation_engines(
        self,
        directions: list[tuple[str, str]],
        local: Mapping[tuple[str, str], TranslationEngine],
        glossary: Glossary | None,
    ) -> dict[tuple[str, str], ServerTranslationEngine]:
        return {
            direction: self.translation_engine(*direction, local.get(direction), glossary)
            for direction in directions
        }
