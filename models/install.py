"""Installing a model from the Hugging Face hub into the store, with progress.

Steps: resolve the revision to a commit (pinned in the manifest), download the files one
by one into a hidden ``.partial`` folder next to the target (files already complete there
are kept, so a broken install resumes where it stopped), check every large file against
the SHA-256 the hub announced (huggingface_hub does not), convert translation models to
CTranslate2 int8, write the manifest, and only then move the folder into place.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from models.conversion import CONVERSION_INSTALL, CONVERSION_PACKAGES, missing_conversion_tools
from models.store import InstalledModel, ModelStore, read_manifest, sha256_of, write_manifest
from models.whisper import ModelError

logger = logging.getLogger(__name__)

OFFLINE_ROUTE = (
    "On a machine without network, prepare an archive elsewhere and import it "
    "(interpreter models import ARCHIVE)."
)


@dataclass(frozen=True)
class InstallProgress:
    """``stage`` is ``download``, ``verify``, ``convert`` or ``done``; ``done``/``total``
    are bytes while downloading, else steps."""

    model_id: str
    stage: str
    done: int
    total: int
    detail: str = ""


ProgressCallback = Callable[[InstallProgress], None]

#: When a repository has weights in both formats, only the first is fetched.
_REDUNDANT_WEIGHTS = {"model.safetensors": "pytorch_model.bin"}


class InstallCancelled(ModelError):
    """The user cancelled; files already complete are kept for the next attempt."""


def _progress_bar_class(on_bytes: Callable[[int], None], cancel: threading.Event | None):
    """A silent tqdm for huggingface_hub that reports bytes and stops a cancelled transfer."""
    from tqdm.auto import tqdm

    class _ReportingBar(tqdm):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["disable"] = True  # nothing on the terminal; progress goes to on_bytes
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if cancel is not None and cancel.is_set():
                raise InstallCancelled("cancelled")
            if n:
                on_bytes(int(n))
            return super().update(n)

    return _ReportingBar


def _report(callback: ProgressCallback | None, *args, **kwargs) -> None:
    if callback is not None:
        callback(InstallProgress(*args, **kwargs))


def install_from_hub(
    store: ModelStore,
    kind: str,
    model_id: str,
    repo: str,
    revision: str = "main",
    allow_patterns: Sequence[str] = (),
    on_progress: ProgressCallback | None = None,
    convert: bool | None = None,
    cancel: threading.Event | None = None,
) -> InstalledModel:
    """Download ``repo`` at ``revision`` as ``model_id``; returns the installed model.

    ``allow_patterns`` limits the files fetched (globs; empty: all). Setting ``cancel``
    stops the install with :class:`InstallCancelled` within one network read.
    """
    from huggingface_hub import HfApi, constants, hf_hub_download
    from huggingface_hub.hf_api import RepoFile

    if constants.HF_HUB_OFFLINE:
        raise ModelError(
            f"Cannot download {model_id}: the model hub is switched off "
            f"(HF_HUB_OFFLINE). {OFFLINE_ROUTE}"
        )
    converting = convert if convert is not None else kind == "translation"
    missing = missing_conversion_tools() if converting else []
    if missing:
        raise ModelError(
            f"Installing {model_id} converts it to CTranslate2, which needs "
            f"{' and '.join(CONVERSION_PACKAGES)}; this installation lacks "
            f"{' and '.join(missing)}. Install the conversion tools ({CONVERSION_INSTALL}), "
            "or install the model on a machine that has them and import it here "
            "(interpreter models export / import)."
        )
    target = store.folder_for(kind, model_id)
    staging = target.parent / f".{target.name}.partial"
    api = HfApi()
    try:
        info = api.model_info(repo, revision=revision)
        listing = [
            entry
            for entry in api.list_repo_tree(repo, revision=info.sha, recursive=True)
            if isinstance(entry, RepoFile)
        ]
    except Exception as exc:
        raise hub_error(model_id, repo, revision, exc) from exc
    files = [
        entry
        for entry in listing
        if not allow_patterns or any(fnmatch(entry.path, p) for p in allow_patterns)
    ]
    names = {entry.path for entry in files}
    files = [
        f
        for f in files
        if not any(r == f.path and p in names for p, r in _REDUNDANT_WEIGHTS.items())
    ]
    if not files:
        raise ModelError(f"Repository {repo}@{revision} has no files to install for {model_id}.")
    total = sum(entry.size for entry in files)
    done = 0
    _report(on_progress, model_id, "download", 0, total)

    def add_bytes(count: int) -> None:
        nonlocal in_file
        in_file += count
        _report(on_progress, model_id, "download", min(done + in_file, total), total, current)

    try:
        staging.mkdir(parents=True, exist_ok=True)
        for entry in files:
            in_file, current = 0, entry.path
            if cancel is not None and cancel.is_set():
                raise InstallCancelled("cancelled")
            path = Path(
                hf_hub_download(
                    repo,
                    entry.path,
                    revision=info.sha,
                    local_dir=staging,
                    tqdm_class=_progress_bar_class(add_bytes, cancel),
                )
            )
            expected = entry.lfs.sha256 if entry.lfs else None
            if expected and sha256_of(path) != expected:
                path.unlink()
                raise ModelError(
                    f"The download of {entry.path} for {model_id} is corrupt (checksum "
                    "differs). Run the install again; it fetches only that file."
                )
            done += entry.size
            _report(on_progress, model_id, "download", done, total, entry.path)
        shutil.rmtree(staging / ".cache", ignore_errors=True)  # huggingface_hub's bookkeeping
        if cancel is not None and cancel.is_set():
            raise InstallCancelled("cancelled")
        if converting:
            _report(on_progress, model_id, "convert", 0, 1, "CTranslate2 int8")
            from models.conversion import convert_to_ctranslate2

            convert_to_ctranslate2(
                staging, staging / "ctranslate2", quantization="int8", force=True
            )
            _report(on_progress, model_id, "convert", 1, 1, "CTranslate2 int8")
        if cancel is not None and cancel.is_set():
            raise InstallCancelled("cancelled")
        _report(on_progress, model_id, "verify", 0, 1)
        write_manifest(staging, model_id, kind, "hub", repo, info.sha)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except InstallCancelled:
        logger.info("install of %s cancelled; finished files kept in %s", model_id, staging)
        raise InstallCancelled(
            f"The install of {model_id} was cancelled. Files already downloaded are kept; "
            "installing again resumes from them."
        ) from None
    except ModelError:
        raise
    except OSError as exc:
        raise _disk_error(model_id, staging, exc) from exc
    except Exception as exc:
        raise hub_error(model_id, repo, revision, exc) from exc
    _report(on_progress, model_id, "done", 1, 1)
    logger.info("installed %s from %s@%s into %s", model_id, repo, info.sha, target)
    return InstalledModel(target, read_manifest(target))


def hub_error(model_id: str, repo: str, revision: str, exc: Exception) -> ModelError:
    from huggingface_hub import errors

    if isinstance(exc, errors.RepositoryNotFoundError):
        return ModelError(f"The model hub has no repository {repo} (for {model_id}).")
    if isinstance(exc, errors.RevisionNotFoundError):
        return ModelError(f"Repository {repo} has no revision {revision} (for {model_id}).")
    if isinstance(exc, errors.EntryNotFoundError):
        return ModelError(f"A file of {repo}@{revision} is missing on the hub ({exc}).")
    reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    return ModelError(
        f"Could not download {model_id} from the model hub ({reason}). Files already "
        f"downloaded are kept; run the install again to resume. {OFFLINE_ROUTE}"
    )


def _disk_error(model_id: str, folder: Path, exc: OSError) -> ModelError:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        why = "the folder is not writable"
    else:
        why = exc.strerror or str(exc)
    return ModelError(
        f"Could not install {model_id} into {folder.parent}: {why}. Free space or set "
        "INTERPRETER_MODELS_DIR to another folder, then run the install again."
    )
