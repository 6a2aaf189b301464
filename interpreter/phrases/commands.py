"""``interpreter phrases``: validate, run and compare phrase sets from the terminal."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import TextIO

from interpreter.phrases.format import PhraseSet, PhraseSetError, builtin_sets, load_phrase_set
from interpreter.phrases.results import MT_STAGE, TOTAL, PhraseResult, RunResult

#: Exit status of a run stopped with Ctrl+C (its partial results are written).
CANCELLED_STATUS = 130
TTS_CACHE_FOLDER = "phrase-speech"


class PhrasesError(Exception):
    """Bad input for a phrases command: printed as one line, exit status 2."""


def add_phrases_parser(sub: argparse._SubParsersAction) -> None:
    phrases = sub.add_parser(
        "phrases", help="phrase sets: validate, run (quality and speed report), compare runs"
    )
    actions = phrases.add_subparsers(dest="phrases_command", required=True)
    actions.add_parser("list", help="the built-in phrase sets")
    validate = actions.add_parser("validate", help="check a phrase set; every problem by line")
    validate.add_argument("set", help="a phrase-set file, or the name of a built-in set")
    run = actions.add_parser("run", help="run a phrase set through the desk's pipeline")
    run.add_argument("set", help="a phrase-set file, or the name of a built-in set")
    run.add_argument("--pair", help="language pair, e.g. fi-en (default: from the set)")
    run.add_argument(
        "--audio", action="store_true", help="speech mode: recognition and translation"
    )
    run.add_argument("--asr-model", default="base", help="Whisper model (audio mode)")
    run.add_argument(
        "--mt-model", action="append", default=[], metavar="SRC-TGT=PATH",
        help="translation model folder for one direction (repeatable)",
    )  # fmt: skip
    run.add_argument("--glossary", type=Path, help="glossary file (default: the set's own)")
    run.add_argument(
        "--backend", choices=("ctranslate2", "transformers"), default="ctranslate2",
        help="translation backend when the model has both (default ctranslate2)",
    )  # fmt: skip
    run.add_argument(
        "--no-vmap", action="store_true",
        help="CTranslate2: score every target token, not only the vocabulary map's "
        "candidates (compare runs with and without it to check the map)",
    )  # fmt: skip
    run.add_argument(
        "--speed", type=float,
        help="audio replay pace: 1 = real time (default; latencies measured), 0 = fastest",
    )  # fmt: skip
    run.add_argument(
        "--language", choices=("auto", "side"), default="auto",
        help="audio: identify the language as the desk does (auto), or fix each phrase's side",
    )  # fmt: skip
    run.add_argument("--threads", type=int, default=0, help="CPU threads (0 = all)")
    run.add_argument(
        "--compute-device", choices=("auto", "cpu", "cuda"), default="auto",
        help="where Whisper runs",
    )  # fmt: skip
    run.add_argument(
        "--tts-command",
        help="speech command for phrases without audio, e.g. "
        "'espeak-ng -v {voice} -w {out} {text}' (default: Festival for fi, espeak-ng else)",
    )
    run.add_argument(
        "--tts-voice", action="append", default=[], metavar="LANG=VOICE",
        help="voice for one language (repeatable), e.g. fi=suo_fi_lj_diphone",
    )  # fmt: skip
    run.add_argument("--tts-cache", type=Path, help="folder for synthesized speech")
    run.add_argument("--report", type=Path, help="write the HTML report here")
    run.add_argument("--json", type=Path, help="write the results (and ratings) as JSON here")
    run.add_argument("--csv", type=Path, help="write one CSV row per phrase here")
    run.add_argument(
        "--resume", type=Path, metavar="RUN.json",
        help="keep the finished phrases of an earlier run's JSON and run the rest",
    )  # fmt: skip
    compare = actions.add_parser("compare", help="two runs side by side, differences marked")
    compare.add_argument("a", type=Path, help="run A (JSON from phrases run --json)")
    compare.add_argument("b", type=Path, help="run B")
    compare.add_argument("--report", type=Path, required=True, help="write the HTML here")
    compare.add_argument("--json", type=Path, help="also write the differences as JSON here")


def run_phrases(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.phrases_command == "list":
        for path in builtin_sets():
            out.write(f"{path.stem}\t{path}\n")
        return 0
    if args.phrases_command == "compare":
        return _compare(args, out)
    try:
        phrase_set = load_phrase_set(args.set)
    except PhraseSetError as exc:
        err.write(f"{exc}\nNothing was run; fix the lines above and validate again.\n")
        return 2
    if args.phrases_command == "validate":
        out.write(_describe_set(phrase_set) + "\n")
        return 0
    return _run(args, phrase_set, out, err)


def _describe_set(phrase_set: PhraseSet) -> str:
    directions: dict[str, int] = {}
    for phrase in phrase_set.phrases:
        for target in phrase.targets(phrase_set.languages):
            key = f"{phrase.lang}-{target}"
            directions[key] = directions.get(key, 0) + 1
    audio = sum(p.audio is not None for p in phrase_set.phrases)
    listing = ", ".join(f"{k}: {v}" for k, v in sorted(directions.items()))
    glossary = f"; glossary {phrase_set.glossary}" if phrase_set.glossary else ""
    review = phrase_set.metadata.get("review")
    return (
        f"OK: {phrase_set.name} ({phrase_set.path}): {len(phrase_set.phrases)} phrases "
        f"({listing}), {audio} with audio{glossary}" + (f"\nreview: {review}" if review else "")
    )


def _default_pair(phrase_set: PhraseSet) -> str:
    others = [lang for lang in phrase_set.languages if lang != "fi"]
    if len(others) != 1:
        raise PhrasesError(
            f"{phrase_set.path} has languages {' '.join(phrase_set.languages)}: choose one "
            "pair with --pair, e.g. --pair fi-" + (others[0] if others else "en")
        )
    return f"fi-{others[0]}"


def _check_allowed(pair: str) -> None:
    """A phrase run tests what a desk would do: a pair the city's configuration does not
    allow on its desks is refused here too."""
    from interpreter.central_config import load_central_config

    try:
        load_central_config().check_pair(pair)
    except ValueError as exc:  # the refusal, or a broken file: both name the file
        raise PhrasesError(str(exc)) from exc


def _options(args: argparse.Namespace, phrase_set: PhraseSet):
    from interpreter.phrases.runner import REAL_TIME, RunOptions
    from interpreter.phrases.tts import TtsOptions
    from interpreter.translate.loader import parse_model_assignments

    voices = {}
    for value in args.tts_voice:
        lang, sep, voice = value.partition("=")
        if not sep or not lang.strip() or not voice.strip():
            raise PhrasesError(f"--tts-voice {value!r} is not of the form LANG=VOICE")
        voices[lang.strip().lower()] = voice.strip()
    outputs = [p for p in (args.json, args.report, args.csv) if p is not None]
    cache = args.tts_cache or (outputs[0].parent / TTS_CACHE_FOLDER if outputs else None)
    speed = REAL_TIME if args.speed is None else args.speed
    if speed < 0:
        raise PhrasesError("--speed must be 0 (as fast as possible) or a positive factor")
    pair = args.pair or _default_pair(phrase_set)
    _check_allowed(pair)
    return RunOptions(
        pair=pair,
        audio=args.audio,
        asr_model=args.asr_model,
        mt_models=parse_model_assignments(args.mt_model),
        glossary=args.glossary,
        tts=TtsOptions(command=args.tts_command, voices=voices),
        speed=speed,
        threads=args.threads,
        mode=args.language,
        compute_device=args.compute_device,
        backend=args.backend,
        vmap=not args.no_vmap,
        tts_cache=cache,
    )


class ProgressLine:
    """One updating terminal line: phrase count, id, chrF and latency of the last one."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def __call__(self, done: int, total: int, result: PhraseResult) -> None:
        if result.error:
            detail = "failed"
        else:
            chrf = result.scores.get("chrf")
            latency = result.latency.get(TOTAL) or result.latency.get(MT_STAGE)
            detail = f"chrF {chrf:5.1f}" if chrf is not None else ""
            if latency is not None:
                detail += f"  {latency:.2f} s"
        text = f"[{done:>3}/{total}] {result.phrase_id}: {detail}"
        self._out.write("\r" + text[:78].ljust(78))
        self._out.flush()

    def close(self) -> None:
        self._out.write("\n")
        self._out.flush()


def _run(args: argparse.Namespace, phrase_set: PhraseSet, out: TextIO, err: TextIO) -> int:
    from interpreter.phrases.runner import run_phrase_set

    options = _options(args, phrase_set)
    resume = _load_run(args.resume) if args.resume else None
    cancel = threading.Event()
    progress = ProgressLine(err)
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        run = run_phrase_set(
            phrase_set,
            options,
            on_progress=progress,
            cancel=cancel,
            resume=resume,
            on_notice=lambda message: err.write(message + "\n"),
        )
    except ValueError as exc:
        raise PhrasesError(str(exc)) from exc
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
    written = _write_outputs(run, args)
    out.write(_summary_text(run) + "\n")
    for path in written:
        out.write(f"wrote {path}\n")
    if run.cancelled:
        err.write(
            f"Cancelled after {len(run.results)} of {run.total_phrases} phrases; the files "
            "above hold the partial results"
            + (" (continue with --resume)." if args.json else ".")
            + "\n"
        )
        return CANCELLED_STATUS
    return 0


def _write_outputs(run: RunResult, args: argparse.Namespace) -> list[Path]:
    from interpreter.phrases.report import write_csv, write_html

    written = []
    for path, writer in (
        (args.json, lambda p: run.to_json(p)),
        (args.csv, lambda p: write_csv(run, p)),
        (args.report, lambda p: write_html(run, p)),
    ):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            written.append(writer(path))
    return written


def _summary_text(run: RunResult) -> str:
    from interpreter.phrases.metrics import summarize

    lines = []
    for direction, group in summarize(run)["directions"].items():
        line = f"{direction}: {group['phrases']} phrases"
        if group.get("chrf") is not None:
            line += f", chrF {group['chrf']:.1f}, BLEU {group['bleu']:.1f}"
        if group.get("wer") is not None:
            line += f", WER {group['wer']:.1%}, CER {group['cer']:.1%}"
        if group.get("glossary"):
            g = group["glossary"]
            line += f", glossary {g['ok']}/{g['total']}"
        latency = group["latency"][TOTAL]
        if latency["p50"] is not None:
            line += (
                f", latency p50 {latency['p50']:.2f} s p95 {latency['p95']:.2f} s "
                f"max {latency['max']:.2f} s"
            )
        line += f", flagged {group['flagged']}, untranslated {group['untranslated']}"
        line += f", failed {group['failed']}"
        lines.append(line)
        for kind in ("chrf", "bleu"):
            if group.get(f"{kind}_signature"):
                lines.append(f"  {kind} signature: {group[f'{kind}_signature']}")
    lines += run.notes
    return "\n".join(lines)


def _load_run(path: Path) -> RunResult:
    from interpreter.phrases.results import RunFileError

    try:
        return RunResult.from_json(path)
    except RunFileError as exc:
        raise PhrasesError(str(exc)) from exc


def _compare(args: argparse.Namespace, out: TextIO) -> int:
    from interpreter.phrases.compare import compare_runs, write_compare_html

    comparison = compare_runs(_load_run(args.a), _load_run(args.b))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    write_compare_html(comparison, args.report)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    counts = comparison.counts()
    out.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + "\n")
    for direction, row in comparison.totals.items():
        delta = row["chrf"]["delta"]
        if delta is not None:
            out.write(f"{direction}: chrF B - A {delta:+.1f}\n")
    for path in (args.report, args.json):
        if path is not None:
            out.write(f"wrote {path}\n")
    return 0
