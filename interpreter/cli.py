"""The ``interpreter`` command: drives the core without Qt."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from interpreter import __version__

logger = logging.getLogger("interpreter")

NO_VMAP_HELP = "CTranslate2: score every target token, not only the vocabulary map's candidates"


class UserError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def _add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", help="input device name (or part of it) or index")
    parser.add_argument(
        "--pair",
        help="language pair, Finnish first (default fi-en, or the first pair the city's "
        "configuration allows)",
    )
    parser.add_argument(
        "--asr-model",
        default="base",
        help="Whisper model: a folder, a size name (base, small, ...) or a hub id (default base)",
    )
    parser.add_argument(
        "--replay", type=Path, help="replay an audio file instead of the microphone"
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="replay pace: 1 = real time, 0 = as fast as possible (default 1)",
    )
    parser.add_argument("--jsonl", action="store_true", help="print every event as one JSON line")
    parser.add_argument(
        "--mode",
        choices=("auto", "staff", "client"),
        default="auto",
        help="who speaks: auto-detect within the pair, or always the staff/client side",
    )
    parser.add_argument(
        "--hotwords",
        default="",
        help="comma-separated terms that bias recognition (Kela,TE-toimisto)",
    )
    parser.add_argument(
        "--mt-model",
        action="append",
        default=[],
        metavar="SRC-TGT=PATH",
        help="translation model folder for one direction (repeatable), e.g. fi-en=models/fi-en",
    )
    parser.add_argument("--glossary", type=Path, help="glossary file (TSV or CSV)")
    parser.add_argument("--no-translation", action="store_true", help="recognition only")
    parser.add_argument("--no-vmap", action="store_true", help=NO_VMAP_HELP)
    parser.add_argument(
        "--translate-tentative",
        type=float,
        metavar="SECONDS",
        help="also translate tentative text, at most every SECONDS per utterance (default off)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="CPU threads for Whisper, shared by its two decoders (0 = all)",
    )
    parser.add_argument(
        "--compute-device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="where Whisper runs",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="the city's inference server (default: the configuration file's, else none); "
        "this PC's models finish what it cannot",
    )
    parser.add_argument(
        "--server-mt",
        choices=("none", "libretranslate", "chat"),
        help="translation on the server: none, libretranslate or chat (with --server-mt-model)",
    )
    parser.add_argument("--server-asr-model", help="speech model name on the server")
    parser.add_argument("--server-mt-model", help="chat model name on the server")
    parser.add_argument(
        "--no-server-asr", action="store_true", help="recognise speech on this PC only"
    )


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
    _add_listen_arguments(listen)
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
            return _run_listen(args)
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


def _central_limits(args: argparse.Namespace) -> Path | None:
    """The city's configuration applied to ``listen`` / ``translate``: a pair outside its
    locked ``allowed_pairs`` is refused, and the glossary to use is returned (its locked
    file, else ``--glossary``, else its default). ``ValueError`` names the file."""
    from interpreter.central_config import load_central_config

    central = load_central_config()
    if getattr(args, "command", None) == "translate":
        central.check_direction(args.source.lower(), args.target.lower())
    else:
        args.pair = args.pair or (central.locked_pairs() or ("fi-en",))[0]
        central.check_pair(args.pair)
    return central.glossary_path(args.glossary)


def _run_translate(args: argparse.Namespace) -> int:
    from interpreter.translate.base import TranslationError
    from interpreter.translate.commands import load_glossary, translate_lines
    from interpreter.translate.glossary import GlossaryError
    from interpreter.translate.loader import build_engine

    try:
        args.glossary = _central_limits(args)
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


def _run_listen(args: argparse.Namespace) -> int:
    import threading

    from interpreter.audio.base import AudioError
    from interpreter.pipeline import EventQueue
    from interpreter.session import ListenSettings, build_listening_session
    from interpreter.speech.commands import build_listen_speech
    from interpreter.speech.engines import SpeechError
    from interpreter.translate.base import TranslationError
    from interpreter.translate.glossary import GlossaryError
    from interpreter.translate.loader import parse_model_assignments
    from models.whisper import ModelError

    events = EventQueue(maxsize=1024)
    try:
        args.glossary = _central_limits(args)
        settings = ListenSettings(
            pair=args.pair,
            asr_model=args.asr_model,
            device=args.device,
            replay=args.replay,
            speed=args.speed,
            mode=args.mode,
            hotwords=[t for t in args.hotwords.split(",") if t.strip()],
            threads=args.threads,
            compute_device=args.compute_device,
            mt_models=parse_model_assignments(args.mt_model),
            glossary=args.glossary,
            translate=not args.no_translation,
            tentative_translation_seconds=args.translate_tentative,
            translation_vmap=not args.no_vmap,
            server=_server_config(args),
        )
        speech, gate = build_listen_speech(args, live=args.replay is None)
        on_event = events.put
        if speech is not None:

            def on_event(event, speak=speech.submit) -> None:
                events.put(event)
                speak(event)

        session = build_listening_session(
            settings, on_notice=_notice, on_event=on_event, playback_gate=gate
        )
    except (
        AudioError,
        ModelError,
        TranslationError,
        GlossaryError,
        SpeechError,
        ValueError,
    ) as exc:
        raise UserError(str(exc).replace("\n", " ")) from exc

    printer = JsonLinesPrinter(sys.stdout) if args.jsonl else TerminalPrinter(sys.stdout)
    pipeline = session.pipeline
    previous = signal.signal(signal.SIGINT, lambda *_: pipeline.stop())
    try:
        try:
            session.start()
        except AudioError as exc:
            raise UserError(str(exc)) from exc
        if session.source_is_live:
            _wait_for_first_audio(session.source)
            _notice(f"Listening on {session.source.description} ({args.pair}). Ctrl+C stops.")

        def close_when_done() -> None:
            session.wait_and_close()
            events.put(None)

        threading.Thread(target=close_when_done, name="listen-closer", daemon=True).start()
        for event in events:
            printer.show(event)
    finally:
        signal.signal(signal.SIGINT, previous)
        pipeline.stop()
        if speech is not None:
            speech.wait_idle(60.0)  # the last translation is still said
            speech.player.wait_done(60.0)
            speech.close()
    if pipeline.error is not None:
        return 1
    return 0


def _server_config(args: argparse.Namespace):
    """The configuration file's server entry with the command line's changes; a locked
    key cannot be changed (``ValueError`` naming the file)."""
    from interpreter.central_config import load_central_config

    central = load_central_config()
    wanted = {
        "server_url": args.server,
        "server_enabled": True if args.server else None,
        "server_mt": {"none": ""}.get(args.server_mt, args.server_mt),
        "server_asr_model": args.server_asr_model,
        "server_mt_model": args.server_mt_model,
        "server_asr": False if args.no_server_asr else None,
    }
    wanted = {key: value for key, value in wanted.items() if value is not None}
    locked = [key for key in wanted if central.is_locked(key)]
    if locked:
        raise ValueError(
            f"{', '.join(locked)} is locked by {central.path}; ask IT to change it there."
        )
    config = central.server(wanted)
    return config if config.active else None


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


#: How long ``listen`` waits for a device's first audio before saying it is listening.
FIRST_AUDIO_TIMEOUT_SECONDS = 10.0


def _wait_for_first_audio(source) -> None:
    """Say "Listening" only once audio flows: a device can take a second or two to start
    delivering, and what is said before that is not heard."""
    wait = getattr(source, "wait_for_audio", None)
    if wait is None or wait(FIRST_AUDIO_TIMEOUT_SECONDS):
        return
    _notice(
        f"No audio from {source.description} after {FIRST_AUDIO_TIMEOUT_SECONDS:g} s: check "
        "that it is connected and not muted, or choose another with --device"
    )


class JsonLinesPrinter:
    """One JSON object per event: the stable contract other tools read."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def show(self, event) -> None:
        self._stream.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        self._stream.flush()


class TerminalPrinter:
    """Committed text as it arrives, one line per utterance, then its final translation;
    errors on stderr."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._open: int | None = None
        self._waiting: list[str] = []  # translation lines held while an utterance line is open

    def show(self, event) -> None:
        from interpreter.events import (
            CommittedText,
            ErrorEvent,
            RevisedText,
            TranslationEvent,
            UtteranceEnded,
        )

        if isinstance(event, ErrorEvent):
            print(f"interpreter: {event.text}", file=sys.stderr, flush=True)
        elif isinstance(event, CommittedText) and event.text:
            if self._open != event.utterance_id:
                self._stream.write(f"[{event.speech_end:7.1f} s] {event.side} ({event.lang}): ")
                self._open = event.utterance_id
            self._stream.write(event.text + " ")
        elif isinstance(event, RevisedText):
            # The line so far was in the wrong language: it stays, marked, and the
            # utterance starts again on a line of its own.
            if self._open == event.utterance_id:
                self._stream.write(f"[recognised again as {event.lang}]\n")
            self._stream.write(
                f"[{event.speech_end:7.1f} s] {event.side} ({event.lang}): {event.text} "
            )
            self._open = event.utterance_id
        elif isinstance(event, UtteranceEnded) and self._open == event.utterance_id:
            self._stream.write("\n")
            self._open = None
        elif isinstance(event, TranslationEvent) and event.final:
            mark = " [untranslated]" if "untranslated" in event.flags else ""
            self._waiting.append(f"{'':12}-> ({event.lang}){mark}: {event.text}\n")
        if self._open is None and self._waiting:
            self._stream.write("".join(self._waiting))
            self._waiting.clear()
        self._stream.flush()


if __name__ == "__main__":
    raise SystemExit(main())
