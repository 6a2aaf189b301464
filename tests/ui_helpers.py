"""Building the desk windows for tests: settings in a temporary INI file, events posted
from a core-like thread through the real bridge."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from interpreter.events import CommittedText, Event, TentativeText, TranslationEvent, UtteranceEnded
from ui.app import Desk, build_desk
from ui.settings import DeskSettings


def desk_settings(folder: Path) -> DeskSettings:
    return DeskSettings(QSettings(str(folder / "desk.ini"), QSettings.Format.IniFormat))


def make_desk(qtbot: Any, folder: Path, **kwargs: Any) -> Desk:
    """Both windows and the controller, settings isolated in ``folder``; not started."""
    desk = build_desk(desk_settings(folder), **kwargs)
    # Stop the worker thread even when a test fails: a running QThread must not be deleted.
    qtbot.addWidget(desk.staff, before_close_func=lambda _: desk.controller.shutdown())
    qtbot.addWidget(desk.client)
    return desk


def post_from_thread(desk: Desk, events: list[Event]) -> None:
    """Deliver events the way the core does: from another thread, through the bridge."""
    token = desk.controller._token
    worker = threading.Thread(
        target=lambda: [desk.controller.bridge.post_event(token, e) for e in events]
    )
    worker.start()
    worker.join()


def times(t: float) -> dict:
    return dict(audio_start=t, audio_end=t + 2.0, speech_end=t + 2.0, emitted_at=t + 2.5)


def spoken(uid: int, side: str, lang: str, text: str, t: float = 1.0) -> list[Event]:
    """An utterance as the recognizer reports it: tentative, committed, ended."""
    head = text.split()[0]
    return [
        TentativeText(uid, side, lang, head, **times(t)),
        CommittedText(uid, side, lang, text, **times(t)),
        UtteranceEnded(uid, side, lang, text, **times(t)),
    ]


def translated(
    uid: int,
    side: str,
    lang: str,
    source_lang: str,
    text: str,
    t: float = 1.0,
    flags: tuple[str, ...] = (),
) -> TranslationEvent:
    return TranslationEvent(
        uid,
        side,
        lang,
        text,
        **times(t),
        source_lang=source_lang,
        source_text="",
        flags=flags,
        final=True,
    )
