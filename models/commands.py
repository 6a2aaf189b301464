"""``interpreter models ...``: list, verify and remove installed models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from models.archive import export_models, import_models
from models.install import InstallProgress, install_from_hub
from models.store import ModelStore
from models.whisper import ModelError


def add_models_parser(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="models: list, install, verify, remove, export, import")
    actions = models.add_subparsers(dest="models_command", required=True)
    actions.add_parser("list", help="installed models with source, revision and size")
    verify = actions.add_parser("verify", help="check every file against the manifest")
    verify.add_argument("name", nargs="?", help="one model (default: all)")
    verify.add_argument("--quick", action="store_true", help="sizes only, no checksums")
    remove = actions.add_parser("remove", help="delete an installed model")
    remove.add_argument("name")
    install = actions.add_parser(
        "install", help="download from the model hub: a pair (fi-en) or a model name"
    )
    install.add_argument("names", nargs="+", help="fi-en, opus-mt-fi-en, whisper-small, ...")
    export = actions.add_parser("export", help="write installed models into an archive")
    export.add_argument("names", nargs="+", help="pairs (fi-en) or installed model names")
    export.add_argument("--to", dest="archive", type=Path, required=True, help="archive file")
    imp = actions.add_parser("import", help="install models from an archive or a folder")
    imp.add_argument("source", type=Path)


def run_models(args: argparse.Namespace, out: TextIO, store: ModelStore | None = None) -> int:
    """Returns the exit status; raises ModelError for user errors."""
    store = store or ModelStore()
    if args.models_command == "list":
        installed = store.installed()
        if not installed:
            out.write(f"No models installed in {store.root}.\n")
        for model in installed:
            m = model.manifest
            origin = m.repo + (f"@{m.revision[:12]}" if m.revision else "")
            out.write(
                f"{m.model_id:28} {m.kind:11} {m.size / 2**20:8.1f} MB  {m.source:15} {origin}\n"
            )
        return 0
    if args.models_command == "verify":
        names = [args.name] if args.name else [m.manifest.model_id for m in store.installed()]
        broken = 0
        for name in names:
            problems = store.verify(name, full=not args.quick)
            broken += bool(problems)
            status = "ok" if not problems else "DAMAGED: " + "; ".join(problems)
            out.write(f"{name}: {status}\n")
        if broken:
            out.write(
                f"{broken} model(s) failed: remove them (interpreter models remove NAME) and "
                "install them again.\n"
            )
        return 1 if broken else 0
    if args.models_command == "remove":
        folder = store.remove(args.name)
        out.write(f"Removed {args.name} ({folder}).\n")
        return 0
    if args.models_command == "install":
        for model_id, kind, repo in resolve_names(args.names):
            install_from_hub(store, kind, model_id, repo, on_progress=ProgressPrinter(out))
            out.write(f"Installed {model_id} from {repo}.\n")
        return 0
    if args.models_command == "export":
        ids = expand_installed(store, args.names)
        archive = export_models(store, ids, args.archive)
        out.write(f"Exported {', '.join(ids)} to {archive}.\n")
        return 0
    if args.models_command == "import":
        for model in import_models(store, args.source):
            out.write(f"Imported {model.manifest.model_id} ({model.folder}).\n")
        return 0
    raise ValueError(f"unknown models command {args.models_command}")


def resolve_names(names: list[str]) -> list[tuple[str, str, str]]:
    """(model id, kind, hub repository) for pairs, catalog model ids and Whisper names."""
    from faster_whisper.utils import _MODELS as WHISPER_REPOS

    from models.translation_routes import TranslationCatalog

    catalog = TranslationCatalog.load()
    wanted: dict[str, tuple[str, str, str]] = {}
    for name in names:
        if name.count("-") == 1 and all(len(p) in (2, 3) for p in name.split("-")):
            source, target = name.split("-")
            for direction in ((source, target), (target, source)):
                for step in catalog.routes(*direction)[0].steps:
                    wanted[step.model.id] = (step.model.id, "translation", step.model.repo)
        elif name in catalog.models:
            wanted[name] = (name, "translation", catalog.models[name].repo)
        elif name.removeprefix("whisper-") in WHISPER_REPOS:
            size = name.removeprefix("whisper-")
            wanted[size] = (size, "whisper", WHISPER_REPOS[size])
        else:
            raise ModelError(
                f"Unknown model or pair {name!r}: use a pair such as fi-en, a catalog model "
                f"id ({', '.join(sorted(catalog.models)[:4])}, ...) or whisper-SIZE."
            )
    return list(wanted.values())


def expand_installed(store: ModelStore, names: list[str]) -> list[str]:
    """Installed model ids for names and pairs (a pair: every installed model of it)."""
    from models.translation_routes import TranslationCatalog

    catalog = TranslationCatalog.load()
    installed = {m.manifest.model_id for m in store.installed()}
    ids: list[str] = []
    for name in names:
        if name in installed:
            ids.append(name)
            continue
        parts = name.split("-")
        if len(parts) != 2:
            raise ModelError(f"Model {name!r} is not installed (see: interpreter models list).")
        found = [
            step.model.id
            for direction in (tuple(parts), tuple(reversed(parts)))
            for route in catalog.routes(*direction)
            for step in route.steps
            if step.model.id in installed
        ]
        if not found:
            raise ModelError(f"No model for {name} is installed; install it first.")
        ids += found
    return list(dict.fromkeys(ids))


class ProgressPrinter:
    """A one-line progress display for a terminal."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, progress: InstallProgress) -> None:
        if progress.stage == "download" and progress.total:
            share = progress.done / progress.total
            text = (
                f"{progress.model_id}: downloading {share:6.1%} "
                f"({progress.done / 2**20:.1f} of {progress.total / 2**20:.1f} MB)"
            )
        else:
            text = f"{progress.model_id}: {progress.stage} {progress.detail}".rstrip()
        self._out.write("\r" + text.ljust(78) + ("\n" if progress.stage == "done" else ""))
        self._out.flush()
