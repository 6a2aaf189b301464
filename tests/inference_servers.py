"""Real inference servers for tests, started on 127.0.0.1, and a fault-injecting proxy.

* faster-whisper-server (MIT, PyPI) serving the Whisper base folder, int8 on two threads.
* LibreTranslate (AGPL, PyPI) serving Argos packages built from the trained test Marian
  models. It runs only as a separate process from its own virtual environment and is
  never imported.

Each server gets its own virtual environment in ``.test-cache/servers/`` (or
``$DESK_TEST_CACHE_DIR/servers``), created on first use from PyPI with pinned versions;
pins of one server never touch the project's environment. :class:`FaultProxy` sits in
front of a real server and, when told to, answers with an error status, garbage, a stall,
or refuses connections, so fault tests run against real answers otherwise.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from model_cache import cache_root

logger = logging.getLogger(__name__)

FASTER_WHISPER_SERVER = "faster-whisper-server==0.0.3"
LIBRETRANSLATE = "libretranslate==1.9.6"
START_TIMEOUT_SECONDS = 180.0


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(message: str) -> None:
    if _in_ci():
        pytest.fail(f"{message} (CI must be able to install it)", pytrace=False)
    pytest.skip(message)


def server_venv(requirement: str) -> Path:
    """A virtual environment with ``requirement`` installed, created once and cached."""
    name = requirement.replace("==", "-")
    root = cache_root("servers")
    venv = root / name
    stamp = venv / ".installed"
    if stamp.is_file():
        return venv
    # A venv's scripts name their interpreter by absolute path, so it is built in place;
    # the stamp, written last, says that the install finished.
    shutil.rmtree(venv, ignore_errors=True)
    python = shutil.which("python3.11") or sys.executable
    try:
        subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", requirement],
            check=True,
            capture_output=True,
            timeout=1200,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        _unavailable(f"could not install {requirement} into its own environment: {exc}")
    stamp.write_text(requirement)
    return venv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    """A server process; ``url`` is where it answers."""

    process: subprocess.Popen
    url: str
    log: Path

    def stop(self) -> None:
        """Kill it at once (a crash, as far as the desk can tell)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def start_server(
    command: list[str], port: int, ready_path: str, log: Path, env: dict[str, str] | None = None
) -> RunningServer:
    """Start ``command`` and wait until ``GET ready_path`` answers 200."""
    import httpx

    handle = log.open("wb")
    process = subprocess.Popen(
        command, stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url + ready_path, timeout=2.0).status_code == 200:
                return RunningServer(process, url, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.25)  # polling a process that gives no readiness signal
    process.kill()
    raise RuntimeError(f"{command[0]} did not answer {ready_path} within {START_TIMEOUT_SECONDS} s")


def start_faster_whisper_server(model_dir: Path, work: Path, model_name: str) -> RunningServer:
    """faster-whisper-server serving ``model_dir`` as ``model_name`` (int8, two threads,
    like a desk PC, so the same model gives the same text on both sides)."""
    venv = server_venv(FASTER_WHISPER_SERVER)
    config = work / "fws.yaml"
    config.write_text(
        "models:\n"
        f"  - name: {model_name}\n"
        f"    path: {model_dir}\n"
        "    model_options: {device: cpu, compute_type: int8, cpu_threads: 2}\n"
    )
    port = free_port()
    command = [
        str(venv / "bin" / "faster-whisper-server"),
        "--config",
        str(config),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return start_server(command, port, "/health", work / "faster-whisper-server.log")


# -- Argos packages and LibreTranslate ----------------------------------------------------


def sentence_model(path: Path, language: str) -> Path:
    """A MiniSBD-format ONNX model that never breaks a sentence: Argos splits nothing (the
    desk sends one sentence per text anyway) and LibreTranslate needs no download."""
    import onnx
    from onnx import TensorProto, helper

    units = helper.make_tensor_value_info("units", TensorProto.INT64, ["B", "T"])
    features = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["B", "T", "F"])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["B", "T", 5])
    # Every character ends a token (class 1), none ends a sentence (classes 2 and 4).
    nodes = [
        helper.make_node("Cast", ["units"], ["as_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["as_float", "axis"], ["column"]),
        helper.make_node("Mul", ["column", "zero"], ["zeros"]),
        helper.make_node("Add", ["zeros", "token_end"], ["logits"]),
    ]
    constants = [
        helper.make_tensor("axis", TensorProto.INT64, [1], [2]),
        helper.make_tensor("zero", TensorProto.FLOAT, [1], [0.0]),
        helper.make_tensor("token_end", TensorProto.FLOAT, [5], [0.0, 1.0, 0.0, 0.0, 0.0]),
    ]
    graph = helper.make_graph(nodes, "no-split", [units, features], [logits], constants)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    config = {"max_seqlen": 1000, "batch_size": 1, "feat_funcs": [], "use_dictionary": False}
    vocab = {"lang": language, "idx": 0, "cutoff": 0, "lower": False}
    vocab |= {"_unit2id": {"<PAD>": 0, "<UNK>": 1}, "_id2unit": ["<PAD>", "<UNK>"]}
    metadata = {"lang_code": language, "config": json.dumps(config), "vocab": json.dumps(vocab)}
    for key, value in {**metadata, "lexicon": "null"}.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(path))
    return path


def argos_package(model_folder: Path, source: str, target: str, out: Path) -> Path:
    """An Argos package (``.argosmodel`` zip) from an opus-mt style folder with a
    CTranslate2 conversion: ``model/``, ``sentencepiece.model``, ``metadata.json`` and a
    sentence model."""
    staging = out.parent / f"translate-{source}_{target}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(model_folder / "ctranslate2", staging / "model")
    # Marian reads its source with an end token; Argos relies on the model's config for it.
    config_path = staging / "model" / "config.json"
    config = json.loads(config_path.read_text())
    config["add_source_eos"] = True
    config_path.write_text(json.dumps(config))
    shutil.copy(model_folder / "source.spm", staging / "sentencepiece.model")
    (staging / "minisbd").mkdir()
    sentence_model(staging / "minisbd" / f"{source}.onnx", source)
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.9",
        "from_code": source,
        "from_name": source,
        "to_code": target,
        "to_name": target,
        "type": "translate",
    }
    (staging / "metadata.json").write_text(json.dumps(metadata))
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(staging.rglob("*")):
            archive.write(path, Path(staging.name) / path.relative_to(staging))
    shutil.rmtree(staging)
    return out


def start_libretranslate(packages: list[Path], work: Path, languages: str) -> RunningServer:
    """LibreTranslate with ``packages`` installed in its own data folder, offline."""
    venv = server_venv(LIBRETRANSLATE)
    data = work / "lt-data"
    installed = data / "argos-translate" / "packages"
    installed.mkdir(parents=True, exist_ok=True)
    for package in packages:
        with zipfile.ZipFile(package) as archive:  # what argospm install does
            archive.extractall(installed)
    port = free_port()
    env = {
        "XDG_DATA_HOME": str(data),
        "XDG_CACHE_HOME": str(work / "lt-cache"),
        "XDG_CONFIG_HOME": str(work / "lt-config"),
        "HOME": str(work),
    }
    command = [
        str(venv / "bin" / "libretranslate"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--load-only",
        languages,
        "--disable-web-ui",
        "--threads",
        "1",
    ]
    return start_server(command, port, "/languages", work / "libretranslate.log", env)


# -- fault proxy ---------------------------------------------------------------------------


class FaultProxy:
    """Forwards requests to ``upstream`` unless a fault is set.

    ``upstream`` is a URL, or {path prefix: URL} (a city gateway in front of a speech
    server and a translation server; "" is the default route).

    ``fault``: None (forward), ``("status", code, headers)``, ``("garbage",)``,
    ``("stall", seconds)`` (no answer for that long), or ``("down",)`` (the proxy stops
    listening). Counts requests by path in ``requests``.
    """

    def __init__(self, upstream: str | dict[str, str], tls_context=None) -> None:
        self.routes = upstream if isinstance(upstream, dict) else {"": upstream}
        self.requests: dict[str, int] = {}
        self._counted = threading.Condition()
        self._release = threading.Event()
        self._fault: tuple | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                logger.debug("proxy: " + args[0], *args[1:])

            def do_GET(self) -> None:
                proxy._handle(self, None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                proxy._handle(self, self.rfile.read(length))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls_context is not None:
            # The handshake happens in the handler's thread, so a client that never
            # finishes one cannot block the accepting thread.
            self._server.socket = tls_context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port = self._server.server_address[1]
        scheme = "https" if tls_context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def fault(self) -> tuple | None:
        return self._fault

    @fault.setter
    def fault(self, fault: tuple | None) -> None:
        # A new fault starts unreleased: an earlier release() must not end its stall.
        self._release.clear()
        self._fault = fault

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def wait_for_requests(self, path: str, count: int, timeout: float) -> bool:
        """Wait until ``count`` requests for ``path`` have come in."""
        with self._counted:
            return self._counted.wait_for(lambda: self.requests.get(path, 0) >= count, timeout)

    def release(self) -> None:
        """End a stall now."""
        self._release.set()

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        import httpx

        path = handler.path
        with self._counted:
            self.requests[path.split("?")[0]] = self.requests.get(path.split("?")[0], 0) + 1
            self._counted.notify_all()
        fault = self.fault
        if fault and fault[0] == "stall":
            self._release.wait(fault[1])
            fault = None if self._release.is_set() else fault
        if fault and fault[0] == "status":
            self._reply(
                handler, fault[1], b'{"error": "injected"}', fault[2] if len(fault) > 2 else {}
            )
            return
        if fault and fault[0] == "garbage":
            self._reply(handler, 200, b"<html>proxy error page</html>", {})
            return
        headers = {
            k: v
            for k, v in handler.headers.items()
            if k.lower() not in ("host", "content-length", "connection")
        }
        try:
            prefix = max((p for p in self.routes if path.startswith(p)), key=len)
            answer = httpx.request(
                handler.command,
                self.routes[prefix] + path,
                headers=headers,
                content=body,
                timeout=120,
            )
        except httpx.HTTPError:
            self._reply(handler, 502, b'{"error": "upstream unreachable"}', {})
            return
        self._reply(handler, answer.status_code, answer.content, {})

    @staticmethod
    def _reply(handler, status: int, body: bytes, headers: dict[str, str]) -> None:
        with contextlib.suppress(OSError):
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(body)


@contextlib.contextmanager
def fault_proxy(upstream: str | dict[str, str], tls_context=None) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream, tls_context)
    try:
        yield proxy
    finally:
        proxy.close()
