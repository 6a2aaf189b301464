"""Converting a transformers translation model to CTranslate2, as installing and importing
a model does.

torch and transformers, which the converter needs, are an optional install; they are
looked for without importing them, and imported only when a model is converted.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import tempfile
from pathlib import Path

from models.errors import TranslationError
from models.vmap import DEFAULT_FREQUENT_TOKENS, VMAP_FILE, has_vocabulary_map, model_vocabulary_map

logger = logging.getLogger(__name__)

#: The optional packages that convert translation models to CTranslate2 (and run a model
#: that has no CTranslate2 copy), and how to install them.
CONVERSION_PACKAGES = ("torch", "transformers")
CONVERSION_INSTALL = 'bash scripts/setup.sh, or pip install "desk-interpreter[convert]"'


def missing_conversion_tools() -> list[str]:
    """The conversion packages this installation lacks (found without importing them)."""
    return [name for name in CONVERSION_PACKAGES if importlib.util.find_spec(name) is None]


def require_conversion_tools(task: str) -> None:
    """Raise a :class:`TranslationError` when ``task`` cannot run for want of torch or
    transformers (an optional install), saying how to install them."""
    missing = missing_conversion_tools()
    if missing:
        raise TranslationError(
            f"{task} needs {' and '.join(CONVERSION_PACKAGES)}; this installation lacks "
            f"{' and '.join(missing)}. Install them ({CONVERSION_INSTALL}), or use a model "
            "converted to CTranslate2 on another machine (interpreter models export / import)."
        )


def convert_to_ctranslate2(
    model_dir: Path,
    out_dir: Path,
    quantization: str = "int8",
    force: bool = False,
    vocabulary_map: bool = True,
    frequent_tokens: int = DEFAULT_FREQUENT_TOKENS,
) -> Path:
    """Convert a transformers model folder to CTranslate2 in ``out_dir`` and return it.

    The conversion is written to a temporary sibling folder and renamed into place, so a
    failed conversion leaves nothing half-written. An existing ``out_dir`` is replaced only
    with ``force=True``. With ``vocabulary_map``, an opus-mt model gets a vocabulary map
    (``frequent_tokens`` always-candidates, see :mod:`models.vmap`), given
    to the converter's ``vmap`` option; other families are converted without one.
    """
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    if not (model_dir / "config.json").is_file():
        raise TranslationError(
            f"Cannot convert {model_dir}: it is not a downloaded transformers model "
            "(no config.json). Download the model first."
        )
    if out_dir.exists() and not force:
        raise TranslationError(
            f"{out_dir} already exists. Remove it or convert again with force=True."
        )
    require_conversion_tools(f"Converting {model_dir} to CTranslate2")
    from ctranslate2.converters import TransformersConverter

    vmap = model_vocabulary_map(model_dir, frequent_tokens) if vocabulary_map else None
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    target = work / "model"
    try:
        vmap_file = str(vmap.write(work / VMAP_FILE)) if vmap is not None else None
        TransformersConverter(str(model_dir)).convert(
            str(target), vmap=vmap_file, quantization=quantization
        )
    except Exception as exc:  # converter errors are ValueError, OSError, RuntimeError...
        shutil.rmtree(work, ignore_errors=True)
        raise TranslationError(
            f"Converting {model_dir} to CTranslate2 ({quantization}) failed: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    old = work / "old"
    if out_dir.exists():
        out_dir.rename(old)
    target.rename(out_dir)
    shutil.rmtree(work, ignore_errors=True)
    logger.info(
        "converted %s to %s (%s, vocabulary map %s)",
        model_dir,
        out_dir,
        quantization,
        "yes" if has_vocabulary_map(out_dir) else "no",
    )
    return out_dir
