"""``models import`` of plain model folders: Whisper, a transformers Marian folder
(converted on import), and folders that are neither, refused with what they lack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli
from trained_marian import PHRASE_PAIRS, trained_marian_fi_en  # noqa: F401  (fixture)

from models.archive import import_models
from models.folder_import import LOCAL_IMPORT
from models.store import MANIFEST_NAME, ModelStore
from models.whisper import ModelError


def plain_copy(source: Path, target: Path) -> Path:
    """The model folder as someone would copy it: no manifest, no conversion."""
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns(MANIFEST_NAME, "ctranslate2", "training.*")
    )
    return target


@pytest.mark.slow
def test_a_plain_faster_whisper_folder_imports(tmp_path, whisper_base_dir):
    folder = plain_copy(whisper_base_dir, tmp_path / "usb" / "faster-whisper-base")
    store = ModelStore(tmp_path / "desk")
    [model] = import_models(store, folder)
    assert model.folder == store.folder_for("whisper", "base")
    assert model.manifest.source == LOCAL_IMPORT
    assert model.manifest.repo == "Systran/faster-whisper-base"
    assert {f.path for f in model.manifest.files} >= {"model.bin", "config.json"}
    assert store.verify("base") == []
    assert not (folder / MANIFEST_NAME).exists()  # the user's folder is left as it was
    assert [p.name for p in store.root.iterdir() if p.name.startswith(".")] == []


@pytest.mark.slow
def test_a_whisper_folder_whose_size_cannot_be_told_needs_as(tmp_path, whisper_base_dir):
    folder = plain_copy(whisper_base_dir, tmp_path / "usb" / "speech-model")
    store = ModelStore(tmp_path / "desk")
    result = run_cli("models", "import", str(folder))
    assert result.returncode == 2
    assert "--as NAME" in result.stderr and "whisper-small" in result.stderr
    [model] = import_models(store, folder, as_name="whisper-base")
    assert model.manifest.model_id == "base" and store.installed() == [model]


@pytest.mark.slow
def test_a_plain_marian_folder_is_converted_and_translates(tmp_path, trained_marian_fi_en):  # noqa: F811
    folder = plain_copy(trained_marian_fi_en, tmp_path / "usb" / "opus-mt-fi-en")
    assert not (folder / "ctranslate2").exists()
    store = ModelStore(tmp_path / "desk")
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "models", "import", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "INTERPRETER_MODELS_DIR": str(store.root)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Imported opus-mt-fi-en" in result.stdout
    [model] = store.installed()
    installed = store.folder_for("translation", "opus-mt-fi-en")
    assert model.folder == installed
    assert (installed / "ctranslate2" / "model.bin").is_file()
    assert any(f.path.startswith("ctranslate2/") for f in model.manifest.files)
    assert model.manifest.source == LOCAL_IMPORT and store.verify("opus-mt-fi-en") == []
    from interpreter.translate.loader import build_engine

    engine = build_engine("fi", "en", models_dir=store.root)
    finnish, english = PHRASE_PAIRS[0]
    result = engine.translate(finnish)
    assert result.backend == "ctranslate2" and result.translation == english


def test_folders_that_are_no_model_are_refused_with_what_they_lack(tmp_path):
    store = ModelStore(tmp_path / "desk")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "README.txt").write_text("hello")
    with pytest.raises(ModelError, match=r"no config\.json or model\.bin.*README\.txt"):
        import_models(store, notes)

    marian = tmp_path / "opus-mt-fi-en"
    marian.mkdir()
    (marian / "config.json").write_text(json.dumps({"model_type": "marian"}))
    (marian / "source.spm").write_bytes(b"x")
    with pytest.raises(ModelError, match=r"lacks target\.spm, vocab\.json, model\.safetensors"):
        import_models(store, marian)

    bert = tmp_path / "bert"
    bert.mkdir()
    (bert / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(ModelError, match="'bert' model"):
        import_models(store, bert)

    whisper = tmp_path / "faster-whisper-small"
    whisper.mkdir()
    (whisper / "model.bin").write_bytes(b"\0" * 64)
    (whisper / "config.json").write_text(json.dumps({"alignment_heads": [], "lang_ids": []}))
    with pytest.raises(ModelError, match=r"lacks tokenizer\.json"):
        import_models(store, whisper)
    (whisper / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError, match="does not load as a faster-whisper"):
        import_models(store, whisper)
    assert store.installed() == [] and list(store.root.iterdir()) == []


def test_as_must_fit_what_the_folder_is(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "marian"}))
    for name in ("source.spm", "target.spm", "vocab.json", "model.safetensors"):
        (folder / name).write_bytes(b"x")
    store = ModelStore(tmp_path / "desk")
    with pytest.raises(ModelError, match="--as NAME, one of: opus-mt-fi-en"):
        import_models(store, folder)
    with pytest.raises(ModelError, match="cannot be imported as 'whisper-base'"):
        import_models(store, folder, as_name="whisper-base")
