"""``interpreter doctor``'s server checks: reachable, models listed, a short request timed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interpreter.audio.base import SAMPLE_RATE
from interpreter.server.client import ServerClient, ServerError
from interpreter.server.config import ServerConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerFinding:
    ok: bool
    what: str
    fix: str = ""


def check_server(
    config: ServerConfig, client_factory: Callable[[ServerConfig], ServerClient] = ServerClient
) -> list[ServerFinding]:
    """What a desk needs from its server, each with the fix when it fails."""
    if not config.active:
        return [ServerFinding(True, "inference server: off (everything runs on this PC)")]
    try:
        client = client_factory(config)
    except (ServerError, ValueError, OSError) as exc:
        return [ServerFinding(False, f"inference server {config.host}: {exc}", _fix(config))]
    try:
        return _checks(config, client)
    finally:
        client.close()


def _fix(config: ServerConfig) -> str:
    return (
        f"check the server entry (URL {config.url}, CA bundle, API key in "
        f"${config.api_key_env} or the OS keyring) and that the server runs"
    )


def _checks(config: ServerConfig, client: ServerClient) -> list[ServerFinding]:
    findings: list[ServerFinding] = []
    reach = "/languages" if config.mt == "libretranslate" and not config.asr else "/v1/models"
    started = time.perf_counter()
    try:
        answer = client.get_json(reach)
        reached = True
    except ServerError as exc:
        answer, reached = None, "404" in str(exc) or "rejected" in str(exc)
        if not reached:
            return [ServerFinding(False, f"inference server {config.host}: {exc}", _fix(config))]
    ms = (time.perf_counter() - started) * 1000.0
    findings.append(ServerFinding(True, f"inference server {config.host}: reachable ({ms:.0f} ms)"))
    models = _model_ids(answer)
    wanted = [m for m in (config.asr_model if config.asr else "", config.mt_model) if m]
    if models is None:
        findings.append(
            ServerFinding(True, f"inference server models: not listed by {reach} (not checked)")
        )
    else:
        absent = [m for m in wanted if m not in models]
        findings.append(
            ServerFinding(
                not absent,
                f"inference server models: {', '.join(models) or 'none'}",
                f"the server does not list {', '.join(absent)}: fix the model names",
            )
        )
    findings += _timed_requests(config, client)
    return findings


def _model_ids(answer) -> list[str] | None:
    if isinstance(answer, dict) and isinstance(answer.get("data"), list):
        return [str(m.get("id")) for m in answer["data"] if isinstance(m, dict)]
    if isinstance(answer, list):  # LibreTranslate's /languages
        return [str(m.get("code")) for m in answer if isinstance(m, dict)]
    return None


def _timed_requests(config: ServerConfig, client: ServerClient) -> list[ServerFinding]:
    from interpreter.server.asr import RemoteWhisper
    from interpreter.server.translate import ChatTranslationBackend, LibreTranslateBackend

    checks: list[tuple[str, Callable[[], object]]] = []
    if config.asr:
        second = np.zeros(SAMPLE_RATE, np.float32)
        checks.append(
            ("transcription of 1 s", lambda: RemoteWhisper(client).transcribe(second, "fi"))
        )
    if config.mt == "libretranslate":
        backend = LibreTranslateBackend(client, "fi", "en", client.key)
        checks.append(("translation fi-en", lambda: backend.translate_batch(["Hyvää päivää."])))
    elif config.mt == "chat":
        chat = ChatTranslationBackend(client, config.mt_model, "fi", "en")
        checks.append(("chat translation fi-en", lambda: chat.translate_batch(["Hyvää päivää."])))
    findings = []
    for name, request in checks:
        started = time.perf_counter()
        try:
            request()
        except ServerError as exc:
            findings.append(ServerFinding(False, f"inference server {name}: {exc}", _fix(config)))
            continue
        seconds = time.perf_counter() - started
        slow = seconds > config.timeout_seconds
        findings.append(
            ServerFinding(
                not slow,
                f"inference server {name}: {seconds:.2f} s (deadline {config.timeout_seconds:g} s)",
                "the server is slower than the deadline: utterances will be finished on this PC",
            )
        )
    return findings
