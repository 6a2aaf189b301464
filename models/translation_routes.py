"""Which translation model serves which language pair: the catalog's routes.

Routes are data (the translation part of ``catalog.toml``). A route is one step (a direct opus-mt
model, or a multilingual M2M100/NLLB model with its language codes) or two steps that
pivot through English.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from models.errors import TranslationError

logger = logging.getLogger(__name__)

CATALOG_FILE = "catalog.toml"
FAMILIES = ("marian", "m2m100", "nllb")
#: Environment variable naming a catalog file to use instead of the packaged one.
CATALOG_ENV = "INTERPRETER_CATALOG"


def catalog_path() -> Path | None:
    """The catalog file chosen by ``INTERPRETER_CATALOG``, or None for the packaged one."""
    value = os.environ.get(CATALOG_ENV, "").strip()
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class QualityFigure:
    """A published quality figure and where it was published."""

    metric: str
    value: float
    dataset: str
    source: str

    def __str__(self) -> str:
        return f"{self.metric} {self.value:g} ({self.dataset})"


def parse_quality(entries: list[dict]) -> tuple[QualityFigure, ...]:
    return tuple(
        QualityFigure(e["metric"], float(e["value"]), e["dataset"], e["source"]) for e in entries
    )


def _true_or_false(entry: dict, key: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


@dataclass(frozen=True)
class CatalogModel:
    id: str
    repo: str
    family: str
    licence: str
    non_commercial: bool = False
    target_prefix: dict[str, str] = field(default_factory=dict)
    revision: str = "main"
    size_mb: int = 0
    #: "big" for models too slow for a small CPU (see the catalog's hardware defaults).
    tier: str = ""
    quality: tuple[QualityFigure, ...] = ()
    #: Whether CTranslate2 may use the conversion's vocabulary map (false: full output layer).
    vmap: bool = True


@dataclass(frozen=True)
class RouteStep:
    """One model translating ``source`` -> ``target`` with the model's own codes."""

    model: CatalogModel
    source: str
    target: str
    source_code: str = ""
    target_code: str = ""
    target_prefix: str = ""


@dataclass(frozen=True)
class Route:
    source: str
    target: str
    steps: tuple[RouteStep, ...]

    @property
    def kind(self) -> str:
        if len(self.steps) > 1:
            return "pivot"
        return "direct" if self.steps[0].model.family == "marian" else "multilingual"

    @property
    def id(self) -> str:
        return "+".join(step.model.id for step in self.steps)

    @property
    def licences(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(step.model.licence for step in self.steps))

    @property
    def non_commercial(self) -> bool:
        return any(step.model.non_commercial for step in self.steps)


class TranslationCatalog:
    """The models and routes of a catalog file (the packaged one by default)."""

    def __init__(self, data: dict, origin: str = CATALOG_FILE) -> None:
        self.origin = origin
        try:
            self.models = {
                model_id: CatalogModel(
                    id=model_id,
                    repo=entry["repo"],
                    family=entry["family"],
                    licence=entry["licence"],
                    non_commercial=bool(entry.get("non_commercial", False)),
                    target_prefix=dict(entry.get("target_prefix", {})),
                    revision=entry.get("revision", "main"),
                    size_mb=int(entry.get("size_mb", 0)),
                    tier=entry.get("tier", ""),
                    quality=parse_quality(entry.get("quality", [])),
                    vmap=_true_or_false(entry, "vmap", default=True),
                )
                for model_id, entry in data["models"].items()
            }
            self.codes: dict[str, dict[str, str]] = data.get("codes", {})
            self._routes = {
                pair: [self._route(pair, steps) for steps in options]
                for pair, options in data["routes"].items()
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise TranslationError(f"Translation catalog {origin} is invalid: {exc}") from exc

    @classmethod
    def load(cls, path: Path | None = None) -> TranslationCatalog:
        path = path or catalog_path()
        if path is None:
            text = resources.files("models").joinpath(CATALOG_FILE).read_text("utf-8")
            return cls(tomllib.loads(text))
        try:
            return cls(tomllib.loads(Path(path).read_text("utf-8")), str(path))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise TranslationError(f"Cannot read translation catalog {path}: {exc}") from exc

    def _route(self, pair: str, steps: list[str]) -> Route:
        source, target = pair.split("-")
        parsed = tuple(self._step(spec, source, target) for spec in steps)
        if parsed[0].source != source or parsed[-1].target != target:
            raise ValueError(f"route {steps} does not lead from {source} to {target}")
        return Route(source, target, parsed)

    def _step(self, spec: str, pair_source: str, pair_target: str) -> RouteStep:
        model_id, _, langs = spec.partition(":")
        model = self.models[model_id]
        if model.family not in FAMILIES:
            raise ValueError(f"model {model_id} has unknown family {model.family}")
        if langs:
            source, _, target = langs.partition(">")
        else:
            # A direct model named for its pair, e.g. opus-mt-fi-en.
            source, target = model_id.rsplit("-", 2)[-2:]
        codes = self.codes.get(model.family, {})
        return RouteStep(
            model=model,
            source=source,
            target=target,
            source_code=codes.get(source, ""),
            target_code=codes.get(target, ""),
            target_prefix=model.target_prefix.get(target, ""),
        )

    @property
    def pairs(self) -> list[str]:
        return sorted(self._routes)

    def routes(self, source: str, target: str) -> list[Route]:
        """The routes for one direction, best first; a clear error for unknown pairs."""
        routes = self._routes.get(f"{source}-{target}")
        if not routes:
            known = sorted({p.split("-")[1] for p in self._routes if p.startswith("fi-")})
            raise TranslationError(
                f"No translation route for {source}-{target}. Finnish pairs with: "
                f"{', '.join(known)}; translations always start or end in Finnish."
            )
        return routes
