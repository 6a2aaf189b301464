"""How a listening session sets up its translation: threads shared with Whisper."""

from __future__ import annotations

import os

import pytest

from interpreter.asr.language import LanguagePair
from interpreter.clock import StreamClock
from interpreter.session import ListenSettings, build_translator, translation_threads


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
