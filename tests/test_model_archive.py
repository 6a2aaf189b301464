"""The offline route: export, import, and what a wrong or damaged archive does."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from models.archive import export_models, import_models
from models.store import ModelStore, write_manifest
from models.whisper import ModelError


def installed_store(root: Path) -> ModelStore:
    store = ModelStore(root)
    for model_id, size in (("opus-mt-fi-en", 3000), ("opus-mt-en-fi", 2000)):
        folder = store.folder_for("translation", model_id)
        (folder / "ctranslate2").mkdir(parents=True)
        (folder / "config.json").write_text('{"model_type": "marian"}')
        (folder / "model.safetensors").write_bytes(bytes(range(256)) * (size // 256))
        (folder / "ctranslate2" / "model.bin").write_bytes(b"\x02" * size)
        write_manifest(folder, model_id, "translation", "hub", f"Helsinki-NLP/{model_id}", "c" * 40)
    return store


def test_export_then_import_at_another_desk(tmp_path: Path):
    source = installed_store(tmp_path / "online")
    archive = export_models(source, ["opus-mt-fi-en", "opus-mt-en-fi"], tmp_path / "fi-en.tar")
    desk = ModelStore(tmp_path / "desk")
    imported = import_models(desk, archive)
    assert sorted(m.manifest.model_id for m in imported) == ["opus-mt-en-fi", "opus-mt-fi-en"]
    assert [desk.verify(m.manifest.model_id) for m in imported] == [[], []]
    assert desk.find("opus-mt-fi-en").manifest.revision == "c" * 40
    assert [p.name for p in desk.root.iterdir() if p.name.startswith(".")] == []


def test_import_from_a_folder_leaves_it_untouched(tmp_path: Path):
    source = installed_store(tmp_path / "copied")
    folder = source.folder_for("translation", "opus-mt-fi-en")
    desk = ModelStore(tmp_path / "desk")
    import_models(desk, folder)
    assert (folder / "config.json").exists() and desk.verify("opus-mt-fi-en") == []


def test_damaged_archive_installs_nothing(tmp_path: Path):
    source = installed_store(tmp_path / "online")
    archive = export_models(source, ["opus-mt-fi-en"], tmp_path / "a.tar")
    data = bytearray(archive.read_bytes())
    position = data.find(b"\x02" * 100)  # inside ctranslate2/model.bin
    data[position] = 0x03
    archive.write_bytes(bytes(data))
    desk = ModelStore(tmp_path / "desk")
    with pytest.raises(ModelError, match="fails its checksums"):
        import_models(desk, archive)
    assert desk.installed() == [] and list(desk.root.iterdir()) == []


def test_wrong_archives_are_named(tmp_path: Path):
    desk = ModelStore(tmp_path / "desk")
    notes = tmp_path / "notes.tar"
    notes.write_text("not an archive")
    with pytest.raises(ModelError, match=r"notes\.tar is not a model archive"):
        import_models(desk, notes)
    other = tmp_path / "other.tar"
    readme = tmp_path / "README.txt"
    readme.write_text("hello")
    with tarfile.open(other, "w") as tar:
        tar.add(readme, arcname="README.txt")
    with pytest.raises(ModelError, match="holds no model"):
        import_models(desk, other)
    with pytest.raises(ModelError, match="does not exist"):
        import_models(desk, tmp_path / "missing.tar")


def test_export_refuses_a_damaged_model_and_unwritable_target(tmp_path: Path):
    source = installed_store(tmp_path / "online")
    (source.folder_for("translation", "opus-mt-en-fi") / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="damaged"):
        export_models(source, ["opus-mt-en-fi"], tmp_path / "x.tar")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ModelError, match="Could not write the archive"):
        export_models(source, ["opus-mt-fi-en"], blocker / "x.tar")


def test_archive_cut_between_its_models_installs_nothing(tmp_path: Path):
    """A copy that stops exactly where the second model begins unpacks without a tar
    error; the archive's index still shows that a model is missing."""
    source = installed_store(tmp_path / "online")
    archive = export_models(source, ["opus-mt-fi-en", "opus-mt-en-fi"], tmp_path / "fi-en.tar")
    with tarfile.open(archive) as tar:
        second = next(m for m in tar.getmembers() if m.name.startswith("translation/opus-mt-en"))
    cut = tmp_path / "cut.tar"
    cut.write_bytes(archive.read_bytes()[: second.offset])
    with tarfile.open(cut) as tar:  # tarfile itself sees a shorter, valid archive
        assert not any(m.name.startswith("translation/opus-mt-en") for m in tar.getmembers())
    desk = ModelStore(tmp_path / "desk")
    with pytest.raises(ModelError, match=r"cut\.tar is incomplete: opus-mt-en-fi"):
        import_models(desk, cut)
    assert desk.installed() == []
