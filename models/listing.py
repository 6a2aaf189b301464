"""Text tables for ``interpreter models list``: the catalog against the store, and pair plans."""

from __future__ import annotations

from typing import TextIO

from models.catalog import Hardware, ModelCatalog
from models.plan import PairPlan
from models.store import InstalledModel, ModelStore
from models.translation_routes import QualityFigure
from models.voices import offline_voice_dir
from models.whisper import offline_base_available


def _mb(size_bytes: int) -> str:
    return f"{size_bytes / 2**20:,.0f} MB"


def _licence(licence: str, non_commercial: bool) -> str:
    return f"{licence} (non-commercial)" if non_commercial else licence


def _quality(figures: tuple[QualityFigure, ...]) -> str:
    return "; ".join(str(f) for f in figures)


def _origin(model: InstalledModel) -> str:
    m = model.manifest
    revision = f"@{m.revision[:12]}" if m.revision else ""
    return f"installed, {_mb(m.size)}, {m.source}: {m.repo}{revision}"


def write_installed(store: ModelStore, out: TextIO) -> None:
    """Only what is installed, with source, pinned revision and size."""
    installed = store.installed()
    if not installed:
        out.write(f"No models installed in {store.root}.\n")
    for model in installed:
        m = model.manifest
        origin = m.repo + (f"@{m.revision[:12]}" if m.revision else "")
        out.write(f"{m.model_id:28} {m.kind:11} {m.size / 2**20:8.1f} MB  {m.source:15} {origin}\n")


def write_catalog(
    catalog: ModelCatalog, store: ModelStore, hardware: Hardware, out: TextIO
) -> None:
    """Every catalog model: size, licence, published quality, and whether it is installed."""
    installed = {(m.manifest.kind, m.manifest.model_id): m for m in store.installed()}
    defaults = catalog.defaults_for(hardware)
    out.write(f"Models folder: {store.root}\n")
    if not installed:
        out.write(f"No models installed in {store.root}.\n")
    out.write(f"This machine: {hardware.describe()}. Recommended: {defaults.note}\n")

    out.write("\nSpeech recognition (Whisper; * = recommended here)\n")
    for model in catalog.whisper.values():
        mark = "*" if model.id == defaults.whisper else " "
        found = installed.pop(("whisper", model.id), None)
        if found:
            state = _origin(found)
        elif model.id == "base" and offline_base_available():
            state = "available offline (PyPI packages), joined on first use"
        else:
            state = "not installed"
        out.write(
            f" {mark} {model.store_id:26} {model.size_mb:>6,} MB  "
            f"{_licence(model.licence, model.non_commercial):28} {state}\n"
        )
        if model.quality:
            out.write(f"     quality: {_quality(model.quality)}\n")

    out.write("\nTranslation (route order per pair: interpreter models list --pair fi-XX)\n")
    for model in catalog.translation.models.values():
        found = installed.pop(("translation", model.id), None)
        state = _origin(found) if found else "not installed"
        out.write(
            f"   {model.id:26} {model.size_mb:>6,} MB  "
            f"{_licence(model.licence, model.non_commercial):28} {state}\n"
        )
        if model.quality:
            out.write(f"     quality: {_quality(model.quality)}\n")

    out.write("\nVoices for speech output (neural; espeak-ng and Festival need no download)\n")
    for voice in catalog.voices.values():
        found = installed.pop(("voice", voice.id), None)
        if found:
            state = _origin(found)
        elif offline_voice_dir(voice) is not None:
            state = "available offline (PyPI package), copied on install"
        else:
            state = "not installed"
        licence = voice.licence + (" (read MODEL_CARD)" if voice.licence_review else "")
        out.write(f"   {voice.id:26} {voice.size_mb:>6,} MB  {licence:28} {state}\n")

    if installed:
        out.write("\nInstalled, not in the catalog\n")
        for model in installed.values():
            out.write(f"   {model.manifest.model_id:26} {_origin(model)}\n")
    out.write("\nSizes are approximate downloads; quality figures are as published (see source).\n")


def write_plan(plan: PairPlan, out: TextIO) -> None:
    """What one pair needs on this machine, and the command that installs the rest."""
    out.write(f"Pair {plan.pair} on this machine ({plan.hardware.describe()}):\n")
    for item in plan.items:
        state = "installed" if item.installed else ("optional" if item.optional else "MISSING")
        out.write(
            f"  {item.name:26} {item.purpose:30} {item.size_mb:>6,} MB  "
            f"{_licence(item.licence, item.non_commercial):28} {state}\n"
        )
    if plan.non_commercial:
        out.write("Note: a non-commercial licence must be cleared before desk use.\n")
    if plan.voices:
        out.write("Speech output (optional; a neural voice is used when installed):\n")
        for status in plan.voices:
            out.write(f"  {status.lang}: {status.describe()}\n")
    if plan.ready:
        out.write("Everything this pair needs is installed.\n")
    else:
        out.write(
            f"Missing {len(plan.missing)} model(s), about {plan.download_mb:,} MB: "
            f"interpreter models install {plan.pair} (or import an archive made with "
            f"interpreter models export {plan.pair} on a connected machine).\n"
        )
