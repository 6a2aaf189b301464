"""Finding Whisper models offline, and the offline fallback when the hub is unreachable."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.whisper import (
    OFFLINE_BASE_MODEL_BYTES,
    ModelError,
    ensure_whisper_base,
    resolve_whisper_model,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


def test_base_comes_from_the_offline_packages_and_is_reused(store: Path):
    first = resolve_whisper_model("base", models_dir=store)
    assert first.source == "offline-package"
    assert (first.path / "model.bin").stat().st_size == OFFLINE_BASE_MODEL_BYTES
    again = resolve_whisper_model("base", models_dir=store)
    assert again.source == "store" and again.path == first.path
    assert [p.name for p in store.iterdir()] == ["whisper-base"]  # no staging leftovers
    assert ensure_whisper_base(store) == first.path


def test_unreachable_hub_falls_back_to_base_and_says_so(store: Path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    resolved = resolve_whisper_model("small", models_dir=store)
    assert resolved.source == "offline-package" and resolved.name == "base"
    assert "small" in resolved.note and "offline" in resolved.note
    assert not (store / "whisper-small" / "model.bin").exists()


def test_folder_is_checked(tmp_path: Path, store: Path):
    resolved = resolve_whisper_model(str(store / "whisper-base"), models_dir=tmp_path)
    assert resolved.source == "folder"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"x")
    with pytest.raises(ModelError, match=r"broken is missing config\.json, tokenizer\.json"):
        resolve_whisper_model(str(broken), models_dir=tmp_path)
    with pytest.raises(ModelError, match="does not exist"):
        resolve_whisper_model(str(tmp_path / "nowhere" / "model"), models_dir=tmp_path)


def test_unknown_name_lists_the_known_ones(tmp_path: Path):
    with pytest.raises(ModelError, match=r"Unknown ASR model .gigantic.*large-v3"):
        resolve_whisper_model("gigantic", models_dir=tmp_path)


def test_unwritable_models_folder_is_named(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ModelError, match="a-file"):
        ensure_whisper_base(blocker / "models")
