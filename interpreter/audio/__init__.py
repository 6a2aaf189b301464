"""Audio sources: a live microphone and a file replay behind one interface."""

from interpreter.audio.base import SAMPLE_RATE, AudioError, AudioSource
from interpreter.audio.devices import (
    InputDevice,
    list_input_devices,
    refresh_devices,
    select_input_device,
)
from interpreter.audio.microphone import MicrophoneSource
from interpreter.audio.replay import FileReplaySource, decode_file

__all__ = [
    "SAMPLE_RATE",
    "AudioError",
    "AudioSource",
    "FileReplaySource",
    "InputDevice",
    "MicrophoneSource",
    "decode_file",
    "list_input_devices",
    "refresh_devices",
    "select_input_device",
]
