"""Screenshots of the desk windows mid-conversation, for the README and docs/ui.md.

Drives replayed conversations through the real core: Festival Finnish and espeak-ng
English speech, Whisper base, and tiny trained Marian models (fi<->en from the test
suite, fi<->ar from ``scripts/demo_models.py``) that know only a few desk phrases.
Needs a real X server for faithful rendering:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

Writes ``staff.png``, ``client.png`` (Finnish-English) and ``client-rtl.png`` plus
``staff-rtl.png`` (Finnish-Arabic) into ``docs/screenshots`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))

logger = logging.getLogger("screenshots")

STAFF_SIZE = (1100, 700)
CLIENT_SIZE = (1000, 640)
TIMEOUT_SECONDS = 180.0
#: A staff line typed instead of spoken (the tiny model knows only its training phrases).
SIGN_HERE = "Allekirjoittakaa tähän."


def wait_until(app, condition, timeout: float = TIMEOUT_SECONDS) -> None:
    """Run the event loop until ``condition()`` holds (the windows stay live meanwhile)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the conversation did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def settled(desk, count: int) -> bool:
    utts = desk.controller.conversation.ordered()
    done = [u for u in utts if u.ended and (u.translation_final or u.flagged)]
    return len(done) >= count and len(done) == len(utts)


def run_scene(app, settings_path: Path, options: dict, client: str, typed: list, count: int):
    """Open a desk on ``options``, wait for ``count`` finished utterances; ``typed`` holds
    (after this many spoken utterances, side, text) lines typed by the staff."""
    from PySide6.QtCore import QSettings

    from ui.app import build_desk
    from ui.settings import DeskSettings

    settings = DeskSettings(QSettings(str(settings_path), QSettings.Format.IniFormat))
    settings.pair = f"fi-{client}"
    desk = build_desk(settings, base_options=options)
    desk.show()
    desk.controller.start()
    for after, side, text in typed:
        wait_until(app, lambda a=after: settled(desk, a))
        desk.controller.add_typed(side, text)
    wait_until(app, lambda: settled(desk, count))
    desk.staff.resize(*STAFF_SIZE)
    desk.client.showNormal()
    desk.client.resize(*CLIENT_SIZE)
    for _ in range(20):  # let layouts and scrolling settle
        app.processEvents()
        time.sleep(0.02)
    return desk


def save(widget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    logger.info("wrote %s", path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    import speech
    from demo_models import PHRASES_FI_AR, demo_model
    from PySide6.QtWidgets import QApplication
    from trained_marian import PHRASE_PAIRS, cached_model

    from models.whisper import ensure_whisper_base

    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="desk-screenshots-"))
    whisper = ensure_whisper_base(work / "whisper")
    fi = speech.FINNISH_SENTENCES
    english_reply = PHRASE_PAIRS[1][1]  # the client's line the en-fi model knows
    turns = [
        (speech.synthesize_finnish(fi[0], "lj"), fi[0], "fi"),
        (speech.synthesize_english(english_reply), english_reply, "en"),
    ]
    english = speech.build_conversation(turns, out_path=work / "fi-en.wav")
    base = {"asr_model": str(whisper), "threads": 2, "compute_device": "cpu", "speed": 0.0}
    options = {
        **base,
        "replay": english.path,
        "mt_models": {("fi", "en"): cached_model("fi-en"), ("en", "fi"): cached_model("en-fi")},
    }
    typed = [(2, "staff", SIGN_HERE), (3, "client", "Thank you.")]
    desk = run_scene(app, work / "en.ini", options, "en", typed, 4)
    save(desk.staff, args.out / "staff.png")
    save(desk.client, args.out / "client.png")
    desk.controller.shutdown()
    desk.staff.close()
    desk.client.close()

    finnish = [turns[0], (speech.synthesize_finnish(fi[2], "lj"), fi[2], "fi")]
    arabic = speech.build_conversation(finnish, 4.0, out_path=work / "fi-ar.wav")
    options = {
        **base,
        "replay": arabic.path,
        "speed": 1.0,
        "mt_models": {("fi", "ar"): demo_model("fi-ar"), ("ar", "fi"): demo_model("ar-fi")},
    }
    typed = [(1, "client", PHRASES_FI_AR[1][1])]
    desk = run_scene(app, work / "ar.ini", options, "ar", typed, 3)
    save(desk.staff, args.out / "staff-rtl.png")
    save(desk.client, args.out / "client-rtl.png")
    desk.controller.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
