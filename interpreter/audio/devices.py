"""Input device discovery and selection on top of ``sounddevice`` (PortAudio).

``sounddevice`` is imported lazily: it raises ``OSError`` at import time when the
PortAudio library is missing, and that must not break importing the interpreter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from interpreter.audio.base import AudioError

log = logging.getLogger(__name__)

_PORTAUDIO_HINT = (
    "the PortAudio library is missing or broken: install it "
    "(Debian/Ubuntu: apt-get install libportaudio2) or use a file replay instead"
)


@dataclass(frozen=True)
class InputDevice:
    """One PortAudio device that can capture audio."""

    index: int
    name: str
    hostapi: str
    max_input_channels: int
    default_samplerate: float
    is_default: bool

    def __str__(self) -> str:
        mark = " (default)" if self.is_default else ""
        return (
            f"[{self.index}] {self.name} ({self.hostapi}, {self.max_input_channels} ch, "
            f"{self.default_samplerate:g} Hz){mark}"
        )


def load_sounddevice() -> ModuleType:
    """Import ``sounddevice``, turning a missing PortAudio into an :class:`AudioError`."""
    try:
        import sounddevice
    except OSError as exc:  # raised by sounddevice when libportaudio cannot be loaded
        raise AudioError(f"Cannot use the microphone: {_PORTAUDIO_HINT} ({exc})") from exc
    except ImportError as exc:
        raise AudioError(
            f"Cannot use the microphone: the sounddevice package is missing ({exc}); "
            "reinstall the interpreter's dependencies"
        ) from exc
    return sounddevice


def refresh_devices(sd: ModuleType | None = None) -> None:
    """Make PortAudio enumerate devices again (it only scans when it initialises).

    Needed after a sound server started or a device was plugged in. Relies on
    ``sounddevice``'s private ``_terminate``/``_initialize``; no stream may be open.
    """
    sd = sd if sd is not None else load_sounddevice()
    terminate = getattr(sd, "_terminate", None)
    initialize = getattr(sd, "_initialize", None)
    if terminate is None or initialize is None:
        return
    terminate()
    initialize()


def _default_input_index(sd: Any) -> int | None:
    try:
        index = sd.default.device[0]
    except Exception:  # an unusual sounddevice build: treat as "no default"
        return None
    if isinstance(index, int) and index >= 0:
        return index
    return None


def list_input_devices(sd: ModuleType | Any | None = None) -> list[InputDevice]:
    """All devices with at least one input channel, in PortAudio's order."""
    sd = sd if sd is not None else load_sounddevice()
    try:
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioError(f"Cannot list audio devices: {exc}; {_PORTAUDIO_HINT}") from exc
    default = _default_input_index(sd)
    result = []
    for info in devices:
        if info["max_input_channels"] < 1:
            continue
        hostapi = info["hostapi"]
        result.append(
            InputDevice(
                index=int(info["index"]),
                name=str(info["name"]),
                hostapi=str(hostapis[hostapi]["name"]) if hostapi < len(hostapis) else "?",
                max_input_channels=int(info["max_input_channels"]),
                default_samplerate=float(info["default_samplerate"]),
                is_default=info["index"] == default,
            )
        )
    return result


def format_devices(devices: list[InputDevice]) -> str:
    """A multi-line listing for error messages and ``--list-devices``."""
    if not devices:
        return "  (no input devices found: is a microphone connected and the sound server running?)"
    return "\n".join(f"  {device}" for device in devices)


def select_input_device(spec: str | int | None, sd: ModuleType | Any | None = None) -> InputDevice:
    """Pick an input device.

    ``spec`` is ``None`` (the system default input), an integer index (a string of
    digits counts as one, as it comes from a command line), or a case-insensitive
    substring of the device name. Several substring matches are ambiguous unless
    exactly one name equals ``spec``.
    """
    devices = list_input_devices(sd)
    # One line, so command-line errors stay one line.
    listing = "; ".join(str(d) for d in devices) or (
        "no input devices found: is a microphone connected and the sound server running?"
    )
    if isinstance(spec, str) and spec.strip().isdigit():
        spec = int(spec.strip())
    if spec is None:
        for device in devices:
            if device.is_default:
                return device
        raise AudioError(
            f"There is no default input device; choose one by name or index ({listing})"
        )
    if isinstance(spec, int):
        for device in devices:
            if device.index == spec:
                return device
        raise AudioError(
            f"No input device has index {spec}; the input devices are: {listing} "
            "(see 'interpreter devices')"
        )
    wanted = spec.strip().lower()
    matches = [device for device in devices if wanted in device.name.lower()]
    if len(matches) > 1:
        exact = [device for device in matches if device.name.lower() == wanted]
        matches = exact if len(exact) == 1 else matches
    if not matches:
        raise AudioError(
            f"No input device matches {spec!r}; the input devices are: {listing} "
            "(see 'interpreter devices')"
        )
    if len(matches) > 1:
        names = ", ".join(repr(device.name) for device in matches)
        raise AudioError(
            f"Input device name {spec!r} is ambiguous (matches {names}); "
            f"use a longer name or the index ({listing})"
        )
    return matches[0]
