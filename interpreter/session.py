"""Assembling a listening session (model, audio source, recognizer, pipeline) from settings.

Shared by the CLI and the desk window so both run exactly the same code path. Loading
the model is slow: GUI callers run :func:`build_listening_session` off the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from interpreter.asr.language import LanguagePair
from interpreter.asr.whisper_engine import AsrOptions, WhisperEngine
from interpreter.audio.base import AudioSource
from interpreter.clock import StreamClock
from interpreter.pipeline import Pipeline
from interpreter.streaming import StreamingOptions, StreamingRecognizer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListenSettings:
    pair: str = "fi-en"
    asr_model: str = "base"
    device: str | int | None = None
    replay: Path | None = None
    speed: float = 1.0
    mode: str = "auto"
    hotwords: list[str] = field(default_factory=list)
    threads: int = 0
    compute_device: str = "auto"
    streaming: StreamingOptions = field(default_factory=StreamingOptions)


@dataclass
class ListeningSession:
    pipeline: Pipeline
    source: AudioSource
    engine: WhisperEngine
    source_is_live: bool


def load_engine(
    asr_model: str,
    threads: int = 0,
    compute_device: str = "auto",
    on_notice: Callable[[str], None] | None = None,
) -> WhisperEngine:
    """Find (or fetch) the Whisper model and load it."""
    from models.whisper import ModelError, resolve_whisper_model

    resolved = resolve_whisper_model(asr_model)
    if resolved.note and on_notice:
        on_notice(resolved.note)
    elif resolved.source == "offline-package" and on_notice:
        on_notice("Using Whisper base from the offline packages (no download needed).")
    try:
        return WhisperEngine(resolved.path, AsrOptions(device=compute_device, cpu_threads=threads))
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"Could not load ASR model from {resolved.path}: {exc}. Check that the folder "
            "holds a complete faster-whisper model, or choose another with --asr-model."
        ) from exc


def build_source(settings: ListenSettings) -> tuple[AudioSource, bool]:
    """The replay source for a file, else the microphone; and whether it is live."""
    if settings.replay is not None:
        from interpreter.audio.replay import FileReplaySource

        if settings.speed < 0:
            raise ValueError("--speed must be 0 (as fast as possible) or a positive factor.")
        return FileReplaySource(settings.replay, speed=settings.speed), False
    from interpreter.audio.microphone import MicrophoneSource

    device = settings.device
    if isinstance(device, str) and device.strip().isdigit():
        device = int(device)
    return MicrophoneSource(device=device), True


def build_listening_session(
    settings: ListenSettings, on_notice: Callable[[str], None] | None = None
) -> ListeningSession:
    pair = LanguagePair.parse(settings.pair)
    source, live = build_source(settings)  # before the model: bad input fails fast
    engine = load_engine(settings.asr_model, settings.threads, settings.compute_device, on_notice)
    clock = StreamClock()
    recognizer = StreamingRecognizer(engine, pair, settings.streaming, clock=clock)
    recognizer.set_mode(settings.mode)
    recognizer.set_hotwords(settings.hotwords)
    pipeline = Pipeline(source, recognizer, clock=clock)
    return ListeningSession(pipeline, source, engine, live)
