"""How a listening session sets up its translation: threads shared with Whisper."""

from __future__ import annotations

import os
import threading
import wave

import pytest
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401

from interpreter.asr.language import LanguagePair
from interpreter.clock import StreamClock
from interpreter.session import (
    ListenSettings,
    build_listening_session,
    build_translator,
    load_beside,
    translation_threads,
)


@pytest.mark.parametrize(
    ("whisper_threads", "cpus", "expected"),
    [(2, 2, 1), (1, 2, 1), (4, 8, 2), (8, 8, 4), (0, 2, 1), (0, 16, 2)],
)
def test_translation_takes_half_of_whisper_threads(
    whisper_threads, cpus, expected, monkeypatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cpus)), raising=False)
    assert translation_threads(ListenSettings(threads=whisper_threads)) == expected


def test_threads_asked_for_are_kept() -> None:
    assert translation_threads(ListenSettings(threads=2, translation_threads=3)) == 3


def test_each_direction_is_loaded_with_the_shared_thread_count(monkeypatch) -> None:
    import interpreter.translate.loader as loader

    asked: list[tuple[str, str, int]] = []

    def recording_build_engine(source, target, **options):
        asked.append((source, target, options["threads"]))
        return object()

    monkeypatch.setattr(loader, "build_engine", recording_build_engine)
    settings = ListenSettings(pair="fi-en", threads=4)
    worker = build_translator(
        settings, LanguagePair.parse("fi-en"), None, StreamClock(), lambda event: None
    )
    assert worker is not None
    assert sorted(asked) == [("en", "fi", 2), ("fi", "en", 2)]


def test_load_beside_runs_the_background_load_on_another_thread() -> None:
    here = threading.current_thread()
    background, foreground = load_beside(lambda: threading.current_thread(), lambda: "whisper")
    assert foreground == "whisper"
    assert background is not here and background.name.startswith("model-load")
    assert load_beside(None, lambda: 7) == (None, 7)


def test_load_beside_raises_the_foreground_error_after_the_background_load_ended() -> None:
    ended = threading.Event()

    def slow_background() -> str:
        ended.wait(0.2)  # still loading when the foreground fails
        ended.set()
        return "translation"

    def failing_foreground() -> str:
        raise ValueError("no Whisper model in /nowhere")

    with pytest.raises(ValueError, match="/nowhere"):
        load_beside(slow_background, failing_foreground)
    assert ended.is_set()


def test_load_beside_raises_the_background_error() -> None:
    def failing_background() -> str:
        raise RuntimeError("broken translation model")

    with pytest.raises(RuntimeError, match="broken translation model"):
        load_beside(failing_background, lambda: "whisper")


def test_a_session_loads_translation_beside_whisper(
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
    tmp_path,
    monkeypatch,
) -> None:
    """The real models: both directions load on the loader thread while Whisper loads."""
    import interpreter.session as session_module

    threads: list[str] = []
    real_load = session_module.load_translation_engines

    def recording_load(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(session_module, "load_translation_engines", recording_load)
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(bytes(2 * 16000))
    settings = ListenSettings(
        pair="fi-en",
        replay=silence,
        mt_models={("fi", "en"): trained_marian_fi_en, ("en", "fi"): trained_marian_en_fi},
    )
    session = build_listening_session(settings, on_event=lambda event: None)
    assert len(threads) == 1 and threads[0].startswith("model-load")
    assert session.translator is not None
    assert sorted(session.translator.engines) == [("en", "fi"), ("fi", "en")]
