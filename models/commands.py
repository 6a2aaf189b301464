"""``interpreter models ...``: list, verify and remove installed models."""

from __future__ import annotations

import argparse
from typing import TextIO

from models.store import ModelStore


def add_models_parser(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="installed models: list, verify, remove")
    actions = models.add_subparsers(dest="models_command", required=True)
    actions.add_parser("list", help="installed models with source, revision and size")
    verify = actions.add_parser("verify", help="check every file against the manifest")
    verify.add_argument("name", nargs="?", help="one model (default: all)")
    verify.add_argument("--quick", action="store_true", help="sizes only, no checksums")
    remove = actions.add_parser("remove", help="delete an installed model")
    remove.add_argument("name")


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
    raise ValueError(f"unknown models command {args.models_command}")
