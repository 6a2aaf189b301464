"""``interpreter`` with no command opens the desk window, or explains why it cannot."""

from __future__ import annotations

import os
import subprocess
import sys

from ui.app import NO_DISPLAY_MESSAGE, display_problem


def test_no_display_prints_one_clear_line_and_exits_non_zero():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "interpreter"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == NO_DISPLAY_MESSAGE
    assert "interpreter listen" in result.stderr
    assert "qt.qpa" not in result.stderr and "Aborted" not in result.stderr


def test_display_detection():
    assert display_problem({}, "linux") == NO_DISPLAY_MESSAGE
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None


WINDOW_FIRST = """
import sys
from PySide6.QtWidgets import QApplication
from ui.app import build_desk
app = QApplication([])
desk = build_desk()
desk.show()
app.processEvents()
heavy = [m for m in ("faster_whisper", "ctranslate2", "transformers", "torch") if m in sys.modules]
print(desk.staff.isVisible(), ",".join(heavy) or "-")
"""


def test_the_window_shows_before_any_model_library_is_imported(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", WINDOW_FIRST],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "-"]
