"""Installing models from a local stand-in for the model hub: the real download code."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hub_server import LocalHub, use_local_hub
from tiny_models import tiny_marian  # noqa: F401  (fixture)

from models.install import install_from_hub
from models.store import ModelStore, verify_folder
from models.whisper import ModelError

REPO = "Helsinki-NLP/opus-mt-fi-et"


@pytest.fixture
def hub(tmp_path: Path, monkeypatch, tiny_marian):  # noqa: F811
    with LocalHub(tmp_path / "hub", lfs_threshold=1024) as hub:
        hub.main_sha = hub.add_repo(REPO, tiny_marian.path)
        use_local_hub(monkeypatch, hub.endpoint)
        yield hub


def test_install_downloads_converts_and_records(hub, tmp_path: Path):
    store = ModelStore(tmp_path / "store")
    events = []
    model = install_from_hub(store, "translation", "opus-mt-fi-et", REPO, on_progress=events.append)
    assert model.folder == store.folder_for("translation", "opus-mt-fi-et")
    assert (model.folder / "ctranslate2" / "model.bin").is_file()
    assert model.manifest.revision == hub.main_sha and model.manifest.source == "hub"
    assert verify_folder(model.folder) == []
    downloads = [e for e in events if e.stage == "download"]
    assert downloads[0].done == 0 and downloads[-1].done == downloads[-1].total > 0
    assert [e.done for e in downloads] == sorted(e.done for e in downloads)
    assert [e.stage for e in events][-3:] == ["convert", "verify", "done"]
    assert not any(p.name.endswith(".partial") for p in model.folder.parent.iterdir())


def test_install_without_conversion_tools_stops_before_downloading(hub, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    store = ModelStore(tmp_path / "store")
    with pytest.raises(ModelError, match="needs torch and transformers") as caught:
        install_from_hub(store, "translation", "opus-mt-fi-et", REPO)
    assert "opus-mt-fi-et" in str(caught.value)
    assert 'pip install "desk-interpreter[convert]"' in str(caught.value)
    assert not [path for method, path, _ in hub.request_log if method == "GET"]
    assert store.installed() == []
    model = install_from_hub(store, "translation", "opus-mt-fi-et", REPO, convert=False)
    assert not (model.folder / "ctranslate2").exists()  # nothing to convert, nothing needed


def test_revision_is_pinned(hub, tmp_path: Path, tiny_marian):  # noqa: F811
    changed = tmp_path / "changed"
    shutil.copytree(tiny_marian.path, changed)
    (changed / "README.md").write_text("a newer revision\n")
    old = hub.add_repo(REPO, tiny_marian.path, branch=None)
    hub.add_repo(REPO, changed)  # main moves on
    store = ModelStore(tmp_path / "store")
    model = install_from_hub(store, "translation", "x", REPO, revision=old, convert=False)
    assert model.manifest.revision == old and not (model.folder / "README.md").exists()


def test_broken_transfer_resumes_on_the_next_install(hub, tmp_path: Path, monkeypatch):
    import huggingface_hub.file_download as download

    monkeypatch.setattr(download.time, "sleep", lambda seconds: None)
    store = ModelStore(tmp_path / "store")
    weights = next(p.name for p in hub_files(hub) if p.name.endswith(".safetensors"))
    hub.fail_after_bytes(weights, 100, times=10)
    with pytest.raises(ModelError, match="run the install again to resume"):
        install_from_hub(store, "translation", "m", REPO, convert=False)
    assert store.installed() == []  # nothing half-installed is visible
    partial = store.folder_for("translation", "m").parent / ".m.partial"
    kept = {p.name for p in partial.iterdir() if p.is_file()}
    assert "config.json" in kept  # files completed before the break are kept
    hub.clear_faults()
    hub.request_log.clear()
    install_from_hub(store, "translation", "m", REPO, convert=False)
    fetched = {path.rsplit("/", 1)[-1] for method, path, _ in hub.request_log if method == "GET"}
    assert "config.json" not in fetched and weights in fetched


def test_corrupt_download_is_refused(hub, tmp_path: Path):
    store = ModelStore(tmp_path / "store")
    weights = next(p.name for p in hub_files(hub) if p.name.endswith(".safetensors"))
    hub.corrupt(weights)
    with pytest.raises(ModelError, match="corrupt"):
        install_from_hub(store, "translation", "m", REPO, convert=False)
    assert store.installed() == []


def test_unknown_repository_and_offline_are_clear(hub, tmp_path: Path, monkeypatch):
    store = ModelStore(tmp_path / "store")
    with pytest.raises(ModelError, match="no repository Helsinki-NLP/nope"):
        install_from_hub(store, "translation", "m", "Helsinki-NLP/nope")
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelError, match="models import"):
        install_from_hub(store, "translation", "m", REPO)


def test_unwritable_store_is_named(hub, tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(ModelError, match="not-a-folder"):
        install_from_hub(ModelStore(blocker), "translation", "m", REPO, convert=False)


def hub_files(hub: LocalHub) -> list[Path]:
    return [p for p in (hub.root).rglob("*") if p.is_file()]


def test_install_export_import_translate_from_the_command_line(hub, tmp_path: Path, tiny_marian):  # noqa: F811
    import json
    import os
    import subprocess
    import sys

    pinned = hub.add_repo("Helsinki-NLP/opus-mt-fi-en", tiny_marian.path)

    def cli(models_dir: Path, *args: str):
        env = {**os.environ, "INTERPRETER_MODELS_DIR": str(models_dir)}
        return subprocess.run(
            [sys.executable, "-m", "interpreter", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    online, desk = tmp_path / "online", tmp_path / "desk"
    installed = cli(online, "models", "install", "opus-mt-fi-en")
    assert installed.returncode == 0, installed.stderr
    assert (
        "downloading 100.0%" in installed.stdout and "Installed opus-mt-fi-en" in installed.stdout
    )
    archive = tmp_path / "fi-en.tar"
    exported = cli(online, "models", "export", "fi-en", "--to", str(archive))
    assert exported.returncode == 0, exported.stderr
    assert cli(desk, "models", "import", str(archive)).returncode == 0
    listed = cli(desk, "models", "list").stdout
    assert f"Helsinki-NLP/opus-mt-fi-en@{pinned[:12]}" in listed  # the revision travelled
    translated = cli(desk, "translate", "--from", "fi", "--to", "en", "--jsonl", "Hyvää päivää")
    assert translated.returncode == 0, translated.stderr
    record = json.loads(translated.stdout)
    assert record["route"] == "opus-mt-fi-en" and record["backend"] == "ctranslate2"
    unknown = cli(desk, "models", "install", "fi-xx")
    assert unknown.returncode == 2 and "fi-xx" in unknown.stderr
