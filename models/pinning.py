"""Pinning the catalog to exact hub commits, for cities that want every desk identical.

``interpreter models pin --write FILE`` asks the hub for the commit each catalog model's
revision points at now, and writes a copy of the catalog with ``revision = "<sha>"`` in
every model's table. Pointing ``INTERPRETER_CATALOG`` at that copy makes every later
install fetch exactly those commits, whatever the repositories' owners push afterwards.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from models.catalog import ModelCatalog, catalog_path
from models.install import hub_error
from models.whisper import ModelError

Pin = tuple[str, str, str, str]  # (catalog section, model id, repository, commit sha)


def resolve_pins(catalog: ModelCatalog) -> list[Pin]:
    """The current commit of every catalog model's revision, from the hub."""
    from huggingface_hub import HfApi, constants

    if constants.HF_HUB_OFFLINE:
        raise ModelError("Cannot pin the catalog: the model hub is switched off (HF_HUB_OFFLINE).")
    api = HfApi()
    wanted = [("whisper", m.id, m.repo, m.revision) for m in catalog.whisper.values()]
    wanted += [("models", m.id, m.repo, m.revision) for m in catalog.translation.models.values()]
    pins = []
    for section, model_id, repo, revision in wanted:
        try:
            sha = api.model_info(repo, revision=revision).sha
        except Exception as exc:
            raise hub_error(model_id, repo, revision, exc) from exc
        pins.append((section, model_id, repo, sha))
    return pins


def pinned_text(text: str, pins: list[Pin]) -> str:
    """``text`` (a catalog) with each pinned model's ``revision`` set to its commit."""
    for section, model_id, _, sha in pins:
        header = re.compile(rf"^\[{section}\.{re.escape(model_id)}\]\s*$", re.MULTILINE)
        match = header.search(text)
        if match is None:
            raise ModelError(f"The catalog has no [{section}.{model_id}] table to pin.")
        end = text.find("\n[", match.end())
        end = len(text) if end < 0 else end
        body = text[match.end() : end]
        if re.search(r"^revision\s*=.*$", body, re.MULTILINE):
            body = re.sub(r"^revision\s*=.*$", f'revision = "{sha}"', body, flags=re.MULTILINE)
        else:
            body = re.sub(
                r"^(repo\s*=.*)$", rf'\1\nrevision = "{sha}"', body, count=1, flags=re.MULTILINE
            )
        text = text[: match.end()] + body + text[end:]
    return text


def write_pinned_catalog(target: Path, pins: list[Pin]) -> Path:
    """Write the current catalog, pinned, to ``target``; checks that it still loads."""
    source = catalog_path()
    if source is None:
        text = resources.files("models").joinpath("catalog.toml").read_text("utf-8")
    else:
        text = source.read_text("utf-8")
    pinned = pinned_text(text, pins)
    try:
        target.write_text(pinned, "utf-8")
    except OSError as exc:
        raise ModelError(f"Cannot write {target}: {exc.strerror}. Choose another file.") from exc
    ModelCatalog.load(target)
    return target
