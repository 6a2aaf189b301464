"""HTTP to the city's inference server: one reused connection pool, a deadline per request,
TLS verified against the system store or the city's CA bundle, and errors that say what
went wrong and with which server.

:class:`ServerHealth` remembers that the server failed and retries it in the background
with exponential backoff (honouring ``Retry-After``); while it is down every request is
refused at once, so the desk goes straight to its own models.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interpreter.server.config import ServerConfig
from interpreter.server.credentials import api_key

logger = logging.getLogger(__name__)

SERVER_UNAVAILABLE = "server unavailable, using this PC"


class ServerError(RuntimeError):
    """A request that did not give a usable answer. ``retry_after``: seconds the server
    asked to wait (429/503), if it said."""

    def __init__(
        self, message: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status  # the HTTP status, when the server answered


def ssl_context(config: ServerConfig) -> ssl.SSLContext:
    """Verification against the city's CA bundle when given, else the system store."""
    if config.ca_bundle:
        return ssl.create_default_context(cafile=config.ca_bundle)
    return ssl.create_default_context()


class ServerClient:
    """Requests to one server over a shared ``httpx.Client`` (thread-safe, keeps connections)."""

    def __init__(
        self,
        config: ServerConfig,
        key: str | None = None,
        transport: Any = None,
    ) -> None:
        import httpx

        self.config = config.validate()
        headers = {"User-Agent": "desk-interpreter"}
        key = key if key is not None else api_key(config.url, config.api_key_env)
        self.key = key or ""
        if key:
            headers["Authorization"] = f"Bearer {key}"
        timeout = httpx.Timeout(config.timeout_seconds, connect=config.connect_timeout_seconds)
        self._http = httpx.Client(
            base_url=config.url.rstrip("/"),
            headers=headers,
            timeout=timeout,
            verify=ssl_context(config) if config.url.startswith("https") else True,
            transport=transport,
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
        )

    @property
    def name(self) -> str:
        return self.config.host

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, timeout: float | None = None) -> Any:
        return self._json(self._send("GET", path, timeout=timeout), path)

    def post_json(self, path: str, payload: dict, timeout: float | None = None) -> Any:
        return self._json(self._send("POST", path, json=payload, timeout=timeout), path)

    def post_form(self, path: str, data: dict, files: dict, timeout: float | None = None) -> Any:
        return self._json(self._send("POST", path, data=data, files=files, timeout=timeout), path)

    def _send(self, method: str, path: str, timeout: float | None = None, **kwargs):
        import httpx

        where = f"{self.config.url.rstrip('/')}{path}"
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=self.config.connect_timeout_seconds)
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ServerError(f"Server {self.name} did not answer {path} in time ({exc}).") from exc
        except httpx.ConnectError as exc:
            raise ServerError(_connect_message(self.config, exc)) from exc
        except httpx.HTTPError as exc:
            raise ServerError(f"Request to {where} failed: {exc}.") from exc
        if response.status_code in (401, 403):
            raise ServerError(
                f"Server {self.name} refused the API key ({response.status_code}) for {path}: "
                f"set the key in ${self.config.api_key_env} or the OS keyring (Settings).",
                status=response.status_code,
            )
        if response.status_code == 429 or response.status_code >= 500:
            raise ServerError(
                f"Server {self.name} answered {response.status_code} for {path}"
                f"{': busy' if response.status_code == 429 else ''}.",
                retry_after=_retry_after(response.headers.get("Retry-After")),
                status=response.status_code,
            )
        if response.status_code >= 400:
            # Not the body: it may echo what was sent, and this message reaches the log.
            raise ServerError(
                f"Server {self.name} rejected {path} ({response.status_code}, "
                f"{_body_summary(response)}).",
                status=response.status_code,
            )
        return response

    def _json(self, response, path: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ServerError(
                f"Server {self.name} returned something that is not JSON for {path} "
                f"({_body_summary(response)})."
            ) from exc


def _body_summary(response) -> str:
    """What a response held, without its text (a transcript or translation must never
    reach the log through an error message)."""
    kind = response.headers.get("Content-Type", "no content type").split(";")[0]
    return f"{kind}, {len(response.content)} bytes"


def _connect_message(config: ServerConfig, exc: Exception) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        where = f"the CA bundle {config.ca_bundle}" if config.ca_bundle else "the system store"
        return (
            f"Server {config.host} presented a certificate that is not trusted by {where} "
            f"({text}). Set the server's CA bundle to the city's CA file (PEM)."
        )
    return f"Cannot connect to server {config.host}: {text}."


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the backoff decides


@dataclass(frozen=True)
class BackoffPolicy:
    """Seconds between background retries: doubling from ``first`` up to ``longest``."""

    first: float = 1.0
    longest: float = 60.0

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        delay = min(self.longest, self.first * (2 ** max(0, failures - 1)))
        return max(delay, retry_after or 0.0)


class ServerHealth:
    """Whether the server is usable now, and the background retry while it is not.

    ``probe`` is a cheap request (raising :class:`ServerError` on failure); ``on_change``
    hears ``True`` (the server is used) or ``False`` (this PC is used), from any thread.
    """

    def __init__(
        self,
        probe: Callable[[], None],
        on_change: Callable[[bool], None] | None = None,
        backoff: BackoffPolicy | None = None,
    ) -> None:
        self._probe = probe
        self._on_change = on_change
        self._backoff = backoff or BackoffPolicy()
        self._lock = threading.Lock()
        self._available = True
        self._failures = 0
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._retry: threading.Thread | None = None
        self.fallbacks = 0  # requests answered locally

    @property
    def available(self) -> bool:
        return self._available

    def failed(self, error: ServerError) -> None:
        """A request failed: use this PC until a background retry succeeds."""
        with self._lock:
            self.fallbacks += 1
            self._failures += 1
            was = self._available
            self._available = False
            self._retry_after = error.retry_after
            if self._retry is None or not self._retry.is_alive():
                self._retry = threading.Thread(
                    target=self._retry_loop, name="server-retry", daemon=True
                )
                self._retry.start()
        if was:
            logger.warning("%s (%s)", SERVER_UNAVAILABLE, error)
            self._notify(False)

    def count_local(self) -> None:
        """A request went to this PC because the server is down."""
        with self._lock:
            self.fallbacks += 1

    def close(self) -> None:
        self._closed.set()
        self._wake.set()

    def _retry_loop(self) -> None:
        while not self._closed.is_set():
            with self._lock:
                delay = self._backoff.delay(self._failures, self._retry_after)
            started = time.monotonic()
            self._closed.wait(delay)
            if self._closed.is_set():
                return
            try:
                self._probe()
            except ServerError as exc:
                with self._lock:
                    self._failures += 1
                    self._retry_after = exc.retry_after
                logger.info(
                    "server still unavailable after %.1f s: %s", time.monotonic() - started, exc
                )
                continue
            with self._lock:
                self._available = True
                self._failures = 0
            logger.warning("server available again")
            self._notify(True)
            return

    def _notify(self, available: bool) -> None:
        if self._on_change is not None:
            try:
                self._on_change(available)
            except Exception:  # a listener's bug must not break recognition
                logger.exception("server status listener failed")
