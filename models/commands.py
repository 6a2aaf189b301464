"""``interpreter models ...``: the catalog, installing, verifying, moving and removing models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from models.archive import export_models, import_models
from models.catalog import Hardware, ModelCatalog
from models.install import InstallProgress
from models.listing import write_catalog, write_installed, write_plan
from models.pinning import resolve_pins, write_pinned_catalog
from models.plan import PlanItem, install_item, item_for_name, plan_for_pair
from models.store import ModelStore
from models.whisper import ModelError


def add_models_parser(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser(
        "models", help="models: list, install, verify, remove, export, import, pin"
    )
    actions = models.add_subparsers(dest="models_command", required=True)
    listing = actions.add_parser(
        "list", help="the catalog with what is installed, sizes, licences and quality"
    )
    listing.add_argument("--pair", help="what one pair needs on this machine, e.g. fi-ar")
    listing.add_argument(
        "--installed", action="store_true", help="only installed models, with their revision"
    )
    verify = actions.add_parser("verify", help="check every file against the manifest")
    verify.add_argument("name", nargs="?", help="one model (default: all)")
    verify.add_argument("--quick", action="store_true", help="sizes only, no checksums")
    remove = actions.add_parser("remove", help="delete an installed model")
    remove.add_argument("name")
    install = actions.add_parser(
        "install", help="download from the model hub: a pair (fi-en) or a model name"
    )
    install.add_argument("names", nargs="+", help="fi-en, opus-mt-fi-en, whisper-small, ...")
    install.add_argument(
        "--whisper", help="Whisper model to install with a pair (default: for this machine)"
    )
    export = actions.add_parser("export", help="write installed models into an archive")
    export.add_argument("names", nargs="+", help="pairs (fi-en) or installed model names")
    export.add_argument("--to", dest="archive", type=Path, required=True, help="archive file")
    imp = actions.add_parser("import", help="install models from an archive or a folder")
    imp.add_argument("source", type=Path, help="an archive, or a model folder (e.g. copied)")
    imp.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="the catalog model a plain folder is, when its files and name do not tell "
        "(whisper-small, opus-mt-fi-en, ...)",
    )
    pin = actions.add_parser(
        "pin", help="look up the hub's current commit of every catalog model (for a frozen set)"
    )
    pin.add_argument(
        "--write", type=Path, metavar="FILE", help="write a catalog copy pinned to those commits"
    )


def run_models(args: argparse.Namespace, out: TextIO, store: ModelStore | None = None) -> int:
    """Returns the exit status; raises ModelError for user errors."""
    store = store or ModelStore()
    if args.models_command == "list":
        if args.installed:
            write_installed(store, out)
        elif args.pair:
            write_plan(plan_for_pair(args.pair, store), out)
        else:
            write_catalog(ModelCatalog.load(), store, Hardware.detect(), out)
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
        catalog = ModelCatalog.load()
        items = resolve_names(args.names, store, catalog, args.whisper)
        if not items:
            out.write("Everything asked for is already installed.\n")
        for item in items:
            install_item(store, item, catalog, on_progress=ProgressPrinter(out))
            out.write(f"Installed {item.name} from {item.repo}.\n")
        return 0
    if args.models_command == "export":
        ids = expand_installed(store, args.names)
        archive = export_models(store, ids, args.archive)
        out.write(f"Exported {', '.join(ids)} to {archive}.\n")
        return 0
    if args.models_command == "import":
        for model in import_models(store, args.source, getattr(args, "as_name", None)):
            out.write(f"Imported {model.manifest.model_id} ({model.folder}).\n")
        return 0
    if args.models_command == "pin":
        pins = resolve_pins(ModelCatalog.load())
        for section, name, repo, sha in pins:
            out.write(f"{section}.{name:26} {repo:46} {sha}\n")
        if args.write:
            write_pinned_catalog(args.write, pins)
            out.write(
                f"Wrote {args.write}. Use it with INTERPRETER_CATALOG={args.write} on every desk.\n"
            )
        return 0
    raise ValueError(f"unknown models command {args.models_command}")


def resolve_names(
    names: list[str], store: ModelStore, catalog: ModelCatalog, whisper: str | None = None
) -> list[PlanItem]:
    """The models to install for pairs (what is missing) and single model names."""
    wanted: dict[str, PlanItem] = {}
    for name in names:
        if name.count("-") == 1 and all(len(p) in (2, 3) for p in name.split("-")):
            plan = plan_for_pair(name, store, catalog=catalog, whisper=whisper)
            wanted.update((item.name, item) for item in plan.missing)
        else:
            item = item_for_name(name, store, catalog)
            wanted[item.name] = item
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
