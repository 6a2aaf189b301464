"""Input device listing and selection, on a fake sounddevice module."""

from __future__ import annotations

import importlib.abc
import sys

import pytest
from audio_fakes import FakeDevice, FakeSoundDevice

from interpreter.audio import AudioError, MicrophoneSource
from interpreter.audio.devices import (
    InputDevice,
    format_devices,
    list_input_devices,
    load_sounddevice,
    refresh_devices,
    select_input_device,
)


def desk_devices() -> FakeSoundDevice:
    """What a desk laptop with a headset typically shows (device 1 is output only)."""
    return FakeSoundDevice(
        [
            FakeDevice("HDA Intel PCH: ALC257 Analog (hw:0,0)", max_input_channels=2),
            FakeDevice("HDMI 0", max_input_channels=0, max_output_channels=8),
            FakeDevice("USB Headset Mic (hw:1,0)", max_input_channels=1),
            FakeDevice("pulse", max_input_channels=32, default_samplerate=44_100),
            FakeDevice("default", max_input_channels=32, default_samplerate=44_100),
        ],
        default_input=4,
    )


def test_device_selection_by_name_index_and_default() -> None:
    sd = desk_devices()
    assert MicrophoneSource("usb", sounddevice=sd).device.index == 2
    assert MicrophoneSource("ALC257", sounddevice=sd).device.index == 0
    assert MicrophoneSource(3, sounddevice=sd).device.name == "pulse"
    assert MicrophoneSource("3", sounddevice=sd).device.name == "pulse"
    assert MicrophoneSource(None, sounddevice=sd).device.name == "default"
    # "default" is a substring of no other name; "pulse" both a name and a substring.
    assert select_input_device("PULSE", sd).index == 3


def test_no_match_lists_input_devices_only() -> None:
    with pytest.raises(AudioError) as info:
        MicrophoneSource("webcam", sounddevice=desk_devices())
    message = str(info.value)
    assert "No input device matches 'webcam'" in message
    assert "[2] USB Headset Mic (hw:1,0) (ALSA, 1 ch, 48000 Hz)" in message
    assert "[4] default (ALSA, 32 ch, 44100 Hz) (default)" in message
    assert "HDMI" not in message


def test_ambiguous_name_is_an_error_unless_one_name_is_exact() -> None:
    sd = desk_devices()
    with pytest.raises(AudioError, match=r"'hw:' is ambiguous \(matches 'HDA Intel"):
        MicrophoneSource("hw:", sounddevice=sd)
    sd.devices.append(FakeDevice("pulse monitor", max_input_channels=2))
    assert MicrophoneSource("pulse", sounddevice=sd).device.index == 3
    with pytest.raises(AudioError, match="ambiguous"):
        MicrophoneSource("puls", sounddevice=sd)


def test_bad_index_and_output_only_device() -> None:
    sd = desk_devices()
    with pytest.raises(AudioError, match="No input device has index 1;"):
        MicrophoneSource(1, sounddevice=sd)
    with pytest.raises(AudioError, match="No input device has index 42;"):
        MicrophoneSource(42, sounddevice=sd)


def test_no_default_device() -> None:
    sd = FakeSoundDevice([FakeDevice("Mic")], default_input=None)
    with pytest.raises(AudioError, match="no default input device"):
        MicrophoneSource(sounddevice=sd)
    assert MicrophoneSource("mic", sounddevice=sd).device.name == "Mic"


def test_list_input_devices() -> None:
    devices = list_input_devices(desk_devices())
    assert [d.index for d in devices] == [0, 2, 3, 4]
    assert devices[-1] == InputDevice(4, "default", "ALSA", 32, 44_100.0, is_default=True)


def test_empty_device_list_says_what_to_check() -> None:
    sd = FakeSoundDevice([], default_input=None)
    assert list_input_devices(sd) == []
    assert "no input devices found" in format_devices([])
    with pytest.raises(AudioError, match="no input devices found"):
        select_input_device("usb", sd)


class _NoPortAudio(importlib.abc.MetaPathFinder):
    """Makes ``import sounddevice`` fail the way it does without libportaudio2."""

    def find_spec(self, name, path, target=None):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


def test_missing_portaudio_is_an_audio_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPortAudio(), *sys.meta_path])
    with pytest.raises(AudioError, match="libportaudio2"):
        load_sounddevice()
    with pytest.raises(AudioError, match="libportaudio2"):
        list_input_devices()
    with pytest.raises(AudioError, match="libportaudio2"):
        MicrophoneSource()


def test_refresh_devices_reinitialises_portaudio() -> None:
    calls = []
    sd = desk_devices()
    sd._terminate = lambda: calls.append("terminate")
    sd._initialize = lambda: calls.append("initialize")
    refresh_devices(sd)
    assert calls == ["terminate", "initialize"]
