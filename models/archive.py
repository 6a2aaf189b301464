"""The offline route: export installed models to an archive, import them at the desk.

An archive is a plain tar file (model weights do not compress) holding ``index.json`` and
each model's folder, manifest included, under ``whisper-<name>/`` or
``translation/<id>/``. Import checks every file against its manifest in a hidden folder
inside the store before anything is moved into place, so a wrong or damaged archive
never leaves a half-installed model.
"""

from __future__ import annotations

import json
import logging
import shutil
import tarfile
import tempfile
from pathlib import Path

from models.store import (
    MANIFEST_NAME,
    InstalledModel,
    ModelStore,
    read_manifest,
    verify_folder,
)
from models.whisper import ModelError

logger = logging.getLogger(__name__)

INDEX_NAME = "index.json"


def export_models(store: ModelStore, model_ids: list[str], archive: Path) -> Path:
    """Write the named installed models (each verified first) into ``archive``."""
    models = [store.find(model_id) for model_id in model_ids]
    for model in models:
        problems = verify_folder(model.folder)
        if problems:
            raise ModelError(
                f"Model {model.manifest.model_id} is damaged ({'; '.join(problems)}): "
                "reinstall it before exporting."
            )
    archive = Path(archive)
    partial = archive.with_name(archive.name + ".partial")
    index = [
        {
            "model_id": m.manifest.model_id,
            "kind": m.manifest.kind,
            "path": m.folder.relative_to(store.root).as_posix(),
        }
        for m in models
    ]
    try:
        with tarfile.open(partial, "w") as tar:
            data = json.dumps({"version": 1, "models": index}, indent=2).encode()
            info = tarfile.TarInfo(INDEX_NAME)
            info.size = len(data)
            with tempfile.TemporaryFile() as handle:
                handle.write(data)
                handle.seek(0)
                tar.addfile(info, handle)
            for model, entry in zip(models, index, strict=True):
                tar.add(model.folder, arcname=entry["path"])
        partial.replace(archive)
    except OSError as exc:
        if partial.is_file():
            partial.unlink()
        raise ModelError(f"Could not write the archive {archive}: {exc.strerror or exc}.") from exc
    return archive


def import_models(
    store: ModelStore, source: Path, as_name: str | None = None
) -> list[InstalledModel]:
    """Import every model of an archive, an exported folder, or one model folder.

    A folder without any manifest is a plain model folder (models/folder_import.py);
    ``as_name`` names its catalog entry when the folder does not tell.
    """
    source = Path(source)
    if not source.exists():
        raise ModelError(f"{source} does not exist: give an archive or a model folder.")
    if source.is_dir() and not _model_folders(source):
        from models.folder_import import import_plain_folder

        return [import_plain_folder(store, source, as_name)]
    store.root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=store.root))
    try:
        tree = _unpack(source, work) if source.is_file() else source
        candidates = _model_folders(tree)
        if not candidates:
            raise ModelError(
                f"{source} holds no model with a {MANIFEST_NAME}: it is not an archive made "
                "by 'interpreter models export'."
            )
        _require_indexed(tree, candidates, source)
        checked = []
        for folder in candidates:
            problems = verify_folder(folder)
            if problems:
                raise ModelError(
                    f"Model in {folder.relative_to(tree) if folder != tree else source} "
                    f"fails its checksums ({'; '.join(problems[:3])}): the archive is damaged; "
                    "export it again."
                )
            checked.append((folder, read_manifest(folder)))
        installed = []
        for folder, manifest in checked:
            target = store.folder_for(manifest.kind, manifest.model_id)
            staged = work / f"staged-{len(installed)}"
            if work in folder.parents:
                folder.rename(staged)  # unpacked from the archive: move it
            else:
                shutil.copytree(folder, staged)  # the user's folder stays as it was
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            staged.rename(target)
            installed.append(InstalledModel(target, manifest))
            logger.info("imported %s into %s", manifest.model_id, target)
        return installed
    except OSError as exc:
        raise ModelError(
            f"Could not import {source} into {store.root}: {exc.strerror or exc}. Check the "
            "free space and that the models folder is writable."
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _require_indexed(tree: Path, candidates: list[Path], source: Path) -> None:
    """Refuse an archive that lacks models its index lists: a copy cut short at a file
    boundary unpacks without an error but holds only the first models."""
    index_file = tree / INDEX_NAME
    if not index_file.is_file():
        return
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))["models"]
        listed = {entry["model_id"]: tree / entry["path"] for entry in index}
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"The index of {source} cannot be read ({exc}): the archive is damaged; "
            "export it again."
        ) from exc
    missing = sorted(model_id for model_id, path in listed.items() if path not in candidates)
    if missing:
        raise ModelError(
            f"{source} is incomplete: {', '.join(missing)} listed in it is missing or cut "
            "off. The archive is damaged or was not copied whole; copy or export it again."
        )


def _unpack(archive: Path, work: Path) -> Path:
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work / "unpacked", filter="data")
    except (tarfile.TarError, EOFError) as exc:
        raise ModelError(
            f"{archive} is not a model archive ({exc}); make one with 'interpreter models export'."
        ) from exc
    return work / "unpacked"


def _model_folders(tree: Path) -> list[Path]:
    if (tree / MANIFEST_NAME).is_file():
        return [tree]
    return sorted(p.parent for p in tree.rglob(MANIFEST_NAME))
