"""A local stand-in for the Hugging Face Hub, served over HTTP on 127.0.0.1.

``LocalHub`` serves model repositories built from folders on disk, speaking the part of the
Hub's HTTP protocol that ``huggingface_hub``'s ``snapshot_download`` and ``hf_hub_download``
use, so that download code can be tested without any network access.

Endpoints (``{rev}`` is a branch name or a 40-hex commit sha, URL-quoted):

* ``GET /api/models/{repo_id}`` and ``GET /api/models/{repo_id}/revision/{rev}``: the
  ``model_info`` JSON (``id``, ``sha``, ``siblings`` [``{"rfilename": ...}``],
  ``lastModified``, ...). ``snapshot_download`` calls it to turn a branch into a commit.
* ``GET /api/models/{repo_id}/tree/{rev}[/{path}]?recursive=...``: the ``list_repo_tree``
  JSON list of ``{"type": "file", "path", "size", "oid", "lfs"?}`` and
  ``{"type": "directory", "path", "size": 0, "oid"}``. ``snapshot_download`` lists the
  files of the commit with it.
* ``HEAD`` and ``GET /{repo_id}/resolve/{rev}/{filename}``: the file, with ``ETag`` (the
  git blob id for small files, the sha256 for LFS files, quoted), ``X-Repo-Commit``,
  ``Content-Length``, ``Accept-Ranges: bytes`` and, for LFS files, ``X-Linked-Etag`` and
  ``X-Linked-Size``. ``Range: bytes=N-`` / ``bytes=N-M`` / ``bytes=-N`` get a 206 with
  ``Content-Range``; an unsatisfiable range gets 416. Files are served directly (the real
  Hub redirects LFS files to a CDN; ``huggingface_hub`` reads the same headers either way).

Errors carry the ``X-Error-Code`` header that ``huggingface_hub.utils.hf_raise_for_status``
maps to exceptions, an ``X-Error-Message`` header and a JSON body ``{"error": ...}``:
unknown repository -> 404 ``RepoNotFound`` (``RepositoryNotFoundError``; the real Hub answers
401 to anonymous clients, which maps to the same exception), unknown revision -> 404
``RevisionNotFound`` (``RevisionNotFoundError``), unknown file -> 404 ``EntryNotFound``
(``RemoteEntryNotFoundError``, a subclass of ``EntryNotFoundError``; the response also carries
``X-Repo-Commit``, as the Hub's does). Only model repositories exist: ``datasets/...`` and
``spaces/...`` ids are unknown repositories.

Every response closes its connection (``Connection: close``), so that ``offline()`` and
``stop()`` never leave a pooled keep-alive connection behind that would still work.

Pointing ``huggingface_hub`` at it: ``huggingface_hub.constants`` reads ``HF_ENDPOINT``,
``HF_HUB_OFFLINE``, ``HF_HUB_ETAG_TIMEOUT`` and ``HF_HUB_DOWNLOAD_TIMEOUT`` once, when it is
first imported, so setting the environment variables afterwards has no effect. Either pass
``endpoint=hub.endpoint`` to ``snapshot_download`` / ``hf_hub_download`` / ``HfApi`` (the
clean way; it is read on every call; ``hf_hub_url`` swaps the ``constants.ENDPOINT`` prefix
of ``constants.HUGGINGFACE_CO_URL_TEMPLATE`` for it, so those two must stay in step), or use
``use_local_hub(monkeypatch, hub.endpoint)``, which patches those constants (and the
environment, for subprocesses) for one test. With telemetry enabled, ``huggingface_hub``
also fetches ``{constants.ENDPOINT}/api/agent-harnesses`` once per process to build its
User-Agent; ``use_local_hub`` turns telemetry off (the suite already does). The test
suite runs with ``HF_HUB_OFFLINE=1``; ``use_local_hub`` turns that off for the test, since
``huggingface_hub`` checks ``constants.HF_HUB_OFFLINE`` before every request.

Fault injection: ``fail_after_bytes(filename, n, times=1)`` cuts the next GET (or next
``times`` GETs) of a file after ``n`` body bytes; ``corrupt(filename)`` flips one byte of
every later GET of a file; ``offline()`` closes the listening socket (connections are
refused) and every open connection for the duration of a ``with`` block; ``request_log``
records every request as ``(method, path, range header or None)``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
#: Files at least this large are served as LFS files (sha256 ETag, ``lfs`` tree entry).
DEFAULT_LFS_THRESHOLD = 1024 * 1024
_CHUNK = 64 * 1024
_LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n"


def git_blob_id(data: bytes) -> str:
    """The git object id of a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class HubFile:
    """One file of a snapshot, with the hashes the Hub reports for it."""

    path: str  # relative, with "/" separators
    local_path: Path
    size: int
    sha256: str
    blob_id: str  # git oid of the content, or of the LFS pointer for LFS files
    lfs: bool
    pointer_size: int

    @property
    def etag(self) -> str:
        """The ETag of ``/resolve`` responses: sha256 for LFS files, git blob id otherwise."""
        return self.sha256 if self.lfs else self.blob_id


@dataclass
class Snapshot:
    sha: str
    files: dict[str, HubFile]
    last_modified: str


@dataclass
class Repo:
    repo_id: str
    snapshots: dict[str, Snapshot]  # commit sha -> snapshot
    branches: dict[str, str]  # branch -> commit sha
    created_at: str

    def resolve(self, revision: str) -> Snapshot | None:
        sha = self.branches.get(revision, revision)
        return self.snapshots.get(sha)


class _HubError(Exception):
    def __init__(self, status: int, code: str | None, message: str, commit: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.commit = commit


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Inclusive (start, end) for a single ``bytes=`` range, or None if unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if not first:  # suffix range: the last N bytes
            length = int(last)
            if length <= 0 or size == 0:
                return None
            return max(size - length, 0), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


class LocalHub:
    """Model repositories from local folders, served like the Hugging Face Hub.

    ``root`` holds the copies of the registered snapshots (so later changes to the source
    folders do not leak into the served files). Use as a context manager, or call
    ``start()`` and ``stop()``.
    """

    def __init__(self, root: Path, *, lfs_threshold: int = DEFAULT_LFS_THRESHOLD):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.lfs_threshold = lfs_threshold
        self.request_log: list[tuple[str, str, str | None]] = []
        self.ready = threading.Event()
        self._repos: dict[str, Repo] = {}
        self._lock = threading.Lock()
        self._fail_after: dict[str, tuple[int, int]] = {}  # name -> (n, times)
        self._corrupt: set[str] = set()
        self._connections: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # Repositories -------------------------------------------------------------------------

    def add_repo(
        self,
        repo_id: str,
        folder: Path,
        revision_sha: str | None = None,
        branch: str | None = "main",
    ) -> str:
        """Register the files of ``folder`` as a commit of ``repo_id``; return its sha.

        The sha defaults to the sha1 of the files' paths and contents. ``branch`` (unless
        None) is pointed at the commit; earlier commits stay reachable by their sha.
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise NotADirectoryError(folder)
        if repo_id.count("/") > 1 or not repo_id.strip("/") or repo_id != repo_id.strip("/"):
            raise ValueError(f"invalid repo id {repo_id!r}")
        sources = sorted(
            (p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file()
        )
        if revision_sha is None:
            digest = hashlib.sha1()
            for rel, path in sources:
                digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
            revision_sha = digest.hexdigest()
        revision_sha = revision_sha.lower()
        if len(revision_sha) != 40 or any(c not in "0123456789abcdef" for c in revision_sha):
            raise ValueError(f"revision_sha must be 40 hex characters, got {revision_sha!r}")

        target = self.root / repo_id.replace("/", "--") / revision_sha
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        files: dict[str, HubFile] = {}
        for rel, path in sources:
            copy = target / rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
            data = copy.read_bytes()
            sha256 = hashlib.sha256(data).hexdigest()
            lfs = len(data) >= self.lfs_threshold
            pointer = _LFS_POINTER.format(sha256=sha256, size=len(data)).encode()
            files[rel] = HubFile(
                path=rel,
                local_path=copy,
                size=len(data),
                sha256=sha256,
                blob_id=git_blob_id(pointer if lfs else data),
                lfs=lfs,
                pointer_size=len(pointer),
            )
        with self._lock:
            repo = self._repos.setdefault(repo_id, Repo(repo_id, {}, {}, _now()))
            repo.snapshots[revision_sha] = Snapshot(revision_sha, files, _now())
            if branch is not None:
                repo.branches[branch] = revision_sha
        return revision_sha

    def file(self, repo_id: str, filename: str, revision: str = "main") -> HubFile:
        """The served metadata of one file (sizes, hashes)."""
        snapshot = self._repos[repo_id].resolve(revision)
        if snapshot is None:
            raise KeyError(revision)
        return snapshot.files[filename]

    # Fault injection ----------------------------------------------------------------------

    def fail_after_bytes(self, filename: str, n: int, times: int = 1) -> None:
        """Make the next GET of ``filename`` (any repo) send ``n`` body bytes, then hang up.

        The response announces the full length, so the client sees a truncated transfer.
        ``times`` cuts that many GETs in a row (resumed ones included) instead of one.
        """
        with self._lock:
            self._fail_after[filename] = (n, times)

    def corrupt(self, filename: str, enabled: bool = True) -> None:
        """Flip one byte (the middle one) of ``filename`` in every later GET; headers unchanged."""
        with self._lock:
            if enabled:
                self._corrupt.add(filename)
            else:
                self._corrupt.discard(filename)

    def clear_faults(self) -> None:
        with self._lock:
            self._fail_after.clear()
            self._corrupt.clear()

    @contextlib.contextmanager
    def offline(self) -> Iterator[None]:
        """Refuse connections inside the block: the port is closed, open connections cut.

        On exit the server listens on the same port again.
        """
        was_running = self._server is not None
        if was_running:
            self._shutdown_server()
        try:
            yield
        finally:
            if was_running:
                self._start_server(self._port)

    # Server -------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        if not self._port:
            raise RuntimeError("the hub is not started")
        return f"http://{HOST}:{self._port}"

    def start(self) -> LocalHub:
        if self._server is None:
            self._start_server(0)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._shutdown_server()

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start_server(self, port: int) -> None:
        server = ThreadingHTTPServer((HOST, port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._port = server.server_address[1]
        self.ready.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(server,), name=f"local-hub-{self._port}", daemon=True
        )
        self._thread.start()
        self.ready.wait(timeout=10)

    def _serve(self, server: ThreadingHTTPServer) -> None:
        self.ready.set()
        server.serve_forever(poll_interval=0.05)

    def _shutdown_server(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self.ready.clear()
        assert server is not None and thread is not None
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        thread.join(timeout=5)

    # Request handling (called from handler threads) ---------------------------------------

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _take_fail_after(self, filename: str) -> int | None:
        with self._lock:
            if filename not in self._fail_after:
                return None
            n, times = self._fail_after.pop(filename)
            if times > 1:
                self._fail_after[filename] = (n, times - 1)
            return n

    def _is_corrupt(self, filename: str) -> bool:
        with self._lock:
            return filename in self._corrupt

    def _repo(self, repo_id: str) -> Repo:
        with self._lock:
            repo = self._repos.get(repo_id)
        if repo is None:
            raise _HubError(404, "RepoNotFound", "Repository not found")
        return repo

    def _snapshot(self, repo: Repo, revision: str) -> Snapshot:
        snapshot = repo.resolve(revision)
        if snapshot is None:
            raise _HubError(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return snapshot

    def _model_info(self, repo_id: str, revision: str) -> dict[str, Any]:
        repo = self._repo(repo_id)
        snapshot = self._snapshot(repo, revision)
        author = repo_id.split("/")[0] if "/" in repo_id else None
        return {
            "_id": hashlib.sha1(repo_id.encode()).hexdigest()[:24],
            "id": repo_id,
            "modelId": repo_id,
            "author": author,
            "sha": snapshot.sha,
            "lastModified": snapshot.last_modified,
            "createdAt": repo.created_at,
            "private": False,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "library_name": None,
            "siblings": [{"rfilename": name} for name in sorted(snapshot.files)],
            "spaces": [],
        }

    def _tree(self, repo_id: str, revision: str, path: str, recursive: bool) -> list[dict]:
        snapshot = self._snapshot(self._repo(repo_id), revision)
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        entries: dict[str, dict[str, Any]] = {}
        for name in sorted(snapshot.files):
            if not name.startswith(prefix):
                continue
            parts = name[len(prefix) :].split("/")
            # folders along the way
            for depth in range(1, len(parts)):
                if not recursive and depth > 1:
                    break
                folder = prefix + "/".join(parts[:depth])
                entries.setdefault(
                    folder,
                    {
                        "type": "directory",
                        "oid": hashlib.sha1(f"tree {snapshot.sha} {folder}".encode()).hexdigest(),
                        "size": 0,
                        "path": folder,
                    },
                )
            if not recursive and len(parts) > 1:
                continue
            hub_file = snapshot.files[name]
            entry: dict[str, Any] = {
                "type": "file",
                "oid": hub_file.blob_id,
                "size": hub_file.size,
                "path": name,
            }
            if hub_file.lfs:
                entry["lfs"] = {
                    "oid": hub_file.sha256,
                    "size": hub_file.size,
                    "pointerSize": hub_file.pointer_size,
                }
            entries[name] = entry
        if prefix and not entries:
            raise _HubError(404, "EntryNotFound", f"{path} does not exist on {revision}")
        return list(entries.values())

    def _resolve(self, repo_id: str, revision: str, filename: str) -> tuple[Snapshot, HubFile]:
        snapshot = self._snapshot(self._repo(repo_id), revision)
        hub_file = snapshot.files.get(filename)
        if hub_file is None:
            raise _HubError(404, "EntryNotFound", "Entry not found", commit=snapshot.sha)
        return snapshot, hub_file


def _split_repo_path(parts: list[str], keyword: str) -> tuple[str, list[str]] | None:
    """``[ns, name, keyword, *rest]`` or ``[name, keyword, *rest]`` -> (repo_id, rest)."""
    for width in (1, 2):
        if len(parts) > width and parts[width] == keyword:
            return "/".join(parts[:width]), parts[width + 1 :]
    return None


def _make_handler(hub: LocalHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "LocalHub/1.0"

        def setup(self) -> None:
            super().setup()
            hub._track(self.connection, add=True)

        def finish(self) -> None:
            hub._track(self.connection, add=False)
            with contextlib.suppress(OSError):
                super().finish()

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("%s - %s", self.address_string(), format % args)

        def do_HEAD(self) -> None:
            self._handle(head=True)

        def do_GET(self) -> None:
            self._handle(head=False)

        def _handle(self, head: bool) -> None:
            self.close_connection = True
            hub.request_log.append((self.command, self.path, self.headers.get("Range")))
            url = urlsplit(self.path)
            parts = [unquote(p) for p in url.path.split("/")[1:]]
            try:
                if parts[:2] == ["api", "models"]:
                    self._api(parts[2:], parse_qs(url.query), head)
                elif (found := _split_repo_path(parts, "resolve")) and len(found[1]) >= 2:
                    repo_id, rest = found
                    self._file(repo_id, rest[0], "/".join(rest[1:]), head)
                else:
                    raise _HubError(404, None, "Sorry, we can't find the page you are looking for.")
            except _HubError as error:
                self._error(error, head)
            except OSError:  # the client hung up, or offline()/stop() cut the connection
                logger.debug("client went away during %s %s", self.command, self.path)

        def _api(self, parts: list[str], query: dict[str, list[str]], head: bool) -> None:
            if (found := _split_repo_path(parts, "revision")) and len(found[1]) == 1:
                body: Any = hub._model_info(found[0], found[1][0])
            elif (found := _split_repo_path(parts, "tree")) and len(found[1]) >= 1:
                repo_id, rest = found
                recursive = query.get("recursive", ["false"])[0].lower() in ("1", "true")
                body = hub._tree(repo_id, rest[0], "/".join(rest[1:]), recursive)
            elif 1 <= len(parts) <= 2 and "" not in parts:
                body = hub._model_info("/".join(parts), "main")
            else:
                raise _HubError(404, None, "Sorry, we can't find the page you are looking for.")
            self._json(200, body, head)

        def _file(self, repo_id: str, revision: str, filename: str, head: bool) -> None:
            snapshot, hub_file = hub._resolve(repo_id, revision, filename)
            size = hub_file.size
            start, end, status = 0, size - 1, 200
            range_header = self.headers.get("Range")
            if range_header and not head:
                span = _parse_range(range_header, size)
                if span is None:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    return
                (start, end), status = span, 206
            length = end - start + 1 if size else 0

            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(length))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", f'"{hub_file.etag}"')
            self.send_header("X-Repo-Commit", snapshot.sha)
            if hub_file.lfs:
                self.send_header("X-Linked-Etag", f'"{hub_file.sha256}"')
                self.send_header("X-Linked-Size", str(size))
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            name = filename.rsplit("/", 1)[-1]
            self.send_header("Content-Disposition", f'inline; filename="{name}"')
            self.send_header("Connection", "close")
            self.end_headers()
            if head or not length:
                return

            limit = hub._take_fail_after(filename)
            flip_at = size // 2 if hub._is_corrupt(filename) else -1
            to_send = length if limit is None else min(limit, length)
            with hub_file.local_path.open("rb") as source:
                source.seek(start)
                offset, sent = start, 0
                while sent < to_send:
                    chunk = bytearray(source.read(min(_CHUNK, to_send - sent)))
                    if not chunk:
                        break
                    if offset <= flip_at < offset + len(chunk):
                        chunk[flip_at - offset] ^= 0xFF
                    self.wfile.write(chunk)
                    offset += len(chunk)
                    sent += len(chunk)
            if limit is not None and limit < length:
                self.wfile.flush()
                # Hang up without sending the rest: the client sees a truncated body.
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

        def _json(self, status: int, body: Any, head: bool) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                self.wfile.write(data)

        def _error(self, error: _HubError, head: bool) -> None:
            data = json.dumps({"error": error.message}).encode()
            self.send_response(error.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if error.code:
                self.send_header("X-Error-Code", error.code)
            self.send_header("X-Error-Message", error.message)
            if error.commit:
                self.send_header("X-Repo-Commit", error.commit)
            self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                self.wfile.write(data)

    return Handler


def use_local_hub(monkeypatch: Any, endpoint: str, *, timeout: int = 5) -> None:
    """Point ``huggingface_hub`` at ``endpoint`` for one test (``monkeypatch`` is pytest's).

    Patches the constants ``huggingface_hub`` read at import (endpoint, URL template,
    offline flag, telemetry switch, HEAD and download timeouts) and sets the matching
    environment variables, for code that starts subprocesses.
    """
    from huggingface_hub import constants

    env = {
        "HF_ENDPOINT": endpoint,
        "HF_HUB_OFFLINE": "0",
        "HF_HUB_ETAG_TIMEOUT": str(timeout),
        "HF_HUB_DOWNLOAD_TIMEOUT": str(timeout),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(
        constants,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        endpoint + "/{repo_id}/resolve/{revision}/{filename}",
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    # With telemetry on, huggingface_hub fetches {ENDPOINT}/api/agent-harnesses once.
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", timeout)
    monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", timeout)


__all__ = ["HubFile", "LocalHub", "git_blob_id", "use_local_hub"]
