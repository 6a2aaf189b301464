"""Tests of the local Hugging Face Hub stand-in, driven through huggingface_hub itself.

How huggingface_hub is pointed at the server: ``huggingface_hub.constants`` reads
``HF_ENDPOINT``, ``HF_HUB_OFFLINE`` and the timeouts once, at import (which happens long
before these tests run, and the session forces ``HF_HUB_OFFLINE=1``). The ``hf`` fixture
therefore calls ``hub_server.use_local_hub``, which patches those constants with
``monkeypatch`` for the test. ``test_endpoint_argument_is_enough`` shows the other way:
pass ``endpoint=`` to the call and only turn the offline flag off.

Behaviour of huggingface_hub 2.4 that these tests pin down:

* An interrupted transfer is resumed inside the same ``hf_hub_download`` /
  ``snapshot_download`` call: ``http_get`` catches the truncated body, sleeps 1 s and
  repeats the GET with ``Range: bytes=<received>-`` (up to 5 times in a row without
  progress). "Received" counts whole ``constants.DOWNLOAD_CHUNK_SIZE`` chunks (10 MiB)
  only: a cut within the first 10 MiB is retried with a plain GET from byte 0, and the
  bytes of an unfinished chunk are fetched again. A partial file never survives a failed
  call (the download goes to a per-call temporary file that is deleted), so a *later*
  call starts from byte 0.
* Without network and without a local copy, ``snapshot_download`` fails at once with
  ``LocalEntryNotFoundError``; ``hf_hub_download`` first retries its HEAD request 5 times
  with 1, 2, 4, 8, 8 s pauses (about 23 s) before raising the same error. The test
  patches those pauses away and checks them.
* Downloads are not checked against the sha256 the server announces: a corrupted body
  with the right length is accepted as is.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import httpx2
import huggingface_hub
import pytest
from hub_server import LocalHub, use_local_hub
from huggingface_hub import HfApi, hf_hub_download, snapshot_download
from huggingface_hub import constants as hf_constants
from huggingface_hub.errors import (
    EntryNotFoundError,
    LocalEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import _http as hf_http

BIG = 5 * 1024 * 1024
REPO = "acme/tiny-model"


def make_folder(folder: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def repo_files(folder: Path) -> dict[str, bytes]:
    """Files of a downloaded folder, without huggingface_hub's own ``.cache``."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(folder).parts
    }


class _RecordingTime:
    """Stands in for the ``time`` module inside one huggingface_hub module: no sleeping."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture(scope="module")
def model_files() -> dict[str, bytes]:
    return {
        "config.json": json.dumps({"model_type": "tiny", "hidden": 8}).encode(),
        "tokenizer/vocab.txt": b"<pad>\n<s>\n</s>\nhello\nworld\n",
        "model.bin": os.urandom(BIG),
    }


@pytest.fixture
def hub(tmp_path: Path, model_files: dict[str, bytes]) -> Any:
    with LocalHub(tmp_path / "hub") as server:
        assert server.ready.is_set()
        server.add_repo(REPO, make_folder(tmp_path / "src-main", model_files))
        yield server


@pytest.fixture
def hf(monkeypatch: pytest.MonkeyPatch, hub: LocalHub) -> LocalHub:
    use_local_hub(monkeypatch, hub.endpoint, timeout=5)
    return hub


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A per-test download cache, so no test is served from another test's downloads."""
    return tmp_path / "hf-cache"


def test_snapshot_download_gives_identical_bytes(
    hf: LocalHub, tmp_path: Path, cache_dir: Path, model_files: dict[str, bytes]
) -> None:
    out = snapshot_download(REPO, local_dir=tmp_path / "out", cache_dir=cache_dir)

    assert Path(out) == (tmp_path / "out").resolve()
    assert repo_files(Path(out)) == model_files
    paths = [path for _, path, _ in hf.request_log]
    assert f"/api/models/{REPO}/revision/main" in paths
    assert any(p.startswith(f"/api/models/{REPO}/tree/") for p in paths)
    assert sum(m == "GET" and "/resolve/" in p for m, p, _ in hf.request_log) == 3


def test_snapshot_download_into_cache(
    hf: LocalHub, cache_dir: Path, model_files: dict[str, bytes]
) -> None:
    out = Path(snapshot_download(REPO, cache_dir=cache_dir))

    sha = hf.file(REPO, "config.json").local_path.parent.name
    assert out.name == sha and out.parent.name == "snapshots"
    assert repo_files(out) == model_files
    assert (out.parents[1] / "refs" / "main").read_text() == sha
    # The LFS file is stored under its sha256, like a real Hub download.
    assert (
        out.parents[1] / "blobs" / hashlib.sha256(model_files["model.bin"]).hexdigest()
    ).is_file()


def test_revision_pinning(
    hf: LocalHub, tmp_path: Path, cache_dir: Path, model_files: dict[str, bytes]
) -> None:
    old_sha = hf.file(REPO, "config.json").local_path.parent.name
    new_files = {**model_files, "config.json": b'{"model_type": "tiny", "hidden": 16}'}
    pinned = "1234567890abcdef1234567890abcdef12345678"
    new_sha = hf.add_repo(REPO, make_folder(tmp_path / "src-v2", new_files), revision_sha=pinned)
    assert new_sha == pinned

    old = snapshot_download(REPO, revision=old_sha, local_dir=tmp_path / "old", cache_dir=cache_dir)
    new = snapshot_download(REPO, local_dir=tmp_path / "new", cache_dir=cache_dir)

    assert repo_files(Path(old)) == model_files
    assert repo_files(Path(new)) == new_files
    assert HfApi().model_info(REPO).sha == new_sha
    assert HfApi().model_info(REPO, revision=old_sha).sha == old_sha


def test_allow_patterns(hf: LocalHub, tmp_path: Path, cache_dir: Path) -> None:
    out = snapshot_download(
        REPO,
        allow_patterns=["*.json", "tokenizer/*"],
        local_dir=tmp_path / "out",
        cache_dir=cache_dir,
    )

    assert sorted(repo_files(Path(out))) == ["config.json", "tokenizer/vocab.txt"]
    assert not any("model.bin" in path for _, path, _ in hf.request_log)


def test_hf_hub_download_one_file(
    hf: LocalHub, tmp_path: Path, cache_dir: Path, model_files: dict[str, bytes]
) -> None:
    path = hf_hub_download(REPO, "tokenizer/vocab.txt", cache_dir=cache_dir)
    local = hf_hub_download(REPO, "model.bin", local_dir=tmp_path / "out", cache_dir=cache_dir)

    assert Path(path).read_bytes() == model_files["tokenizer/vocab.txt"]
    assert Path(local) == (tmp_path / "out" / "model.bin").resolve()
    assert Path(local).read_bytes() == model_files["model.bin"]
    heads = [path for method, path, _ in hf.request_log if method == "HEAD"]
    assert heads == [
        f"/{REPO}/resolve/main/tokenizer/vocab.txt",
        f"/{REPO}/resolve/main/model.bin",
    ]


def test_endpoint_argument_is_enough(
    monkeypatch: pytest.MonkeyPatch, hub: LocalHub, tmp_path: Path, cache_dir: Path
) -> None:
    # The session is offline; only that flag is patched, the endpoint travels with the call.
    # The default endpoint is pointed at a closed loopback port, so nothing can leak out.
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(hf_constants, "HF_HUB_DISABLE_TELEMETRY", True)
    dead = "http://127.0.0.1:9"
    monkeypatch.setattr(hf_constants, "ENDPOINT", dead)
    # hf_hub_url swaps the ENDPOINT prefix of this template for endpoint=: keep them in step.
    template = dead + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(hf_constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)

    path = hf_hub_download(REPO, "config.json", endpoint=hub.endpoint, cache_dir=cache_dir)
    out = snapshot_download(
        REPO, endpoint=hub.endpoint, local_dir=tmp_path / "out", allow_patterns="*.txt"
    )

    assert json.loads(Path(path).read_text())["hidden"] == 8
    assert sorted(repo_files(Path(out))) == ["tokenizer/vocab.txt"]


def test_interrupted_transfer_is_resumed_with_a_range_request(
    monkeypatch: pytest.MonkeyPatch,
    hf: LocalHub,
    tmp_path: Path,
    cache_dir: Path,
    model_files: dict[str, bytes],
) -> None:
    pauses = _RecordingTime()
    monkeypatch.setattr(huggingface_hub.file_download, "time", pauses)
    # huggingface_hub only counts bytes in whole DOWNLOAD_CHUNK_SIZE chunks (10 MiB); a
    # smaller chunk lets a 5 MB file show the Range resume.
    chunk = 256 * 1024
    monkeypatch.setattr(hf_constants, "DOWNLOAD_CHUNK_SIZE", chunk)
    cut = 4 * chunk + 1000
    hf.fail_after_bytes("model.bin", cut)

    out = snapshot_download(REPO, local_dir=tmp_path / "out", cache_dir=cache_dir)

    assert repo_files(Path(out)) == model_files
    ranges = [r for m, p, r in hf.request_log if m == "GET" and p.endswith("/model.bin")]
    # The 1000 bytes of the unfinished chunk are dropped and fetched again.
    assert ranges == [None, f"bytes={4 * chunk}-"]
    assert pauses.sleeps == [1]  # huggingface_hub's own pause before resuming


def test_interruption_within_the_first_chunk_restarts_the_file(
    monkeypatch: pytest.MonkeyPatch,
    hf: LocalHub,
    tmp_path: Path,
    cache_dir: Path,
    model_files: dict[str, bytes],
) -> None:
    # With the default 10 MiB chunks, nothing of a 5 MB file counts as received before the
    # cut, so the retry is a plain GET from byte 0.
    pauses = _RecordingTime()
    monkeypatch.setattr(huggingface_hub.file_download, "time", pauses)
    hf.fail_after_bytes("model.bin", 1_000_000)

    path = hf_hub_download(REPO, "model.bin", local_dir=tmp_path / "out", cache_dir=cache_dir)

    assert Path(path).read_bytes() == model_files["model.bin"]
    ranges = [r for m, p, r in hf.request_log if m == "GET" and p.endswith("/model.bin")]
    assert ranges == [None, None]
    assert pauses.sleeps == [1]


def test_failed_download_leaves_no_partial_file(
    monkeypatch: pytest.MonkeyPatch,
    hf: LocalHub,
    tmp_path: Path,
    cache_dir: Path,
    model_files: dict[str, bytes],
) -> None:
    # Every GET of model.bin is cut: huggingface_hub resumes 5 times, then gives up.
    pauses = _RecordingTime()
    monkeypatch.setattr(huggingface_hub.file_download, "time", pauses)
    hf.fail_after_bytes("model.bin", 0, times=6)
    with pytest.raises(httpx2.RemoteProtocolError):
        hf_hub_download(REPO, "model.bin", local_dir=tmp_path / "out", cache_dir=cache_dir)
    cut_gets = [r for m, p, r in hf.request_log if m == "GET" and p.endswith("/model.bin")]
    assert cut_gets == [None] * 6
    assert pauses.sleeps == [1] * 5
    assert repo_files(tmp_path / "out") == {}
    assert not list((tmp_path / "out").rglob("*.incomplete"))

    # A later call starts again from byte 0 (nothing partial was kept).
    hf.request_log.clear()
    hf_hub_download(REPO, "model.bin", local_dir=tmp_path / "out", cache_dir=cache_dir)
    assert [r for m, _, r in hf.request_log if m == "GET"] == [None]
    assert (tmp_path / "out" / "model.bin").read_bytes() == model_files["model.bin"]


def test_unknown_repo_revision_and_file(hf: LocalHub, tmp_path: Path, cache_dir: Path) -> None:
    with pytest.raises(RepositoryNotFoundError):
        snapshot_download("acme/missing", local_dir=tmp_path / "a", cache_dir=cache_dir)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("acme/missing", "config.json", cache_dir=cache_dir)
    with pytest.raises(RevisionNotFoundError):
        snapshot_download(REPO, revision="v9", local_dir=tmp_path / "b", cache_dir=cache_dir)
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(REPO, "config.json", revision="v9", cache_dir=cache_dir)
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(REPO, "missing.bin", cache_dir=cache_dir)


def test_offline_fails_fast_and_recovers(
    monkeypatch: pytest.MonkeyPatch, hf: LocalHub, tmp_path: Path, cache_dir: Path
) -> None:
    backoff = _RecordingTime()
    monkeypatch.setattr(hf_http, "time", backoff)
    endpoint = hf.endpoint

    started = time.monotonic()
    with hf.offline():
        with pytest.raises(LocalEntryNotFoundError):
            snapshot_download(REPO, local_dir=tmp_path / "out", cache_dir=cache_dir)
        assert backoff.sleeps == []  # the repo_info call is not retried
        with pytest.raises(LocalEntryNotFoundError):
            hf_hub_download(REPO, "config.json", cache_dir=cache_dir)
        assert backoff.sleeps == [1, 2, 4, 8, 8]  # what a real run would wait, ~23 s
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"{endpoint}/api/models/{REPO}", timeout=5)
    assert time.monotonic() - started < 5
    assert hf.request_log == []

    assert hf.endpoint == endpoint
    out = snapshot_download(REPO, local_dir=tmp_path / "out", cache_dir=cache_dir)
    assert (Path(out) / "config.json").is_file()

    # With a complete local copy, going offline falls back to it.
    with hf.offline():
        again = snapshot_download(REPO, local_dir=tmp_path / "out", cache_dir=cache_dir)
    assert again == out


def test_corrupted_body_is_not_detected_by_huggingface_hub(
    hf: LocalHub, tmp_path: Path, cache_dir: Path, model_files: dict[str, bytes]
) -> None:
    hf.corrupt("model.bin")
    path = hf_hub_download(REPO, "model.bin", local_dir=tmp_path / "out", cache_dir=cache_dir)

    data = Path(path).read_bytes()
    expected = model_files["model.bin"]
    assert len(data) == len(expected)
    assert [i for i in range(0, len(data), 4096) if data[i : i + 4096] != expected[i : i + 4096]]
    assert hashlib.sha256(data).hexdigest() != hf.file(REPO, "model.bin").sha256


def test_api_shapes(hf: LocalHub, model_files: dict[str, bytes]) -> None:
    api = HfApi()
    info = api.model_info(REPO)
    assert info.id == REPO
    assert sorted(s.rfilename for s in info.siblings or []) == sorted(model_files)
    assert info.last_modified is not None

    top = {e.path: e for e in api.list_repo_tree(REPO)}
    assert sorted(top) == ["config.json", "model.bin", "tokenizer"]
    assert type(top["tokenizer"]).__name__ == "RepoFolder"
    big = top["model.bin"]
    assert (
        big.lfs is not None
        and big.lfs.sha256 == hashlib.sha256(model_files["model.bin"]).hexdigest()
    )
    assert big.size == BIG and top["config.json"].lfs is None

    everything = [e.path for e in api.list_repo_tree(REPO, recursive=True)]
    assert "tokenizer/vocab.txt" in everything
    assert [e.path for e in api.list_repo_tree(REPO, path_in_repo="tokenizer")] == [
        "tokenizer/vocab.txt"
    ]


def test_raw_http_ranges_and_headers(hf: LocalHub, model_files: dict[str, bytes]) -> None:
    url = f"{hf.endpoint}/{REPO}/resolve/main/model.bin"
    data = model_files["model.bin"]
    sha = hf.file(REPO, "model.bin").local_path.parent.name

    head = urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=5)
    assert head.headers["X-Repo-Commit"] == sha
    assert head.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert head.headers["X-Linked-Size"] == str(BIG)
    assert head.headers["Content-Length"] == str(BIG)

    tail = urllib.request.urlopen(urllib.request.Request(url, headers={"Range": "bytes=-10"}))
    assert tail.status == 206 and tail.read() == data[-10:]
    assert tail.headers["Content-Range"] == f"bytes {BIG - 10}-{BIG - 1}/{BIG}"
    middle = urllib.request.urlopen(urllib.request.Request(url, headers={"Range": "bytes=5-9"}))
    assert middle.read() == data[5:10]

    with pytest.raises(urllib.error.HTTPError) as bad_range:
        urllib.request.urlopen(urllib.request.Request(url, headers={"Range": f"bytes={BIG}-"}))
    assert bad_range.value.code == 416

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{hf.endpoint}/{REPO}/resolve/main/nope.txt")
    assert missing.value.code == 404
    assert missing.value.headers["X-Error-Code"] == "EntryNotFound"
    assert missing.value.headers["X-Repo-Commit"] == sha
    assert json.loads(missing.value.read()) == {"error": "Entry not found"}
