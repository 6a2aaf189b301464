"""``interpreter say`` and ``listen --speak``: speech output in the terminal."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TextIO

import numpy as np

from interpreter.speech.engines import SpeechError, Synthesis, write_wav
from interpreter.speech.voices import ENGINE_CHOICES

logger = logging.getLogger(__name__)

#: Silence between sentences in a written file (playback queues them back to back).
SENTENCE_GAP_SECONDS = 0.15
SPEAK_CHOICES = {"client": ("client",), "staff": ("staff",), "both": ("client", "staff")}


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        default="auto",
        help="speech engine: the best available (auto), or insist on one",
    )
    parser.add_argument(
        "--voice", type=Path, metavar="FOLDER", help="a neural (Piper) voice folder to use"
    )
    parser.add_argument(
        "--output-device", help="speech output device: name (or part of it) or index"
    )
    parser.add_argument(
        "--volume", type=float, default=1.0, help="speech volume, 0 to 1 (default 1)"
    )


def add_say_parser(sub: argparse._SubParsersAction) -> None:
    say = sub.add_parser("say", help="speak text in a language, or write it to a wav file")
    say.add_argument("--lang", help="the text's language (fi, en, ar, ...)")
    say.add_argument("--out", type=Path, help="write a wav file instead of playing")
    say.add_argument("--devices", action="store_true", help="list the output devices")
    _add_output_arguments(say)
    say.add_argument("text", nargs="*", help="the text (default: stdin)")


def add_speak_arguments(listen: argparse.ArgumentParser) -> None:
    listen.add_argument(
        "--speak",
        choices=tuple(SPEAK_CHOICES),
        help="speak final translations: to the client, to the staff, or both",
    )
    _add_output_arguments(listen)


def _library(args: argparse.Namespace, lang: str | None = None):
    from interpreter.speech.voices import VoiceLibrary

    folders = {lang: args.voice} if args.voice is not None and lang else {}
    engine = "neural" if args.voice is not None and args.engine == "auto" else args.engine
    return VoiceLibrary(engine, voice_folders=folders)


def _check_volume(volume: float) -> float:
    if not 0.0 <= volume <= 1.0:
        raise SpeechError(f"--volume must be between 0 and 1, not {volume:g}.")
    return volume


def run_say(args: argparse.Namespace, out: TextIO) -> int:
    """Speak or write ``args.text``; raises SpeechError for user errors."""
    from interpreter.speech.output import speech_chunks

    if args.devices:
        from interpreter.speech.player import output_devices

        for index, name, default in output_devices():
            out.write(f"{'*' if default else ' '} {index:>3}  {name}\n")
        return 0
    if not args.lang:
        raise SpeechError("Give the text's language with --lang (fi, en, ar, ...).")
    lang = args.lang.lower()
    text = " ".join(args.text) if args.text else sys.stdin.read()
    chunks = speech_chunks(text, lang)
    if not chunks:
        raise SpeechError("Nothing to say: give the text as arguments or on stdin.")
    volume = _check_volume(args.volume)
    library = _library(args, lang)
    engine = library.engine(lang)
    print(f"Speaking {lang} with {engine.name} ({engine.licence}).", file=sys.stderr)
    if args.out is not None:
        parts: list[np.ndarray] = []
        rate = 0
        for chunk in chunks:
            synthesis = engine.synthesize(chunk)
            if rate and synthesis.rate != rate:
                raise SpeechError(f"{engine.name} changed its sample rate mid-text.")
            rate = synthesis.rate
            parts += [synthesis.samples, np.zeros(int(rate * SENTENCE_GAP_SECONDS), np.float32)]
        try:
            write_wav(args.out, Synthesis(np.concatenate(parts[:-1]) * volume, rate))
        except OSError as exc:
            raise SpeechError(f"Cannot write {args.out}: {exc.strerror or exc}.") from exc
        out.write(f"Wrote {args.out}.\n")
        return 0
    from interpreter.speech.player import AudioPlayer

    player = AudioPlayer(args.output_device, volume=volume)
    try:
        for chunk in chunks:
            player.play(engine.synthesize(chunk))
        if not player.wait_done(timeout=600.0):
            raise SpeechError(f"Playback on {player.describe()} did not finish.")
    finally:
        player.close()
    return 0


def build_listen_speech(args: argparse.Namespace, live: bool):
    """The speech output and gate for ``listen --speak`` (None, None when off)."""
    if not args.speak:
        return None, None
    from interpreter.speech.gate import PlaybackGate
    from interpreter.speech.output import SpeechOutput
    from interpreter.speech.player import AudioPlayer

    volume = _check_volume(args.volume)
    gate = PlaybackGate() if live else None  # a replayed file never hears the speaker
    player = AudioPlayer(args.output_device, volume=volume, gate=gate)

    def report(message: str) -> None:
        print(f"interpreter: speech output: {message}", file=sys.stderr, flush=True)

    player.on_error = report
    language = args.pair.split("-")[1] if "-" in args.pair else None
    output = SpeechOutput(
        _library(args, language), player, SPEAK_CHOICES[args.speak], on_error=report
    )
    if gate is not None:
        gate.add_barge_in_listener(output.stop)
    return output, gate
