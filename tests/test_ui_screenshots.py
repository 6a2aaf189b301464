"""The screenshot script under a real X server (Xvfb): the PNGs exist and show content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("staff.png", "client.png", "staff-rtl.png", "client-rtl.png")

pytestmark = pytest.mark.slow


def distinct_colours(path: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), path
    step = max(1, min(image.width(), image.height()) // 60)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_screenshots_of_both_windows(tmp_path: Path, require_speech, whisper_base_dir, qapp):
    require_speech("finnish", "english")
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is missing: run `bash scripts/setup.sh --dev`")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1600x1000x24",
            sys.executable,
            str(ROOT / "scripts" / "screenshots.py"),
            "--out",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for name in NAMES:
        path = tmp_path / name
        assert path.is_file() and path.stat().st_size > 5000, name
        assert distinct_colours(path) > 20, f"{name} looks blank"
