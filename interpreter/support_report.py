"""``interpreter doctor --report FILE``: one zip for IT support, without client data.

It holds what support asks for first: the doctor's findings, versions, the settings
(secrets removed), the audio devices, the installed models with their verification
state, and the last logs. The logs never contain conversation text (see
:mod:`interpreter.logs`); the conversation-text debug log is never included.
"""

from __future__ import annotations

import io
import json
import logging
import os
import platform
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Names of settings and environment variables whose values are never written.
SECRET_NAME = re.compile(r"token|secret|passw|api[_-]?key|credential|auth|cookie", re.I)
REMOVED = "<removed>"
#: Environment variables that say how this desk is set up.
ENV_PREFIXES = ("INTERPRETER_", "HF_", "TRANSFORMERS_", "QT_QPA", "XDG_", "CT2_", "OMP_")
#: Keep at most this much of each log file (the newest part).
MAX_LOG_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ReportParts:
    """Where the report's material comes from (injected in tests)."""

    log_dir: Path | None = None
    #: The desk window's saved settings; the core cannot read them (they are Qt's), so
    #: the command that writes the report collects them.
    settings: dict[str, Any] | None = None


def redact(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with every secret-looking entry's value removed, and passwords in URLs."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if SECRET_NAME.search(str(key)):
            clean[key] = REMOVED if value not in (None, "") else value
        elif isinstance(value, dict):
            clean[key] = redact(value)
        elif isinstance(value, str):
            clean[key] = re.sub(r"(://[^/:@\s]+):[^@/\s]+@", rf"\1:{REMOVED}@", value)
        else:
            clean[key] = value
    return clean


def versions() -> dict[str, Any]:
    from importlib import metadata

    from interpreter import __version__
    from interpreter.doctor import _OPTIONAL_PACKAGES, _PACKAGES

    packages = {}
    for name in (*_PACKAGES, *_OPTIONAL_PACKAGES):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "desk-interpreter": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "packages": packages,
    }


def environment() -> dict[str, str]:
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)}


def audio_devices() -> list[dict[str, Any]] | str:
    from interpreter.audio.base import AudioError
    from interpreter.audio.devices import list_input_devices

    try:
        return [
            {
                "index": d.index,
                "name": d.name,
                "hostapi": d.hostapi,
                "channels": d.max_input_channels,
                "default_samplerate": d.default_samplerate,
                "default": d.is_default,
            }
            for d in list_input_devices()
        ]
    except AudioError as exc:
        return f"audio: {exc}"


def models_state() -> dict[str, Any]:
    """Every installed model with its manifest's origin and a full checksum check."""
    from models.store import ModelStore, verify_folder
    from models.whisper import offline_base_available

    store = ModelStore()
    models = []
    for model in store.installed():
        manifest = model.manifest
        problems = verify_folder(model.folder, full=True)
        models.append(
            {
                "id": manifest.model_id,
                "kind": manifest.kind,
                "folder": str(model.folder),
                "source": manifest.source,
                "repo": manifest.repo,
                "revision": manifest.revision,
                "installed_at": manifest.installed_at,
                "bytes": manifest.size,
                "verified": not problems,
                "problems": problems,
            }
        )
    return {
        "models_folder": str(store.root),
        "offline_whisper_base_package": offline_base_available(),
        "installed": models,
    }


def log_files(log_dir: Path | None) -> list[Path]:
    """The log and its rotated copies, and the native crash file; never the debug log."""
    from interpreter.logs import CRASH_FILE_NAME, LOG_FILE_NAME, default_log_dir

    folder = log_dir or default_log_dir()
    if not folder.is_dir():
        return []
    found = [*sorted(folder.glob(LOG_FILE_NAME + "*")), folder / CRASH_FILE_NAME]
    return [path for path in found if path.is_file()]


def _tail(path: Path) -> bytes:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        if size > MAX_LOG_BYTES:
            handle.seek(size - MAX_LOG_BYTES)
        return handle.read()


def _guarded(what: str, collect) -> Any:
    """A part that fails is reported as its error; the rest of the report still comes."""
    try:
        return collect()
    except Exception as exc:
        logger.warning("support report: %s failed: %s", what, exc)
        return {"error": f"{type(exc).__name__}: {exc}"}


def write_support_report(target: Path, parts: ReportParts | None = None) -> Path:
    """Write the zip to ``target`` (written to a temporary name, then renamed)."""
    from interpreter.doctor import run_doctor

    parts = parts or ReportParts()
    target = Path(target)
    doctor_out = io.StringIO()
    _guarded("doctor", lambda: run_doctor(doctor_out))
    settings = parts.settings if parts.settings is not None else {"unavailable": "not collected"}
    sections = {
        "versions.json": _guarded("versions", versions),
        "settings.json": {
            "desk": redact(settings) if isinstance(settings, dict) else settings,
            "environment": redact(environment()),
        },
        "devices.json": _guarded("devices", audio_devices),
        "models.json": _guarded("models", models_state),
    }
    partial = target.with_name(target.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "README.txt",
                "Desk interpreter support report, written "
                f"{datetime.now(UTC).isoformat(timespec='seconds')}.\n"
                "It holds no conversation text: logs never record it.\n",
            )
            archive.writestr("doctor.txt", doctor_out.getvalue())
            for name, data in sections.items():
                archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False, default=str))
            for path in log_files(parts.log_dir):
                archive.writestr(f"logs/{path.name}", _tail(path))
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OSError(
            f"Could not write the support report {target}: {exc.strerror or exc}"
        ) from exc
    logger.info("support report written to %s", target)
    return target
