"""The local model store: installed models, their manifests, verification and removal.

Layout under the models folder (``INTERPRETER_MODELS_DIR`` or the per-user data folder)::

    whisper-<name>/            a Whisper model (CTranslate2 format)
    translation/<model id>/    a translation model in hub layout, ctranslate2/ inside
    voices/<voice id>/         a neural voice for speech output (ONNX and its config)

Each installed model has ``manifest.json``: where it came from (repository, pinned
revision, or the import archive), and every file with its size and SHA-256, the
CTranslate2 conversion included. A model is complete only when its manifest exists: the
manifest is written last, so an interrupted install never looks installed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from models.whisper import ModelError, default_models_dir

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
TRANSLATION_FOLDER = "translation"
VOICES_FOLDER = "voices"
_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class FileRecord:
    path: str  # relative to the model folder, with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    model_id: str
    kind: str  # "whisper", "translation" or "voice"
    source: str  # "hub", "import" or "offline-package"
    repo: str = ""
    revision: str = ""
    installed_at: str = ""
    files: tuple[FileRecord, ...] = field(default_factory=tuple)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class InstalledModel:
    folder: Path
    manifest: Manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)


def write_manifest(
    folder: Path, model_id: str, kind: str, source: str, repo: str = "", revision: str = ""
) -> Manifest:
    """Hash every file of ``folder`` and write its manifest (the last step of an install)."""
    records = tuple(
        FileRecord(p.relative_to(folder).as_posix(), p.stat().st_size, sha256_of(p))
        for p in _files_of(folder)
    )
    if not records:
        raise ModelError(f"Model folder {folder} is empty: nothing to record.")
    manifest = Manifest(
        model_id=model_id,
        kind=kind,
        source=source,
        repo=repo,
        revision=revision,
        installed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files=records,
    )
    data = {"version": MANIFEST_VERSION, **asdict(manifest)}
    staging = folder / f".{MANIFEST_NAME}.tmp"
    staging.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    staging.replace(folder / MANIFEST_NAME)
    return manifest


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text("utf-8"))
        files = tuple(FileRecord(**entry) for entry in data["files"])
        return Manifest(
            model_id=data["model_id"],
            kind=data["kind"],
            source=data["source"],
            repo=data.get("repo", ""),
            revision=data.get("revision", ""),
            installed_at=data.get("installed_at", ""),
            files=files,
        )
    except FileNotFoundError as exc:
        raise ModelError(
            f"Model folder {folder} has no {MANIFEST_NAME}: it was not installed completely. "
            "Remove it and install the model again."
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"The manifest {path} is damaged ({exc}). Remove the model and install it again."
        ) from exc


def verify_folder(folder: Path, full: bool = True) -> list[str]:
    """Problems found in ``folder`` against its manifest (empty list: the model is intact).

    ``full=False`` checks presence and sizes only (fast, for every start); ``full=True``
    also recomputes every SHA-256.
    """
    try:
        manifest = read_manifest(folder)
    except ModelError as exc:
        return [str(exc)]
    problems = []
    for record in manifest.files:
        path = folder / record.path
        if not path.is_file():
            problems.append(f"{record.path} is missing")
        elif path.stat().st_size != record.size:
            problems.append(
                f"{record.path} has {path.stat().st_size} bytes, expected {record.size}"
            )
        elif full and sha256_of(path) != record.sha256:
            problems.append(f"{record.path} is damaged (checksum differs)")
    return problems


class ModelStore:
    """The installed models under one models folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_models_dir()

    def folder_for(self, kind: str, model_id: str) -> Path:
        if kind == "whisper":
            return self.root / f"whisper-{model_id.replace('/', '--')}"
        if kind == "translation":
            return self.root / TRANSLATION_FOLDER / model_id
        if kind == "voice":
            return self.root / VOICES_FOLDER / model_id
        raise ValueError(f"unknown model kind {kind!r}")

    def installed(self) -> list[InstalledModel]:
        """Every model with a readable manifest, Whisper first, then translation and
        voices, by name."""
        folders = (
            sorted(self.root.glob("whisper-*"))
            + sorted((self.root / TRANSLATION_FOLDER).glob("*"))
            + sorted((self.root / VOICES_FOLDER).glob("*"))
        )
        found = []
        for folder in folders:
            if folder.is_dir() and (folder / MANIFEST_NAME).is_file():
                try:
                    found.append(InstalledModel(folder, read_manifest(folder)))
                except ModelError as exc:
                    logger.warning("%s", exc)
        return found

    def find(self, model_id: str) -> InstalledModel:
        for model in self.installed():
            if model.manifest.model_id == model_id:
                return model
        raise ModelError(
            f"Model {model_id!r} is not installed in {self.root}. "
            "See the installed models with: interpreter models list"
        )

    def verify(self, model_id: str, full: bool = True) -> list[str]:
        return verify_folder(self.find(model_id).folder, full=full)

    def remove(self, model_id: str) -> Path:
        """Delete an installed model; the manifest goes first, so a crash midway leaves a
        folder that is plainly incomplete rather than one that looks installed."""
        folder = self.find(model_id).folder
        try:
            (folder / MANIFEST_NAME).unlink()
            shutil.rmtree(folder)
        except OSError as exc:
            raise ModelError(
                f"Could not remove {folder}: {exc.strerror}. Close programs using it and try again."
            ) from exc
        logger.info("removed %s", folder)
        return folder
