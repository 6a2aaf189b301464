"""The ``interpreter`` command: drives the core without Qt."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from interpreter import __version__
from interpreter.cli_common import NO_VMAP_HELP, UserError, central_limits

logger = logging.getLogger("interpreter")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interpreter",
        description=(
            "Desk interpreter: live speech recognition for Finnish and a client's language. "
            "Without a command it opens the desk window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)"
    )
    _add_log_arguments(parser)
    _add_desk_replay_arguments(parser)
    sub = parser.add_subparsers(dest="command")
    listen = sub.add_parser("listen", help="listen (or replay a file) and print committed text")
    from interpreter.listen_command import add_listen_arguments

    add_listen_arguments(listen)
    from interpreter.speech.commands import add_say_parser, add_speak_arguments

    add_speak_arguments(listen)
    add_say_parser(sub)
    translate = sub.add_parser(
        "translate", help="translate text given as arguments, or stdin line by line"
    )
    translate.add_argument("--from", dest="source", required=True, help="source language (fi)")
    translate.add_argument("--to", dest="target", required=True, help="target language (en)")
    translate.add_argument("--mt-model", type=Path, help="a local model folder for this direction")
    translate.add_argument("--glossary", type=Path, help="glossary file (TSV or CSV)")
    translate.add_argument(
        "--backend",
        choices=("ctranslate2", "transformers"),
        default="ctranslate2",
        help="ctranslate2 when a converted copy exists (default), or transformers",
    )
    translate.add_argument("--no-vmap", action="store_true", help=NO_VMAP_HELP)
    translate.add_argument("--jsonl", action="store_true", help="one JSON object per input")
    translate.add_argument("text", nargs="*", help="text to translate (default: stdin)")
    from models.commands import add_models_parser

    add_models_parser(sub)
    from interpreter.phrases.commands import add_phrases_parser

    add_phrases_parser(sub)
    sub.add_parser("devices", help="list audio input devices")
    doctor = sub.add_parser("doctor", help="check the installation and say what is missing")
    doctor.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="also write a zip for IT support (versions, settings without secrets, devices, "
        "models, recent logs; never conversation text)",
    )
    return parser


def _add_desk_replay_arguments(parser: argparse.ArgumentParser) -> None:
    desk = parser.add_argument_group(
        "desk window on a recording (no command; for testers and IT)",
        "The desk reads FILE instead of the microphone; when it has been recognised and "
        "translated, the transcript can be exported and the desk can quit by itself.",
    )
    desk.add_argument("--replay", dest="desk_replay", type=Path, metavar="FILE")
    desk.add_argument(
        "--replay-speed",
        type=float,
        default=1.0,
        metavar="X",
        help="1 = real time (default), 0 = as fast as possible",
    )
    desk.add_argument(
        "--export-to",
        type=Path,
        metavar="FOLDER",
        help="when the replay has ended, export the transcript here (only where export is allowed)",
    )
    desk.add_argument(
        "--quit-after-replay",
        action="store_true",
        help="quit when the replay has ended (and the transcript is written); exit status "
        "0 when all went well",
    )


def _desk_replay(args: argparse.Namespace):
    """The desk's replay options, or None (``--replay`` not given)."""
    if args.desk_replay is None:
        if args.export_to or args.quit_after_replay:
            raise UserError("--export-to and --quit-after-replay need --replay FILE")
        return None
    from ui.replay_run import DeskReplay

    return DeskReplay(args.desk_replay, args.replay_speed, args.export_to, args.quit_after_replay)


def _add_log_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-log-file",
        action="store_true",
        help="write no log file (by default one is kept in the user's log folder)",
    )
    parser.add_argument(
        "--log-conversation-text",
        action="store_true",
        help="DEBUG ONLY: also write transcripts and translations to conversation-text.log "
        "in the log folder (never on a desk in service)",
    )


def configure_logging(verbosity: int, args: argparse.Namespace | None = None):
    """The terminal at ``-v``'s level, the log file for IT, crash hooks (interpreter/logs.py)."""
    from interpreter.logs import CONVERSATION_TEXT_ENV, LogOptions, env_flag, setup_logging

    return setup_logging(
        LogOptions(
            verbosity=verbosity,
            log_file=not getattr(args, "no_log_file", False),
            conversation_text=getattr(args, "log_conversation_text", False)
            or env_flag(CONVERSATION_TEXT_ENV),
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    from interpreter.memory import defer_rarely_used_imports, limit_allocator_caches

    limit_allocator_caches()  # before any model runs: MKL reads its setting once
    defer_rarely_used_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    log_setup = configure_logging(args.verbose, args)
    logger.info("command: %s", args.command or "desk")  # never argv: it can hold text
    if args.command is None:
        # The desk window; `interpreter listen` stays the terminal listener.
        from ui.app import run_desk

        try:
            replay = _desk_replay(args)
        except UserError as exc:
            print(f"interpreter: {exc}", file=sys.stderr)
            return 2
        return run_desk(log_setup, replay)
    _apply_central_models_dir()
    try:
        if args.command == "listen":
            from interpreter.listen_command import run_listen

            return run_listen(args)
        if args.command == "translate":
            return _run_translate(args)
        if args.command == "models":
            return _run_models(args)
        if args.command == "phrases":
            return _run_phrases(args)
        if args.command == "devices":
            return _run_devices()
        if args.command == "say":
            return _run_say(args)
        if args.command == "doctor":
            from interpreter.doctor import run_doctor

            if args.report:
                return _write_report(args.report)
            return run_doctor(sys.stdout)
    except UserError as exc:
        print(f"interpreter: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2


def _apply_central_models_dir(environ: dict[str, str] | None = None) -> None:
    """The commands use the models folder the city's file sets (as the desk does), unless
    INTERPRETER_MODELS_DIR is set. A file that cannot be read is reported by the commands
    that need it (``doctor`` checks it)."""
    import os

    from interpreter.central_config import CentralConfigError, load_central_config

    environ = os.environ if environ is None else environ
    if environ.get("INTERPRETER_MODELS_DIR"):
        return
    try:
        folder = load_central_config().value("models_dir")
    except CentralConfigError:
        return
    if folder:
        environ["INTERPRETER_MODELS_DIR"] = str(Path(str(folder)).expanduser())
        logger.info("models folder from the configuration file: %s", folder)


def _saved_desk_settings() -> dict:
    """The desk window's saved settings, for the support report (Qt's, so read through the
    desk's own code; the command line is the one place above both)."""
    try:
        from ui.settings_snapshot import saved_settings
    except ImportError as exc:
        return {"unavailable": f"the desk is not installed ({exc})"}
    try:
        return saved_settings()
    except Exception as exc:  # a damaged settings file must not stop the report
        logger.warning("desk settings not read: %s", exc)
        return {"unavailable": f"{type(exc).__name__}: {exc}"}


def _write_report(target: Path) -> int:
    from interpreter.support_report import ReportParts, write_support_report

    try:
        written = write_support_report(target, ReportParts(settings=_saved_desk_settings()))
    except OSError as exc:
        raise UserError(str(exc)) from exc
    print(f"Support report written to {written}; it holds no conversation text.")
    return 0


def _run_translate(args: argparse.Namespace) -> int:
    from interpreter.translate.base import TranslationError
    from interpreter.translate.commands import load_glossary, translate_lines
    from interpreter.translate.glossary import GlossaryError
    from interpreter.translate.loader import build_engine

    try:
        args.glossary = central_limits(args)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    try:
        engine = build_engine(
            args.source.lower(),
            args.target.lower(),
            model_folder=args.mt_model,
            glossary=load_glossary(args.glossary),
            prefer=args.backend,
            use_vmap=not args.no_vmap,
        )
        lines = [" ".join(args.text)] if args.text else sys.stdin
        translate_lines(engine, lines, sys.stdout, args.jsonl)
    except (TranslationError, GlossaryError, OSError) as exc:
        raise UserError(str(exc).replace("\n", " ")) from exc
    return 0


def _run_models(args: argparse.Namespace) -> int:
    from interpreter.translate.base import TranslationError
    from models.commands import run_models
    from models.whisper import ModelError

    try:
        return run_models(args, sys.stdout)
    except (ModelError, TranslationError) as exc:
        raise UserError(str(exc)) from exc


def _run_phrases(args: argparse.Namespace) -> int:
    from interpreter.phrases.commands import PhrasesError, run_phrases
    from interpreter.translate.base import TranslationError
    from interpreter.translate.glossary import GlossaryError
    from models.whisper import ModelError

    try:
        return run_phrases(args, sys.stdout, sys.stderr)
    except (PhrasesError, TranslationError, GlossaryError, ModelError, OSError) as exc:
        raise UserError(str(exc).replace("\n", " ")) from exc


def _run_say(args: argparse.Namespace) -> int:
    from interpreter.speech.commands import run_say
    from interpreter.speech.engines import SpeechError

    try:
        return run_say(args, sys.stdout)
    except SpeechError as exc:
        raise UserError(str(exc)) from exc


def _run_devices() -> int:
    from interpreter.audio.base import AudioError
    from interpreter.audio.devices import list_input_devices

    try:
        devices = list_input_devices()
    except AudioError as exc:
        raise UserError(str(exc)) from exc
    if not devices:
        print("No audio input devices found. Connect a microphone, then run 'interpreter devices'.")
        return 1
    for device in devices:
        marker = "*" if device.is_default else " "
        print(
            f"{marker} {device.index:>3}  {device.name}  ({device.hostapi}, "
            f"{device.max_input_channels} ch, {device.default_samplerate:g} Hz)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
