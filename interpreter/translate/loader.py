"""Building translation engines: a local model folder, or the catalog's installed routes.

Installed catalog models live in ``<models dir>/translation/<model id>/`` (hub layout,
with an optional ``ctranslate2`` conversion inside). Loading is slow: GUI callers run
these functions off the UI thread.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from interpreter.translate.base import TranslationError
from interpreter.translate.cache import TranslationCache
from interpreter.translate.engine import TranslationEngine
from interpreter.translate.glossary import Glossary
from interpreter.translate.specs import spec_from_folder
from models.translation_routes import Route, TranslationCatalog

logger = logging.getLogger(__name__)

TRANSLATION_SUBFOLDER = "translation"


def parse_model_assignments(values: list[str]) -> dict[tuple[str, str], Path]:
    """``["fi-en=PATH", ...]`` from ``--mt-model`` into {(fi, en): PATH}."""
    assignments: dict[tuple[str, str], Path] = {}
    for value in values:
        direction, sep, path = value.partition("=")
        parts = direction.strip().lower().split("-")
        if not sep or len(parts) != 2 or not path.strip():
            raise TranslationError(
                f"--mt-model {value!r} is not of the form SRC-TGT=PATH (e.g. fi-en=models/fi-en)."
            )
        assignments[(parts[0], parts[1])] = Path(path.strip()).expanduser()
    return assignments


def installed_route(catalog: TranslationCatalog, source: str, target: str, models_dir: Path):
    """The best route whose models are all installed, or None."""
    for route in catalog.routes(source, target):
        folders = [models_dir / TRANSLATION_SUBFOLDER / step.model.id for step in route.steps]
        if all((folder / "config.json").is_file() for folder in folders):
            return route, folders
    return None


def build_engine(
    source: str,
    target: str,
    *,
    model_folder: Path | None = None,
    models_dir: Path | None = None,
    glossary: Glossary | None = None,
    prefer: str = "ctranslate2",
    threads: int = 0,
    catalog: TranslationCatalog | None = None,
    cache: TranslationCache | None = None,
    use_vmap: bool = True,
) -> TranslationEngine:
    """Load the models for ``source`` -> ``target`` once and return a ready engine.

    ``use_vmap``: let CTranslate2 restrict its output layer to a converted model's
    vocabulary map; a catalog model marked ``vmap = false`` never does.
    """
    from interpreter.translate.backends import load_backend
    from models.whisper import default_models_dir

    catalog = catalog or TranslationCatalog.load()
    routes = catalog.routes(source, target)  # unsupported pairs fail here, clearly
    options = {"threads": threads, "use_vmap": use_vmap}
    if model_folder is not None:
        spec = spec_from_folder(model_folder)
        codes = catalog.codes.get(spec.family, {})
        spec = replace(spec, source_code=codes.get(source, ""), target_code=codes.get(target, ""))
        steps = [load_backend(spec, prefer=prefer, **options)]
        route_id = f"local:{Path(model_folder).name}"
    else:
        models_dir = models_dir or default_models_dir()
        found = installed_route(catalog, source, target, models_dir)
        if found is None:
            raise TranslationError(_not_installed(source, target, routes, models_dir))
        route, folders = found
        for folder in folders:
            _refuse_damaged(folder)
        steps = [
            load_backend(
                spec_from_folder(
                    folder,
                    source_code=step.source_code,
                    target_code=step.target_code,
                    target_prefix=step.target_prefix,
                    family=step.model.family,
                ),
                prefer=prefer,
                **{**options, "use_vmap": use_vmap and step.model.vmap},
            )
            for step, folder in zip(route.steps, folders, strict=True)
        ]
        route_id = route.id
        if route.non_commercial:
            logger.warning("route %s uses a non-commercial licence (%s)", route.id, route.licences)
    return TranslationEngine(source, target, route_id, steps, glossary=glossary, cache=cache)


def _refuse_damaged(folder: Path) -> None:
    """A model installed with a manifest must still match it (sizes: fast enough per start)."""
    from models.store import MANIFEST_NAME, verify_folder

    if (folder / MANIFEST_NAME).is_file():
        problems = verify_folder(folder, full=False)
        if problems:
            raise TranslationError(
                f"Translation model {folder.name} in {folder} is damaged "
                f"({'; '.join(problems)}). Remove it (interpreter models remove {folder.name}) "
                "and install or import it again."
            )


def _not_installed(source: str, target: str, routes: list[Route], models_dir: Path) -> str:
    options = "; ".join(
        f"{' + '.join(s.model.id for s in r.steps)} ({', '.join(r.licences)})" for r in routes
    )
    pair = f"fi-{target}" if source == "fi" else f"fi-{source}"
    return (
        f"No translation model is installed for {source}-{target} in "
        f"{models_dir / TRANSLATION_SUBFOLDER} (the catalog offers: {options}). Install "
        f"the pair's models with: interpreter models install {pair}. Without network, run "
        f"'interpreter models export {pair} --to FILE' on a machine that has them and "
        "'interpreter models import FILE' here (a copied model folder imports too); or "
        "pass a model folder with --mt-model."
    )
