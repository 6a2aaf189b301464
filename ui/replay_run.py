"""The desk window on a recording instead of the microphone: ``interpreter --replay FILE``.

For testers and IT: the whole desk (both windows, models, translation) runs on a file, so
a problem seen at a desk can be replayed on another PC, and a built bundle can be checked
without a microphone. When the file has been recognised and translated to its end, the
transcript can be exported into a folder (``--export-to``; only where export is allowed)
and the desk can quit by itself (``--quit-after-replay``) with an exit status a script
can check. What was said goes only into the exported files: the log and the terminal get
counts and file names.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from PySide6.QtCore import QObject, QTimer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskReplay:
    """What ``interpreter --replay`` asked for."""

    file: Path
    speed: float = 1.0
    export_to: Path | None = None
    quit_after: bool = False

    def base_options(self) -> dict[str, Any]:
        """The session settings that make the desk read the file instead of a microphone."""
        return {"replay": self.file, "speed": self.speed}

    def problem(self) -> str | None:
        """Why the options cannot work, in one line naming the file or folder; or None."""
        if not self.file.is_file():
            return f"the replay file {self.file} does not exist; give a wav/flac/mp3/ogg file."
        if self.speed < 0:
            return "--replay-speed must be 0 (as fast as possible) or a positive factor."
        if self.export_to is not None and self.export_to.exists() and not self.export_to.is_dir():
            return f"--export-to {self.export_to} is a file; give a folder."
        return None


class ReplayRun(QObject):
    """Waits for the desk's replay to end, exports when asked, quits when asked.

    ``exit_app(status)`` ends the event loop (``QApplication.exit``); ``status`` is 0 when
    the replay ended (and the transcript was written, when asked), 1 otherwise.
    """

    def __init__(
        self,
        controller: Any,
        options: DeskReplay,
        exit_app: Callable[[int], None],
        stream: TextIO | None = None,
    ) -> None:
        super().__init__(controller)
        self.controller = controller
        self.options = options
        self._exit_app = exit_app
        self._stream = stream or sys.stderr
        self._exporting = False
        self.status: int | None = None
        controller.replayFinished.connect(self._on_replay_finished)
        controller.sessionFailed.connect(self._on_session_failed)
        controller.exportFinished.connect(self._on_exported)

    def _say(self, text: str) -> None:
        print(f"interpreter: {text}", file=self._stream, flush=True)

    def _on_replay_finished(self) -> None:
        if self.status is not None or self._exporting:
            return  # only the file's first run counts (next client replays it again)
        utterances = self.controller.conversation.ordered()
        with_text = sum(1 for u in utterances if u.committed.strip())
        translated = sum(1 for u in utterances if u.translation.strip())
        summary = (
            f"replay of {self.options.file.name} ended: {len(utterances)} utterance(s), "
            f"{with_text} with committed text, {translated} translated"
        )
        logger.info(summary)
        self._say(summary)
        if self.options.export_to is None:
            self._finish(0)
            return
        settings = self.controller.settings
        if not settings.export_enabled:
            where = settings.central.path if settings.is_locked("export_enabled") else None
            self._say(
                "the transcript was not exported: export is not allowed on this desk "
                + (f"(locked by {where})" if where else "(Settings > Allow transcript export)")
            )
            self._finish(1)
            return
        self._exporting = True
        self.options.export_to.mkdir(parents=True, exist_ok=True)
        self.controller.export_transcript(str(self.options.export_to))

    def _on_exported(self, paths: list, error: str) -> None:
        if not self._exporting:
            return
        self._exporting = False
        if error:
            self._say(f"the transcript was not exported: {error}")
            self._finish(1)
            return
        self._say(f"transcript written: {', '.join(paths)}")
        self._finish(0)

    def _on_session_failed(self, message: str) -> None:
        if self.status is None and self.options.quit_after:
            self._say(f"the replay could not start: {message}")
            self._finish(1)

    def _finish(self, status: int) -> None:
        self.status = status
        if self.options.quit_after:
            QTimer.singleShot(0, lambda: self._exit_app(status))
