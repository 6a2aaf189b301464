"""The Qt binding keeps Python's reference counts: the desk window calls Qt thousands of
times a minute (the level meter alone twenty times a second).

PySide6 6.12.0 on Python 3.11 returns ``None`` from every Qt method that returns nothing
without taking a reference to it (Python 3.12 and later never free ``None``, 3.11 does),
and the same for ``True``/``False``. Each such call leaves ``None`` one reference short;
after some ten thousand calls Python frees ``None`` and the process aborts with "Fatal
Python error: none_dealloc". PySide6 6.11 is not affected.
"""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QProgressBar

CALLS = 1000


def test_calls_that_return_nothing_keep_none_alive(qapp):
    bar = QProgressBar()
    before = sys.getrefcount(None)
    for value in range(CALLS):
        bar.setValue(value % 100)  # returns nothing
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, (
        f"PySide6 {pyside_version} on Python {sys.version.split()[0]} dropped {lost} "
        f"references to None in {CALLS} calls: the desk window would abort after a few "
        "minutes. Use PySide6-Essentials < 6.12 on Python 3.11, or Python 3.12 or later."
    )
