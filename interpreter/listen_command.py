"""``interpreter listen``: the terminal listener, on a microphone or a replayed file."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from dataclasses import replace
from pathlib import Path

from interpreter.cli_common import NO_VMAP_HELP, UserError, central_limits


def add_listen_arguments(parser: argparse.ArgumentParser) -> None:
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
        "--hold-openings",
        type=float,
        metavar="SECONDS",
        help="an utterance's first words, and the first words after a pause in it, wait "
        "for the speech after them while their language is uncertain, if at most SECONDS "
        "long (default 3; 0 commits them at the pause: faster, but a greeting or the other "
        "side's first word may be committed in the wrong language)",
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


def _hold_openings(args: argparse.Namespace, settings):
    """``settings`` with ``--hold-openings`` applied to its streaming options."""
    if args.hold_openings is None:
        return settings
    if args.hold_openings < 0:
        raise UserError(f"--hold-openings must be 0 or more seconds, not {args.hold_openings}.")
    streaming = replace(settings.streaming, weak_opening_seconds=args.hold_openings)
    return replace(settings, streaming=streaming)


def run_listen(args: argparse.Namespace) -> int:
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
        args.glossary = central_limits(args)
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
        settings = _hold_openings(args, settings)
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
