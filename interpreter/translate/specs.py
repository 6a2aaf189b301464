"""Describing a translation model folder on disk as a :class:`ModelSpec`.

A model folder is laid out like its hub repository (``config.json``, tokenizer files,
weights). Its CTranslate2 conversion, when there is one, lives in the ``ctranslate2``
sub-folder; the tokenizer is always read from the model folder itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from interpreter.translate.base import ModelSpec, TranslationError

CT2_SUBFOLDER = "ctranslate2"


def detect_family(folder: Path) -> str:
    """``marian``, ``m2m100`` or ``nllb``, from the folder's configuration files."""
    config_path = folder / "config.json"
    if not folder.is_dir():
        raise TranslationError(
            f"Translation model folder {folder} does not exist: check the path given to --mt-model."
        )
    try:
        config = json.loads(config_path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise TranslationError(
            f"Translation model folder {folder} has no config.json: it is not a "
            "transformers model folder (opus-mt, M2M100 or NLLB)."
        ) from exc
    except (OSError, ValueError) as exc:
        raise TranslationError(f"Cannot read {config_path}: {exc}") from exc
    model_type = config.get("model_type", "")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        tokenizer_config = folder / "tokenizer_config.json"
        tokenizer_class = ""
        if tokenizer_config.is_file():
            try:
                tokenizer_class = json.loads(tokenizer_config.read_text("utf-8")).get(
                    "tokenizer_class", ""
                )
            except (OSError, ValueError):
                tokenizer_class = ""
        return "nllb" if "nllb" in str(tokenizer_class).lower() else "m2m100"
    raise TranslationError(
        f"Translation model {folder} is a '{model_type or 'unknown'}' model; supported are "
        "opus-mt (marian), M2M100 and NLLB."
    )


def spec_from_folder(
    folder: Path,
    source_code: str = "",
    target_code: str = "",
    target_prefix: str = "",
    family: str | None = None,
) -> ModelSpec:
    """The spec of a local model folder, with its CTranslate2 copy when present."""
    folder = Path(folder).expanduser()
    family = family or detect_family(folder)
    ct2 = folder / CT2_SUBFOLDER
    return ModelSpec(
        path=folder,
        family=family,
        source_code=source_code,
        target_code=target_code,
        target_prefix=target_prefix,
        ct2_path=ct2 if (ct2 / "model.bin").is_file() else None,
    )
