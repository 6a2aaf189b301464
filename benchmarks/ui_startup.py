"""Desk window startup: process start -> staff window painted -> models loaded and listening.

Each run is a fresh Python process (imports included, as when a desk PC starts the app).
The desk opens on a replayed file of silence (no microphone needed) with Whisper base
from the offline packages and the test suite's tiny trained Marian fi<->en models, so
"models ready" covers Whisper and two CTranslate2 translation models. ``--opus-mt-size``
loads the full-size opus-mt stand-in of ``dialogue_translation.py`` (random weights,
CTranslate2 int8 with a vocabulary map) in both directions instead, as large as the
models a desk really loads. The process's resident memory (RSS) and whether torch was
imported are taken at that moment too.

Usage: QT_QPA_PLATFORM=offscreen python benchmarks/ui_startup.py [--runs 5]
       [--opus-mt-size] [--json out.json]   (or under ``xvfb-run -a`` for a real X server).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def child(replay: Path, models_root: Path) -> None:
    """One measured start; prints a JSON line with the two times."""
    import psutil

    started = psutil.Process().create_time()  # wall clock, like time.time()
    sys.path.insert(0, str(REPO))
    # What main() does first for a desk started as `interpreter`.
    from interpreter.memory import defer_rarely_used_imports, limit_allocator_caches

    limit_allocator_caches()
    defer_rarely_used_imports()
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import build_desk
    from ui.settings import DeskSettings

    app = QApplication(sys.argv[:1])
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "window_visible_s" not in marks:
                marks["window_visible_s"] = time.time() - started
            return False

    settings = DeskSettings(QSettings(str(models_root / "desk.ini"), QSettings.Format.IniFormat))
    from models.whisper import ensure_whisper_base

    options = {
        "asr_model": str(ensure_whisper_base(models_root / "whisper")),
        "replay": replay,
        "mt_models": {
            ("fi", "en"): models_root / "fi-en",
            ("en", "fi"): models_root / "en-fi",
        },
    }
    desk = build_desk(settings, base_options=options)
    painter = FirstPaint()
    desk.staff.installEventFilter(painter)
    desk.show()

    def ready(info) -> None:
        marks["models_ready_s"] = time.time() - started
        marks["rss_mb"] = psutil.Process().memory_info().rss / 2**20
        marks["torch_imported"] = "torch" in sys.modules
        marks["compute"] = info.compute
        app.quit()

    desk.controller.sessionOpened.connect(ready)
    desk.controller.sessionFailed.connect(lambda message: (marks.update(error=message), app.quit()))
    QTimer.singleShot(0, desk.controller.start)
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    desk.controller.shutdown()
    print(json.dumps(marks))


def prepare(root: Path, opus_mt_size: bool) -> Path:
    """A silent replay file and the translation models (built once, cached)."""
    import shutil

    sys.path.insert(0, str(REPO / "tests"))
    sys.path.append(str(REPO / "benchmarks"))
    for direction in ("fi-en", "en-fi"):
        if opus_mt_size:
            from dialogue_translation import stand_in_model

            (root / direction).symlink_to(stand_in_model(), target_is_directory=True)
        else:
            from trained_marian import cached_model

            shutil.copytree(cached_model(direction), root / direction)
    silence = root / "silence.wav"
    with wave.open(str(silence), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * 16_000 * 60)
    return silence


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--opus-mt-size", action="store_true", help="full-size random-weight opus-mt models"
    )
    parser.add_argument("--child", nargs=2, metavar=("REPLAY", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return 0
    root = Path(tempfile.mkdtemp(prefix="ui-startup-"))
    replay = prepare(root, args.opus_mt_size)
    runs = []
    for index in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(replay), str(root)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        runs.append(result)
        print(
            f"run {index + 1}: window {result['window_visible_s']:.2f} s, "
            f"models ready {result.get('models_ready_s', float('nan')):.2f} s, "
            f"RSS {result.get('rss_mb', float('nan')):.0f} MB"
        )
    summary = {
        key: round(statistics.median(run[key] for run in runs), 3)
        for key in ("window_visible_s", "models_ready_s", "rss_mb")
    }
    summary["max_window_visible_s"] = round(max(run["window_visible_s"] for run in runs), 3)
    summary["torch_imported"] = any(run.get("torch_imported") for run in runs)
    summary["compute"] = runs[-1].get("compute", "")
    print(json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
