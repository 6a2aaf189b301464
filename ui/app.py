"""Starting the desk: the staff window first, everything slow in the background.

``interpreter`` with no command calls :func:`run_desk`. Without a display it prints how
to go on instead of letting Qt abort.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
NO_DISPLAY_MESSAGE = (
    "interpreter: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desk "
    "window cannot open. Start a desktop session, or use the terminal listener: "
    "interpreter listen"
)


def display_problem(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why no window can open here, or None. Only Linux/BSD need an X or Wayland display."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    if any(env.get(name) for name in DISPLAY_VARIABLES):
        return None
    return NO_DISPLAY_MESSAGE


def apply_models_folder(settings: Any, env: dict[str, str] | None = None) -> None:
    """Use the models folder chosen in the settings, unless INTERPRETER_MODELS_DIR is set
    (an administrator's choice wins). Done once, before anything looks for a model."""
    env = os.environ if env is None else env
    if settings.models_dir and not env.get("INTERPRETER_MODELS_DIR"):
        env["INTERPRETER_MODELS_DIR"] = settings.models_dir


@dataclass
class Desk:
    """The two windows and the controller joining them to the core."""

    staff: Any
    client: Any
    controller: Any

    def show(self) -> None:
        self.staff.show()
        self.controller.placer.place()

    def add_tester_tab(self, store: Any = None) -> Any:
        """Add the phrase-set Tester tab to the staff window; its threads stop with it."""
        from ui.tester_tab import TesterTab

        central = self.controller.settings.central
        tab = TesterTab(store, self.staff, allowed_pairs=central.locked_pairs())
        self.staff.add_tab(tab, tab.title())
        self.staff.closing.connect(tab.shutdown)
        return tab


def build_desk(
    settings: Any = None,
    base_options: dict[str, Any] | None = None,
    sounddevice: Any = None,
    dialog_factory: Any = None,
    **speech: Any,
) -> Desk:
    """Create both windows and the controller (nothing is loaded until ``controller.start``).

    ``speech``: ``speech_voices`` / ``speech_sounddevice`` for the speech output."""
    from ui.client_window import ClientWindow
    from ui.controller import DeskController
    from ui.settings import DeskSettings
    from ui.staff_window import StaffWindow

    settings = settings or DeskSettings()
    staff = StaffWindow()
    client = ClientWindow(settings.font_pt)
    controller = DeskController(
        staff, client, settings, base_options, sounddevice, dialog_factory, **speech
    )
    return Desk(staff, client, controller)


def show_log_warning(staff: Any, log_setup: Any) -> None:
    """A permanent status-bar warning while the conversation-text debug log is on."""
    text_file = getattr(log_setup, "conversation_file", None)
    if text_file is not None:
        logger.warning("desk open with conversation text logged to %s", text_file)
        staff.show_log_warning(
            staff.tr("Debug log on: the conversation is written to %1").replace(
                "%1", str(text_file)
            )
        )


def run_desk(log_setup: Any = None, replay: Any = None) -> int:
    """Open the desk windows and run until the staff window closes.

    ``log_setup``: where ``main()`` sent the logs (interpreter/logs.py); when conversation
    text is being logged, the status bar says so for as long as the desk is open.
    ``replay``: a :class:`ui.replay_run.DeskReplay`: the desk reads that file instead of
    the microphone (``interpreter --replay FILE``).
    """
    problem = display_problem() or (replay.problem() if replay is not None else None)
    if problem:
        print(problem if problem.startswith("interpreter") else f"interpreter: {problem}",
              file=sys.stderr)  # fmt: skip
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.i18n import install_translator
    from ui.settings import APPLICATION, ORGANIZATION, DeskSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setQuitOnLastWindowClosed(False)  # the client window alone keeps nothing open
    from interpreter.central_config import CentralConfigError, load_central_config

    try:
        central = load_central_config()
    except CentralConfigError as exc:  # the city's locks must not be silently dropped
        print(f"interpreter: {exc}", file=sys.stderr)
        return 2
    settings = DeskSettings(central=central)
    install_translator(app, settings.ui_language)
    apply_models_folder(settings)
    desk = build_desk(settings, replay.base_options() if replay is not None else None)
    if replay is not None:
        from ui.replay_run import ReplayRun

        ReplayRun(desk.controller, replay, app.exit)
    show_log_warning(desk.staff, log_setup)
    desk.staff.closing.connect(app.quit)
    app.aboutToQuit.connect(desk.controller.shutdown)
    app.aboutToQuit.connect(settings.sync)
    from ui.watchdog import StallWatchdog

    watchdog = StallWatchdog(parent=desk.controller)
    if logging.getLogger("ui.watchdog").isEnabledFor(logging.DEBUG):
        watchdog.start()  # `interpreter -vv` logs every UI stall over 100 ms
    desk.show()
    QTimer.singleShot(0, desk.controller.start)  # after the first paint
    QTimer.singleShot(0, lambda: desk.add_tester_tab(settings.store))
    return app.exec()
