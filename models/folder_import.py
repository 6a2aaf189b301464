"""Importing a plain model folder, as people carry them on a USB stick.

``interpreter models import FOLDER`` takes, besides archives made by ``models export``, a
folder without a manifest:

* a faster-whisper (CTranslate2) Whisper folder: ``model.bin``, ``config.json`` with
  Whisper's alignment heads and language ids, ``tokenizer.json``;
* a transformers opus-mt (Marian), M2M100 or NLLB folder: ``config.json``, the weights and
  the family's tokenizer files; converted to CTranslate2 int8 as ``models install`` does,
  unless it already holds its conversion in ``ctranslate2/`` (a copied models folder).

The folder is recognised, matched to a catalog entry (from the repository it was saved
from, else its folder name; ``--as NAME`` settles it when that is ambiguous), copied into
a hidden folder in the store, converted and checked by loading it, given a manifest with
every file's checksum (source ``local-import``) and only then moved into place. The
user's folder is never changed.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.catalog import ModelCatalog
from models.store import InstalledModel, ModelStore, verify_folder, write_manifest
from models.whisper import ModelError

logger = logging.getLogger(__name__)

LOCAL_IMPORT = "local-import"
CT2_SUBFOLDER = "ctranslate2"
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
#: The tokenizer files each translation family needs (any one of a tuple's names).
TOKENIZER_FILES: dict[str, tuple[tuple[str, ...], ...]] = {
    "marian": (("source.spm",), ("target.spm",), ("vocab.json",)),
    "m2m100": (("sentencepiece.bpe.model",), ("vocab.json",)),
    "nllb": (("tokenizer.json", "sentencepiece.bpe.model"),),
}
FAMILY_NAMES = {"marian": "opus-mt (Marian)", "m2m100": "M2M100", "nllb": "NLLB"}

#: Converts a transformers folder to CTranslate2 int8 in the given folder.
Converter = Callable[[Path, Path], None]
#: Loads a model folder to prove it is usable; raises on failure.
Loader = Callable[[str, Path], None]


@dataclass(frozen=True)
class RecognisedFolder:
    """What a plain folder holds."""

    kind: str  # "whisper" or "translation"
    family: str  # "whisper", "marian", "m2m100" or "nllb"
    #: Catalog ids the folder could be (one when it is settled).
    candidates: tuple[str, ...]
    #: A transformers folder without its CTranslate2 conversion.
    needs_conversion: bool
    repo_hint: str = ""

    @property
    def description(self) -> str:
        if self.kind == "whisper":
            return "a faster-whisper (CTranslate2) Whisper model"
        layout = "without" if self.needs_conversion else "with"
        return (
            f"a transformers {FAMILY_NAMES[self.family]} model ({layout} a CTranslate2 conversion)"
        )


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path} cannot be read as JSON ({exc}): the folder is damaged.") from exc
    return data if isinstance(data, dict) else {}


def _name_tokens(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _whisper_candidates(folder: Path, catalog: ModelCatalog) -> tuple[str, ...]:
    """Catalog Whisper sizes named by the folder (``faster-whisper-small`` -> small)."""
    name = f"-{_name_tokens(folder.name)}-"
    found = [size for size in catalog.whisper if f"-{_name_tokens(size)}-" in name]
    # "large-v3-turbo" also contains "large-v3": the longest name that matches wins.
    longest = max(found, key=len, default=None)
    if longest is not None:
        return (longest,)
    return tuple(catalog.whisper)


def _translation_candidates(
    folder: Path, family: str, config: dict, catalog: ModelCatalog
) -> tuple[tuple[str, ...], str]:
    """Catalog ids matching the repository the folder was saved from, or its name."""
    models = [m for m in catalog.translation.models.values() if m.family == family]
    repo = str(config.get("_name_or_path", ""))
    by_repo = [m.id for m in models if repo and repo.lower().rstrip("/") == m.repo.lower()]
    if not by_repo and repo:
        by_repo = [m.id for m in models if _name_tokens(repo.split("/")[-1]) == _name_tokens(m.id)]
    if by_repo:
        return tuple(by_repo), repo
    name = _name_tokens(folder.name)
    by_name = [
        m.id for m in models if name in (_name_tokens(m.id), _name_tokens(m.repo.split("/")[-1]))
    ]
    return tuple(by_name or (m.id for m in models)), repo


def recognise_folder(folder: Path, catalog: ModelCatalog) -> RecognisedFolder:
    """What ``folder`` is, or a :class:`ModelError` naming what it lacks."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder} is not a folder.")
    config_path = folder / "config.json"
    if (folder / "model.bin").is_file():
        config = _read_json(config_path) if config_path.is_file() else {}
        if "alignment_heads" in config or "lang_ids" in config:
            missing = [name for name in WHISPER_FILES if not (folder / name).is_file()]
            if missing:
                raise ModelError(
                    f"{folder} looks like a faster-whisper model but lacks "
                    f"{', '.join(missing)}: copy the whole model folder again."
                )
            return RecognisedFolder(
                "whisper", "whisper", _whisper_candidates(folder, catalog), False
            )
        raise ModelError(
            f"{folder} holds a CTranslate2 model.bin that is not a Whisper model: a "
            "translation model is imported as its transformers folder (config.json, the "
            "weights and the tokenizer files, with the conversion in ctranslate2/ or "
            "without), as 'interpreter models install' leaves it."
        )
    if not config_path.is_file():
        present = sorted(p.name for p in folder.iterdir())[:8]
        raise ModelError(
            f"{folder} is not a model folder: it has no config.json or model.bin (it holds: "
            f"{', '.join(present) or 'nothing'}). Import a faster-whisper folder (model.bin, "
            "config.json, tokenizer.json), a transformers opus-mt/M2M100/NLLB folder "
            "(config.json, weights, tokenizer files) or an archive made by "
            "'interpreter models export'."
        )
    config = _read_json(config_path)
    family = _translation_family(folder, config)
    missing = [
        " or ".join(names)
        for names in TOKENIZER_FILES[family]
        if not any((folder / name).is_file() for name in names)
    ]
    converted = (folder / CT2_SUBFOLDER / "model.bin").is_file()
    if not converted and not any((folder / name).is_file() for name in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    if missing:
        raise ModelError(
            f"{folder} is a {FAMILY_NAMES[family]} model but lacks {', '.join(missing)}: "
            "copy the whole model folder again."
        )
    candidates, repo = _translation_candidates(folder, family, config, catalog)
    return RecognisedFolder("translation", family, candidates, not converted, repo)


def _translation_family(folder: Path, config: dict) -> str:
    model_type = config.get("model_type", "")
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        tokenizer_config = folder / "tokenizer_config.json"
        tokenizer_class = (
            _read_json(tokenizer_config).get("tokenizer_class", "")
            if tokenizer_config.is_file()
            else ""
        )
        return "nllb" if "nllb" in str(tokenizer_class).lower() else "m2m100"
    raise ModelError(
        f"{folder / 'config.json'} describes a '{model_type or 'unknown'}' model: the desk "
        "imports faster-whisper Whisper models and opus-mt (Marian), M2M100 and NLLB "
        "translation models."
    )


def catalog_id_for(recognised: RecognisedFolder, folder: Path, as_name: str | None) -> str:
    """The catalog id to install the folder as; ``as_name`` settles an ambiguous folder."""
    if as_name:
        wanted = as_name.removeprefix("whisper-") if recognised.kind == "whisper" else as_name
        if wanted not in recognised.candidates:
            raise ModelError(
                f"{folder} is {recognised.description}; it cannot be imported as "
                f"{as_name!r}. Possible: {_listed(recognised)}."
            )
        return wanted
    if len(recognised.candidates) == 1:
        return recognised.candidates[0]
    raise ModelError(
        f"{folder} is {recognised.description}, but which catalog model it is cannot be told "
        f"from its files or name. Say it with --as NAME, one of: {_listed(recognised)}."
    )


def _listed(recognised: RecognisedFolder) -> str:
    prefix = "whisper-" if recognised.kind == "whisper" else ""
    return ", ".join(prefix + name for name in recognised.candidates)


def import_plain_folder(
    store: ModelStore,
    folder: Path,
    as_name: str | None = None,
    catalog: ModelCatalog | None = None,
    convert: Converter | None = None,
    load: Loader | None = None,
) -> InstalledModel:
    """Recognise, convert when needed, check, record and install a plain model folder."""
    folder = Path(folder)
    catalog = catalog or ModelCatalog.load()
    recognised = recognise_folder(folder, catalog)
    model_id = catalog_id_for(recognised, folder, as_name)
    if recognised.kind == "whisper":
        repo = catalog.whisper[model_id].repo
    else:
        repo = catalog.translation.models[model_id].repo
    store.root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".import-", dir=store.root))
    staged = work / "model"
    try:
        shutil.copytree(folder, staged, ignore=shutil.ignore_patterns(".*"))
        if recognised.needs_conversion:
            (convert or _convert)(staged, staged / CT2_SUBFOLDER)
        model_dir = staged if recognised.kind == "whisper" else staged / CT2_SUBFOLDER
        try:
            (load or _load)(recognised.kind, model_dir)
        except ModelError:
            raise
        except Exception as exc:  # a damaged model.bin fails inside CTranslate2
            raise ModelError(
                f"{folder} does not load as {recognised.description} ({exc}): the copy is "
                "damaged or incomplete; copy the folder again."
            ) from exc
        write_manifest(staged, model_id, recognised.kind, LOCAL_IMPORT, repo)
        target = store.folder_for(recognised.kind, model_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    except OSError as exc:
        raise ModelError(
            f"Could not import {folder} into {store.root}: {exc.strerror or exc}. Check the "
            "free space and that the models folder is writable."
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    problems = verify_folder(target)
    if problems:
        raise ModelError(f"{target} does not match its new manifest: {'; '.join(problems)}.")
    logger.info("imported %s (%s) from the folder %s", model_id, recognised.family, folder)
    from models.store import read_manifest

    return InstalledModel(target, read_manifest(target))


def _convert(model_dir: Path, out_dir: Path) -> None:
    """CTranslate2 int8, as ``models install`` converts (needs the conversion tools)."""
    from models.conversion import CONVERSION_INSTALL, missing_conversion_tools

    missing = missing_conversion_tools()
    if missing:
        raise ModelError(
            f"{model_dir.name} has no CTranslate2 conversion and converting it needs "
            f"{' and '.join(missing)}, which this installation lacks. Install the conversion "
            f"tools ({CONVERSION_INSTALL}), or import the folder on a machine that has them "
            "and bring it over with 'interpreter models export' / 'import'."
        )
    from models.conversion import convert_to_ctranslate2

    try:
        convert_to_ctranslate2(model_dir, out_dir, quantization="int8", force=True)
    except Exception as exc:
        raise ModelError(f"Converting {model_dir.name} to CTranslate2 failed: {exc}") from exc


def _load(kind: str, model_dir: Path) -> None:
    """Load the CTranslate2 model once on the CPU: a damaged copy fails here."""
    import ctranslate2

    if kind == "whisper":
        ctranslate2.models.Whisper(str(model_dir), device="cpu", compute_type="int8")
    else:
        ctranslate2.Translator(str(model_dir), device="cpu", compute_type="int8")
