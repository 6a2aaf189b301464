"""What a language pair needs on this machine, what of it is installed, and installing the rest.

Used by ``interpreter models list --pair``, ``interpreter models install fi-XX`` and the
desk window's model dialog, so all three agree on which models a pair needs.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from models.catalog import Hardware, HardwareDefaults, ModelCatalog, WhisperModel
from models.install import ProgressCallback, install_from_hub
from models.store import MANIFEST_NAME, InstalledModel, ModelStore
from models.translation_routes import CatalogModel, QualityFigure, Route
from models.voices import (
    VoiceModel,
    VoiceStatus,
    install_offline_voice,
    offline_voice_dir,
    voice_for_lang,
    voice_status,
)
from models.whisper import ModelError, offline_base_available

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanItem:
    """One model the pair needs."""

    name: str  # as the user types it: whisper-base, opus-mt-fi-en
    model_id: str  # as the store keeps it: base, opus-mt-fi-en
    kind: str  # "whisper", "translation" or "voice"
    repo: str
    revision: str
    family: str
    size_mb: int
    licence: str
    non_commercial: bool
    purpose: str  # "speech recognition", "fi→en", "fi→en→ar (first step)"
    installed: bool
    quality: tuple[QualityFigure, ...] = ()
    #: Not needed to interpret (a neural voice for speech output): never "missing".
    optional: bool = False
    #: The licence has not been checked for this catalog (read the model card).
    licence_review: bool = False


@dataclass(frozen=True)
class PairPlan:
    pair: str
    hardware: Hardware
    defaults: HardwareDefaults
    items: tuple[PlanItem, ...]
    #: What speaks each of the pair's languages on this machine (speech output).
    voices: tuple[VoiceStatus, ...] = ()

    @property
    def missing(self) -> list[PlanItem]:
        """What the pair needs and lacks (optional voices are not needed)."""
        return [item for item in self.items if not item.installed and not item.optional]

    @property
    def installable(self) -> list[PlanItem]:
        """Everything not installed yet, optional voices included."""
        return [item for item in self.items if not item.installed]

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def download_mb(self) -> int:
        return sum(item.size_mb for item in self.missing)

    @property
    def non_commercial(self) -> bool:
        return any(item.non_commercial for item in self.items)


def parse_pair(pair: str) -> tuple[str, str]:
    parts = pair.strip().lower().split("-")
    if len(parts) != 2 or not all(parts) or "fi" not in parts:
        raise ModelError(
            f"{pair!r} is not a language pair: use Finnish and the client's language, "
            "e.g. fi-en or fi-ar."
        )
    return ("fi", parts[1]) if parts[0] == "fi" else ("fi", parts[0])


def _is_installed(store: ModelStore, kind: str, model_id: str) -> bool:
    return (store.folder_for(kind, model_id) / MANIFEST_NAME).is_file()


def _ordered_routes(routes: list[Route], defaults: HardwareDefaults) -> list[Route]:
    """Routes in catalog order, those using models of the avoided tier last."""
    if not defaults.avoid_tier:
        return routes
    return sorted(routes, key=lambda r: any(s.model.tier == defaults.avoid_tier for s in r.steps))


def choose_route(routes: list[Route], defaults: HardwareDefaults, store: ModelStore) -> Route:
    """An installed route when there is one (the app would use it), else the recommended."""
    for route in routes:
        if all(_is_installed(store, "translation", s.model.id) for s in route.steps):
            return route
    return _ordered_routes(routes, defaults)[0]


def plan_for_pair(
    pair: str,
    store: ModelStore | None = None,
    hardware: Hardware | None = None,
    catalog: ModelCatalog | None = None,
    whisper: str | None = None,
) -> PairPlan:
    """The models ``pair`` needs on ``hardware`` (detected by default), marked installed or not.

    ``whisper`` picks a Whisper model instead of the hardware default. Any installed
    Whisper model, or the offline base packages, satisfies recognition when none is asked for.
    """
    store = store or ModelStore()
    hardware = hardware or Hardware.detect()
    catalog = catalog or ModelCatalog.load()
    staff, client = parse_pair(pair)
    defaults = catalog.defaults_for(hardware)
    items: dict[str, PlanItem] = {}

    asr = catalog.whisper_model(whisper or defaults.whisper)
    if whisper is None:
        present = _installed_whisper(store, catalog)
        if not _is_installed(store, "whisper", asr.id) and present:
            asr = present
    items[asr.store_id] = _whisper_item(asr, store)
    for source, target in ((staff, client), (client, staff)):
        route = choose_route(catalog.translation.routes(source, target), defaults, store)
        path = "→".join([route.source] + [s.target for s in route.steps])
        for index, step in enumerate(route.steps):
            model = step.model
            purpose = path if len(route.steps) == 1 else f"{path} (step {index + 1})"
            if model.id in items:
                purpose = f"{items[model.id].purpose}; {purpose}"
            items[model.id] = _translation_item(model, store, purpose)
    for lang in (staff, client):
        voice = voice_for_lang(catalog.voices, lang)
        if voice is not None:
            items[voice.id] = _voice_item(voice, store)
    voices = tuple(
        voice_status(lang, store, catalog.voices, catalog.speech) for lang in (staff, client)
    )
    return PairPlan(f"{staff}-{client}", hardware, defaults, tuple(items.values()), voices)


def _whisper_item(model: WhisperModel, store: ModelStore) -> PlanItem:
    return PlanItem(
        name=model.store_id,
        model_id=model.id,
        kind="whisper",
        repo=model.repo,
        revision=model.revision,
        family="whisper",
        size_mb=model.size_mb,
        licence=model.licence,
        non_commercial=model.non_commercial,
        purpose="speech recognition",
        installed=_is_installed(store, "whisper", model.id)
        or (model.id == "base" and offline_base_available()),
        quality=model.quality,
    )


def _translation_item(model: CatalogModel, store: ModelStore, purpose: str) -> PlanItem:
    return PlanItem(
        name=model.id,
        model_id=model.id,
        kind="translation",
        repo=model.repo,
        revision=model.revision,
        family=model.family,
        size_mb=model.size_mb,
        licence=model.licence,
        non_commercial=model.non_commercial,
        purpose=purpose,
        installed=_is_installed(store, "translation", model.id),
        quality=model.quality,
    )


def _voice_item(voice: VoiceModel, store: ModelStore) -> PlanItem:
    return PlanItem(
        name=voice.id,
        model_id=voice.id,
        kind="voice",
        repo=voice.repo,
        revision=voice.revision,
        family="voice",
        size_mb=voice.size_mb,
        licence=voice.licence,
        non_commercial=False,
        purpose=f"speech output ({voice.lang})",
        installed=_is_installed(store, "voice", voice.id),
        optional=True,
        licence_review=voice.licence_review,
    )


def _installed_whisper(store: ModelStore, catalog: ModelCatalog):
    for model in catalog.whisper.values():
        if _is_installed(store, "whisper", model.id):
            return model
    return None


def install_item(
    store: ModelStore,
    item: PlanItem,
    catalog: ModelCatalog | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> InstalledModel:
    """Download one planned model at its catalog revision, fetching only the files it needs."""
    catalog = catalog or ModelCatalog.load()
    if item.kind == "whisper" and item.model_id == "base" and offline_base_available():
        from models.store import read_manifest
        from models.whisper import ensure_whisper_base

        folder = ensure_whisper_base(store.root)
        return InstalledModel(folder, read_manifest(folder))
    if item.kind == "voice":
        voice = catalog.voices[item.model_id]
        if offline_voice_dir(voice) is not None:
            return install_offline_voice(store, voice)
        return install_from_hub(
            store,
            "voice",
            voice.id,
            voice.repo,
            revision=voice.revision,
            allow_patterns=voice.files,
            on_progress=on_progress,
            convert=False,
            cancel=cancel,
        )
    return install_from_hub(
        store,
        item.kind,
        item.model_id,
        item.repo,
        revision=item.revision,
        allow_patterns=catalog.files_for(item.kind, item.family),
        on_progress=on_progress,
        cancel=cancel,
    )


def install_missing(
    plan: PairPlan,
    store: ModelStore,
    catalog: ModelCatalog | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> list[InstalledModel]:
    """Install every missing model of ``plan``, one after another."""
    return [install_item(store, item, catalog, on_progress, cancel) for item in plan.missing]


def item_for_name(name: str, store: ModelStore, catalog: ModelCatalog) -> PlanItem:
    """A single model by the name the user typed: a catalog id or ``whisper-<size>``."""
    if name in catalog.translation.models:
        return _translation_item(catalog.translation.models[name], store, "translation")
    if name in catalog.voices:
        return _voice_item(catalog.voices[name], store)
    if name.startswith("voice-"):
        have = ", ".join(catalog.voices)
        raise ModelError(
            f"The catalog has no neural voice {name!r}; it has {have}. A language without "
            "one speaks with espeak-ng (or Festival for Finnish) where installed: see "
            "interpreter models list --pair fi-XX."
        )
    size = name.removeprefix("whisper-")
    if size in catalog.whisper:
        return _whisper_item(catalog.whisper[size], store)
    from faster_whisper.utils import _MODELS as FASTER_WHISPER_REPOS

    if size not in FASTER_WHISPER_REPOS or not name.startswith("whisper-"):
        known = ", ".join(sorted(catalog.translation.models)[:4])
        raise ModelError(
            f"Unknown model or pair {name!r}: use a pair such as fi-en, a catalog model "
            f"id ({known}, ...) or whisper-SIZE ({', '.join(catalog.whisper)})."
        )
    # A faster-whisper size the catalog does not describe (large-v2, distil-...).
    extra = WhisperModel(size, FASTER_WHISPER_REPOS[size], "see its model card", 0)
    return _whisper_item(extra, store)
