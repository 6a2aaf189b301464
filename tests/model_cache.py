"""A cache of the models the test suite builds itself, shared across runs.

Lives in ``.test-cache/`` at the repository root (or ``$DESK_TEST_CACHE_DIR``); safe to
delete. Entries are keyed by a hash of the builder's source and the library versions
that shape the files, and are written to a temporary folder, then renamed into place.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)


def library_fingerprint(source_file: Path, *extra: str) -> str:
    """Hash of a builder file, extra inputs and the versions of the model libraries."""
    import ctranslate2
    import sentencepiece
    import torch
    import transformers

    digest = hashlib.sha256(Path(source_file).read_bytes())
    for item in extra:
        digest.update(item.encode())
    for module in (ctranslate2, sentencepiece, torch, transformers):
        digest.update(f"{module.__name__}={module.__version__};".encode())
    return digest.hexdigest()[:16]


def cache_root(subfolder: str) -> Path:
    override = os.environ.get("DESK_TEST_CACHE_DIR")
    root = Path(override) if override else Path(__file__).resolve().parents[1] / ".test-cache"
    folder = root / subfolder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_build(subfolder: str, name: str, key: str, build: Callable[[Path], None]) -> Path:
    """``<cache>/<subfolder>/<name>-<key>``, running ``build(folder)`` when it is missing."""
    final = cache_root(subfolder) / f"{name}-{key}"
    if not final.is_dir():
        work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=final.parent))
        try:
            build(work / "build")
            (work / "build").rename(final)
        except OSError:
            if not final.is_dir():  # another run may have won the race
                raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        logger.info("built %s in %s", name, final)
    return final
