"""Building the desk windows for tests: settings in a temporary INI file, events posted
from a core-like thread through the real bridge, and a check that no bubble's text is
cut off."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QFontMetrics

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


def clipped_texts(view: Any) -> list[str]:
    """Every way a bubble's text in ``view`` (a ConversationView) is cut off; [] when all
    of it is readable.

    For each visible label: its height is at least its height for its width, its text as
    QFontMetrics wraps it at that width fits in it (an independent measure), its longest
    line fits its width, and it lies inside its bubble, the bubble inside its row, the row
    inside the scrolled column, and the column is no wider than the viewport.
    """
    problems = []
    column = view.widget()
    if column.width() > view.viewport().width():
        problems.append(f"column {column.width()} px wider than the view")
    for bubble in view.bubbles():
        row = bubble.parentWidget()
        name = f"bubble {bubble.utterance_id}"
        if not QRect(0, 0, column.width(), column.height()).contains(row.geometry()):
            problems.append(f"{name}: row {row.geometry()} outside the column {column.size()}")
        if not QRect(0, 0, row.width(), row.height()).contains(bubble.geometry()):
            problems.append(f"{name}: {bubble.geometry()} outside its row {row.size()}")
        for label in bubble.labels():
            if label.isHidden():
                continue
            where = f"{name} {label.objectName()}"
            width, height = label.width(), label.height()
            if height < label.heightForWidth(width):
                problems.append(f"{where}: {height} px high, needs {label.heightForWidth(width)}")
            text = label.document().toPlainText().strip()
            inner = label.contentsRect()
            wrapped = QFontMetrics(label.font()).boundingRect(
                QRect(0, 0, inner.width(), 1_000_000), Qt.TextFlag.TextWordWrap, text
            )
            if wrapped.width() <= inner.width() and wrapped.height() > inner.height():
                problems.append(f"{where}: wrapped text {wrapped.height()} px > {inner.height()}")
            laid_out = label.document().clone()
            laid_out.setTextWidth(inner.width())
            if laid_out.idealWidth() > inner.width() + 1:
                problems.append(f"{where}: a line {laid_out.idealWidth():.0f} px wide")
            if not bubble.contentsRect().contains(label.geometry()):
                problems.append(f"{where}: {label.geometry()} outside the bubble {bubble.size()}")
    return problems
