"""The desk window on a real X server, listening to the default microphone.

Run by ``test_ui_desk_x11.py`` under ``xvfb-run`` with ``QT_QPA_PLATFORM=xcb`` and a
PulseAudio daemon whose default source is a null sink's monitor: once listening, it plays
``--wav`` into that sink with ``paplay``, so the speech reaches the app through PortAudio
as a microphone's would. After every event the windows show it checks that no bubble's
text is cut off; at the end it grabs both windows and writes ``result.json``,
``staff.png``, ``client.png`` and ``both.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS.parent), str(TESTS)]

#: Seconds to wait for the models, and for the last translations after playback.
OPEN_TIMEOUT, SETTLE_TIMEOUT = 180.0, 90.0


def wait_until(condition, timeout: float) -> bool:
    """Run the event loop until ``condition()`` holds; a timer wakes it to look again."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(loop.quit)
    timer.start(50)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        loop.exec()
    timer.stop()
    return True


def settled(desk, expected: int) -> bool:
    utts = desk.controller.conversation.ordered()
    done = [u for u in utts if u.ended and (u.translation_final or u.flagged)]
    return len(done) >= expected and len(done) == len(utts)


def grab_both(desk, out: Path) -> list[str]:
    """Each window, and both side by side as the desk shows them."""
    from PySide6.QtGui import QColor, QPainter, QPixmap

    staff, client = desk.staff.grab(), desk.client.grab()
    both = QPixmap(staff.width() + client.width(), max(staff.height(), client.height()))
    both.fill(QColor("#808080"))
    painter = QPainter(both)
    painter.drawPixmap(0, 0, staff)
    painter.drawPixmap(staff.width(), 0, client)
    painter.end()
    paths = []
    for name, image in (("staff.png", staff), ("client.png", client), ("both.png", both)):
        if not image.save(str(out / name)):
            raise OSError(f"could not write {out / name}")
        paths.append(str(out / name))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wav", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--whisper", required=True)
    parser.add_argument("--mt", nargs=2, metavar=("FI_EN", "EN_FI"), required=True)
    parser.add_argument("--sink", default="vmic", help="the PulseAudio sink to play into")
    parser.add_argument("--expect", type=int, default=2, help="utterances to wait for")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from ui_helpers import clipped_texts

    from ui.app import build_desk
    from ui.settings import DeskSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = DeskSettings(QSettings(str(args.out / "desk.ini"), QSettings.Format.IniFormat))
    options = {
        "asr_model": args.whisper,
        "threads": 2,
        "compute_device": "cpu",
        "mt_models": {("fi", "en"): Path(args.mt[0]), ("en", "fi"): Path(args.mt[1])},
    }
    desk = build_desk(settings, base_options=options)
    desk.show()
    desk.staff.setGeometry(0, 0, 900, 720)
    desk.client.setGeometry(900, 0, 700, 720)
    views = {"staff": desk.staff.conversation, "client": desk.client.view}
    result: dict = {"platform": app.platformName(), "events": 0, "clipped": []}

    def check(utt) -> None:
        result["events"] += 1
        for name, view in views.items():
            where = f"event {result['events']} {name}"
            result["clipped"] += [f"{where}: {problem}" for problem in clipped_texts(view)]

    desk.controller.utteranceShown.connect(check)
    opened = []
    desk.controller.sessionOpened.connect(opened.append)
    desk.controller.start()
    if not wait_until(lambda: bool(opened), OPEN_TIMEOUT):
        result["error"] = "listening did not start"
    else:
        result["source"] = opened[0].source
        player = subprocess.Popen(["paplay", f"--device={args.sink}", str(args.wav)])
        wait_until(lambda: player.poll() is not None, 300.0)
        result["paplay"] = player.returncode
        wait_until(lambda: settled(desk, args.expect), SETTLE_TIMEOUT)
    for _ in range(3):  # a few passes of the event loop for the last paint
        wait_until(lambda: False, 0.05)
    result["utterances"] = [
        {"side": u.side, "lang": u.lang, "text": u.committed, "translation": u.translation}
        for u in desk.controller.conversation.ordered()
    ]
    for name, view in views.items():
        result["clipped"] += [f"at the end {name}: {p}" for p in clipped_texts(view)]
    result["screenshots"] = grab_both(desk, args.out)
    desk.controller.shutdown()
    (args.out / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
