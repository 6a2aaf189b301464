"""Run one whole conversation through the desk window as the app starts it, for tests
that look at what the process left behind (files, network).

``python tests/desk_run.py RESULT.json --replay WAV --asr-model DIR --mt fi-en=DIR ...
[--export FOLDER] [--guard REPORT.json]``

It does what ``interpreter -vv`` does (logging set up by ``main()``'s code, the per-user
QSettings, the models folder setting, both windows), replays the file, waits until every
utterance is translated, exports the transcript when asked (export allowed first, as a
user would in Settings), presses next client, and closes the desk. The texts it showed go
to RESULT.json, outside the folders under test.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TIMEOUT_MS = 240_000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("result", type=Path)
    parser.add_argument("--replay", type=Path, required=True)
    parser.add_argument("--asr-model", required=True)
    parser.add_argument("--mt", action="append", default=[])
    parser.add_argument("--export", type=Path)
    parser.add_argument("--guard", type=Path)
    args = parser.parse_args()
    if args.guard:
        from network_guard import install

        install(args.guard)

    from interpreter.cli import build_parser, configure_logging
    from interpreter.translate.loader import parse_model_assignments

    log_setup = configure_logging(2, build_parser().parse_args(["-vv"]))

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import apply_models_folder, build_desk, show_log_warning
    from ui.i18n import install_translator
    from ui.settings import APPLICATION, ORGANIZATION, DeskSettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    settings = DeskSettings()
    install_translator(app, settings.ui_language)
    apply_models_folder(settings)
    options = {
        "asr_model": args.asr_model,
        "mt_models": parse_model_assignments(args.mt),
        "replay": args.replay,
        "speed": 0.0,
        "threads": 2,
        "compute_device": "cpu",
    }
    desk = build_desk(settings, base_options=options)
    show_log_warning(desk.staff, log_setup)
    desk.show()
    controller = desk.controller

    def wait_until(condition, what: str) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: condition() and loop.quit())
        timer.start(100)
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        loop.exec()
        timer.stop()
        if not condition():
            raise SystemExit(f"desk_run: timed out waiting for {what}")

    def translated() -> bool:
        session = controller.session
        utterances = controller.conversation.ordered()
        return (
            session is not None
            and session.pipeline.finished
            and bool(utterances)
            and all(u.ended and u.translation_final for u in utterances)
        )

    controller.start()
    wait_until(translated, "the conversation's translations")
    utterances = [
        {"side": u.side, "text": u.committed, "translation": u.translation}
        for u in controller.conversation.ordered()
    ]
    exported: list[str] = []
    if args.export:
        controller.set_export_enabled(True)
        controller.exportFinished.connect(lambda paths, error: exported.extend(paths or [error]))
        controller.export_transcript(str(args.export))
        wait_until(lambda: bool(exported), "the export")
    first_session = controller.session
    controller.next_client()
    wait_until(
        lambda: controller.session is not None and controller.session is not first_session,
        "the next client's session",
    )
    shown = [b.primary.text() for b in desk.staff.conversation.bubbles()]
    controller.shutdown()
    settings.sync()
    desk.staff.close()
    desk.client.close()
    args.result.write_text(
        json.dumps({"utterances": utterances, "exported": exported, "after_next_client": shown}),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
