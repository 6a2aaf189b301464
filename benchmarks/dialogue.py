"""Recognition on a long Finnish-English desk dialogue: language, accuracy, loops, latency.

The dialogue (``tests/dialogue.py``) has 66 turns in about 5 minutes: Festival Finnish
in both voices, English from espeak-ng in several voices and foreign accents and from
LibriVox recordings, short openers, quick turn changes and long turns. Each turn's true
speech start and end are known. Modes:

* ``fast``: the deterministic replay (``interpreter/simulate.py``, 0.1 s blocks, compute
  time not counted), as fast as the machine runs. Latencies are not printed: they leave
  out the compute time.
* ``asap``: the session code replaying the file as fast as it is read, as testers run
  phrase sets (``listen --replay FILE --speed 0``): audio reaches the recognizer in
  large pieces, well ahead of its decodes. Latencies are not printed.
* ``realtime``: the session code (``build_listening_session``) replaying the file at
  real-time pace; latency is ``emitted_at`` minus the true end of the turn's speech.
* ``mic``: a private PulseAudio daemon whose null sink's monitor is the default source,
  ``python -m interpreter listen --jsonl`` reading it, and ``paplay`` playing the file;
  latency is when this process reads each JSON line minus playback start plus the turn's
  true end.
* ``all``: the three, mic beside realtime. ``--clips`` also runs every turn alone.

For every run, per language and in total: turns whose committed events (of utterances
overlapping the turn's speech) all carry the turn's language, word error rate of the
final text against plain faster-whisper told the language (beam 5, each turn cut at its
true bounds), turns with a committed repetition loop, ``revised`` events, and latency.
Turns that share an utterance (a quick answer the endpointing did not separate) are
scored together: their references are joined for the word error rate, and latency runs
from the end of the last one. Per-language error rates leave out groups that mix the two
languages; the offline figure beside them is on the same turns.

``--server URL`` (``fast`` and ``realtime``) recognises through a city inference server
(``interpreter/server/``), this PC's Whisper being the fallback; ``--server start``
starts faster-whisper-server serving the same Whisper base on 127.0.0.1.

Usage: python benchmarks/dialogue.py [--mode fast|realtime|mic|all] [--turns N]
       [--seed N] [--lead-in SECONDS] [--threads 2] [--clips] [--json out.json]
       [--server URL|start [--server-model NAME]]
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

LANGS = ("fi", "en")
#: Speech an utterance must share with a turn to count as recognising it, seconds.
MIN_OVERLAP_SECONDS = 0.1
#: Audio kept before an utterance's first speech frame (the segmenter's pre-roll).
PRE_ROLL_SECONDS = 0.2
#: Audio after a turn's true end given to the offline reference.
OFFLINE_TAIL_SECONDS = 0.2


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def count_loops(text: str) -> int:
    """Repetition loops in ``text``: a word 4+ times in a row, or a group of 2-4 words 3+
    times in a row (case and punctuation ignored)."""
    from interpreter.repetition import LoopRule, find_loops

    rule = LoopRule(word_repeats=4, group_repeats=3, max_group=4, doubled_phrase=99, max_phrase=4)
    return len(find_loops(text.split(), rule))


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    import jiwer

    from interpreter.textnorm import normalise_for_wer

    pairs = [
        (normalise_for_wer(r), normalise_for_wer(h))
        for r, h in zip(references, hypotheses, strict=True)
    ]
    pairs = [(r, h) for r, h in pairs if r]
    if not pairs:
        return float("nan")
    return jiwer.wer([r for r, _ in pairs], [h for _, h in pairs])


# -- runs ---------------------------------------------------------------------------


@dataclass
class Run:
    """What one mode produced: events as ``--jsonl`` dicts, on the stream's clock."""

    name: str
    events: list[dict[str, Any]]
    wall_seconds: float
    #: Stream time at which the file's first sample played (0 for replays).
    offset: float = 0.0
    latency_clock: str = ""  # "" when latencies are not meaningful
    notes: list[str] = field(default_factory=list)
    #: CPU seconds the recognition took, all its threads together.
    cpu_seconds: float | None = None


def load_engine(threads: int, final_beam_size: int | None = None):
    from dataclasses import replace

    from interpreter.asr.whisper_engine import WhisperEngine
    from interpreter.session import load_engine as load

    engine = load("base", threads=threads)
    if final_beam_size is None or final_beam_size == engine.options.final_beam_size:
        return engine
    # A variant of the committing decodes' beam, for comparing accuracy and cost.
    options = replace(engine.options, final_beam_size=final_beam_size)
    return WhisperEngine(engine.model_path, options)


def remote_engine(local, server: str, model: str):
    """The engine through an inference server (started here for ``start``)."""
    from interpreter.server.config import ServerConfig
    from interpreter.server.remote import ServerConnection

    running = None
    if server == "start":
        from inference_servers import start_faster_whisper_server

        work = Path(tempfile.mkdtemp(prefix="dialogue-server-"))
        running = start_faster_whisper_server(local.model_path, work, model)
        server = running.url
    config = ServerConfig(url=server, enabled=True, asr_model=model, timeout_seconds=6.0)
    return ServerConnection(config, key=None).asr_engine(local), running


def server_counts(engine) -> tuple[int, int, int]:
    """(requests sent, failed, answered on this PC) of a server engine; zeros for local."""
    remote = getattr(engine, "remote", None)
    if remote is None:
        return 0, 0, 0
    return remote.requests, remote.failures, engine.health.fallbacks


def note_server(run: Run, engine, before: tuple[int, int, int]) -> Run:
    """Add what the run asked of the server to its notes."""
    if getattr(engine, "remote", None) is not None:
        sent, failed, local = (a - b for a, b in zip(server_counts(engine), before, strict=True))
        run.notes.append(f"server: {sent} requests, {failed} failed, {local} answered on this PC")
    return run


def run_fast(engine, path: Path, lead_in: float = 0.0) -> Run:
    """The deterministic replay; ``lead_in`` seconds of silence go before the audio."""
    import numpy as np

    from interpreter.asr.language import LanguagePair
    from interpreter.audio.base import SAMPLE_RATE
    from interpreter.audio.replay import decode_file
    from interpreter.simulate import VirtualClock, simulate
    from interpreter.streaming import StreamingRecognizer

    clock = VirtualClock()
    recognizer = StreamingRecognizer(engine, LanguagePair.parse("fi-en"), clock=clock)
    recognizer.set_mode("auto")
    silence = np.zeros(round(lead_in * SAMPLE_RATE), dtype=np.float32)
    audio = np.concatenate([silence, decode_file(path)])
    started, counts, cpu = time.perf_counter(), server_counts(engine), time.process_time()
    events = simulate(recognizer, clock, audio, count_compute=False)
    run = Run("fast", [e.to_dict() for e in events], time.perf_counter() - started)
    run.cpu_seconds = time.process_time() - cpu
    run.offset = len(silence) / SAMPLE_RATE
    return note_server(run, engine, counts)


def run_session(engine, path: Path, threads: int, speed: float = 1.0) -> Run:
    """The session code replaying ``path`` at ``speed`` (0: as fast as it is read)."""
    from interpreter.session import ListenSettings, build_listening_session

    settings = ListenSettings(pair="fi-en", replay=path, speed=speed, threads=threads)
    session = build_listening_session(settings, engine=engine)
    started, counts, cpu = time.perf_counter(), server_counts(engine), time.process_time()
    session.pipeline.start()
    assert session.pipeline.events is not None
    events = [e.to_dict() for e in session.pipeline.events]
    name, clock = ("realtime", "pipeline") if speed else ("asap", "")
    run = Run(name, events, time.perf_counter() - started, latency_clock=clock)
    run.cpu_seconds = time.process_time() - cpu
    return note_server(run, engine, counts)


def children_cpu_seconds() -> float:
    """User and system CPU seconds of the finished child processes."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_mic(path: Path, duration: float, threads: int, workdir: Path) -> Run:
    """``interpreter listen --jsonl`` on a PulseAudio null sink's monitor while paplay plays."""
    from pulse import start_pulse_server

    server = start_pulse_server(workdir / "pulse")
    cpu_before, cpu = children_cpu_seconds(), None
    lines: list[tuple[float, str]] = []
    changed = threading.Condition()
    listening = threading.Event()
    stderr_lines: list[str] = []
    command = [sys.executable, "-m", "interpreter", "listen", "--pair", "fi-en", "--jsonl"]
    command += ["--no-translation", "--threads", str(threads)]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**server.client_env(), "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with changed:
                lines.append((time.monotonic(), line))
                changed.notify_all()

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stderr_lines.append(line.rstrip())
            if line.startswith("Listening on"):
                listening.set()

    readers = [threading.Thread(target=f, daemon=True) for f in (read_stdout, read_stderr)]
    for reader in readers:
        reader.start()
    try:
        if not listening.wait(180) or process.poll() is not None:
            raise RuntimeError("interpreter listen did not start:\n" + "\n".join(stderr_lines))
        started = time.monotonic()
        server.play(path, timeout=duration + 60)
        played = time.monotonic()
        # Wait until no line has come for 5 s (the last utterance is closed by then).
        with changed:
            while (idle := time.monotonic() - max(played, lines[-1][0] if lines else 0)) < 5:
                if time.monotonic() - played > 60:
                    break
                changed.wait(timeout=5 - idle)
        process.send_signal(signal.SIGINT)
        process.wait(60)
        # The listener's CPU time (and paplay's, a few per cent of a second).
        cpu = children_cpu_seconds() - cpu_before
        for reader in readers:
            reader.join(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        server.close()
    events = []
    for read_at, line in lines:
        record = json.loads(line)
        record["read_at"] = read_at - started
        events.append(record)
    run = Run("mic", events, time.monotonic() - started, latency_clock="read_at")
    run.cpu_seconds = cpu
    if process.returncode not in (0, -signal.SIGINT):
        run.notes.append(f"listener exit status {process.returncode}")
    return run


# -- scoring ------------------------------------------------------------------------


@dataclass
class Utterance:
    id: int
    start: float = 0.0
    speech_end: float = 0.0
    lang: str | None = None
    text: str = ""
    committed: list[dict[str, Any]] = field(default_factory=list)
    revised: list[dict[str, Any]] = field(default_factory=list)


def utterances(events: list[dict[str, Any]]) -> dict[int, Utterance]:
    found: dict[int, Utterance] = {}
    for event in events:
        if event["type"] not in ("utterance_ended", "committed", "revised"):
            continue
        u = found.setdefault(event["utterance_id"], Utterance(event["utterance_id"]))
        if event["type"] == "committed" and event["text"].strip():
            u.committed.append(event)
        elif event["type"] == "revised":
            u.revised.append(event)
        elif event["type"] == "utterance_ended":
            u.start, u.speech_end = event["audio_start"], event["speech_end"]
            u.lang, u.text = event["lang"], event["text"]
    return found


def score(turns, run: Run) -> dict[str, Any]:
    """Per-turn rows and per-language figures for one run."""
    heard = [u for u in utterances(run.events).values() if u.committed or u.text]
    rows = []
    for turn in turns:
        lo, hi = turn.start + run.offset, turn.end + run.offset
        mine = [
            u
            for u in heard
            if min(hi, u.speech_end) - max(lo, u.start + PRE_ROLL_SECONDS) > MIN_OVERLAP_SECONDS
        ]
        committed = [e for u in mine for e in u.committed]
        rows.append(
            {
                "index": turn.index,
                "side": turn.side,
                "lang": turn.lang,
                "voice": turn.voice,
                "text": turn.text,
                "start": turn.start,
                "end": turn.end,
                "utterances": [u.id for u in mine],
                "committed_langs": sorted({e["lang"] for e in committed}),
                "right_lang": bool(committed) and all(e["lang"] == turn.lang for e in committed),
                "final_langs": sorted({u.lang or "?" for u in mine}),
                "hyp": " ".join(u.text for u in mine),
                "loops": count_loops(" ".join(e["text"] for e in committed)),
                "revised": 0,
            }
        )
    # Each revised event counts once, for the first turn its utterance overlaps.
    by_id = {u.id: u for u in heard}
    counted: set[int] = set()
    for row in rows:
        for uid in row["utterances"]:
            if uid not in counted:
                counted.add(uid)
                row["revised"] += len(by_id[uid].revised)
    # Turns sharing an utterance form a group, scored together.
    groups: list[list[dict[str, Any]]] = []
    for row in rows:
        if groups and set(row["utterances"]) & set(groups[-1][-1]["utterances"]):
            groups[-1].append(row)
        else:
            groups.append([row])
    for group in groups:
        ids = sorted({i for row in group for i in row["utterances"]})
        # A revision to another language replaces the committed text: the turn's final
        # words appear then. One that only hands trailing words to the next turn does not.
        revisions = [e for i in ids for e in by_id[i].revised if e.get("reason") == "language"]
        final_events = [e for i in ids for e in by_id[i].committed] + revisions
        last = max(final_events, key=_when(run), default=None)
        latency = None
        if last is not None and run.latency_clock:
            # read_at counts from playback start, emitted_at on the stream's clock.
            true_end = group[-1]["end"] + (0.0 if run.latency_clock == "read_at" else run.offset)
            latency = _when(run)(last) - true_end
        group[-1]["latency"] = latency
        ends = [by_id[i].speech_end for i in ids]
        group[-1]["vad_lag"] = max(ends) - (group[-1]["end"] + run.offset) if ends else None
        hyp = " ".join(by_id[i].text for i in ids)
        for row in group:
            row["group"] = group[0]["index"]
            row["group_hyp"] = hyp
    return {"rows": rows, "groups": groups}


def calibrate_offset(turns, run: Run) -> float:
    """Where the file's first sample lies in the listener's audio, in seconds.

    The capture started before playback, by an amount no clock here knows exactly. The
    voice activity detector finds the end of speech within a few hundredths of a second
    in a replay, so the median distance from each utterance's speech end to the nearest
    true turn end is the offset (the search starts from the events' own timing).
    """
    ended = [e for e in run.events if e["type"] == "utterance_ended" and e["text"]]
    if not ended:
        return 0.0
    # First guess: the listener's clock began about when its events were first read.
    rough = statistics.median(e["emitted_at"] - e["read_at"] for e in run.events)
    ends = [t.end for t in turns]
    deltas = [
        e["speech_end"] - rough - min(ends, key=lambda end: abs(e["speech_end"] - rough - end))
        for e in ended
    ]
    return rough + statistics.median(deltas)


def _when(run: Run):
    key = "read_at" if run.latency_clock == "read_at" else "emitted_at"
    return lambda event: event[key]


def summarise(scored: dict[str, Any], offline: dict[int, str], run: Run) -> dict[str, Any]:
    rows, groups = scored["rows"], scored["groups"]
    summary: dict[str, Any] = {}
    for lang in (*LANGS, "all"):
        mine = [r for r in rows if lang in ("all", r["lang"])]
        pure = [g for g in groups if lang == "all" or all(r["lang"] == lang for r in g)]
        pure_rows = [r for g in pure for r in g]
        latencies = [g[-1]["latency"] for g in pure if g[-1].get("latency") is not None]
        lags = [g[-1]["vad_lag"] for g in pure if g[-1].get("vad_lag") is not None]
        summary[lang] = {
            "turns": len(mine),
            "right_lang": sum(r["right_lang"] for r in mine),
            "final_lang_right": sum(r["final_langs"] == [r["lang"]] for r in mine),
            "missed": sum(not r["utterances"] for r in mine),
            "merged": sum(len(g) > 1 for g in groups for r in g if r in mine),
            "wer": word_error_rate(
                [" ".join(r["text"] for r in g) for g in pure], [g[0]["group_hyp"] for g in pure]
            ),
            "wer_offline": word_error_rate(
                [r["text"] for r in pure_rows], [offline.get(r["index"], "") for r in pure_rows]
            ),
            "wer_turns": len(pure_rows),
            "loop_turns": sum(r["loops"] > 0 for r in mine),
            "revised": sum(r["revised"] for r in mine),
            "latency_p50": percentile(latencies, 50),
            "latency_p95": percentile(latencies, 95),
            "latency_max": max(latencies) if latencies else float("nan"),
            "vad_lag_p50": percentile(lags, 50),
        }
    summary["all"]["revised"] = sum(e["type"] == "revised" for e in run.events)
    return summary


def run_offline(model_path: Path, threads: int, clips) -> tuple[dict[int, str], float]:
    """Plain faster-whisper on each turn cut at its true bounds, told the language; the
    texts, and the CPU seconds transcribing took."""
    from faster_whisper import WhisperModel

    from interpreter.audio.replay import decode_file

    model = WhisperModel(str(model_path), device="cpu", compute_type="int8", cpu_threads=threads)
    texts = {}
    cpu = 0.0
    audio_by_path: dict[Path, Any] = {}
    for path, turn in clips:
        if path not in audio_by_path:
            audio_by_path[path] = decode_file(path)
        audio = audio_by_path[path]
        end = turn.end + OFFLINE_TAIL_SECONDS
        started = time.process_time()
        parts, _ = model.transcribe(
            audio[int(turn.start * 16000) : int(end * 16000)], language=turn.lang
        )
        texts[turn.index] = " ".join(p.text.strip() for p in parts)
        cpu += time.process_time() - started
    return texts, cpu


def run_clips(engine, turns_alone) -> tuple[Run, dict[str, Any]]:
    """Every turn alone through the deterministic replay; all events, and the turns scored."""
    events: list[dict[str, Any]] = []
    scored: dict[str, Any] = {"rows": [], "groups": []}
    wall = 0.0
    for alone in turns_alone:
        run = run_fast(engine, alone.path)
        wall += run.wall_seconds
        events += run.events
        for key, values in score(alone.turns, run).items():
            scored[key] += values
    return Run("clips", events, wall), scored


# -- report -------------------------------------------------------------------------


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.3f}"
    return str(value)


def print_table(summaries: dict[str, dict[str, Any]], runs: dict[str, Run]) -> None:
    measures = [
        ("turns", "turns"),
        ("right_lang", "committed in the right language"),
        ("final_lang_right", "final language right"),
        ("missed", "turns with no text"),
        ("merged", "turns sharing an utterance"),
        ("wer", "WER streaming"),
        ("wer_offline", "WER offline (same turns)"),
        ("wer_turns", "turns in the WER"),
        ("loop_turns", "turns with a committed loop"),
        ("revised", "revised events"),
        ("latency_p50", "latency p50 (s)"),
        ("latency_p95", "latency p95 (s)"),
        ("latency_max", "latency max (s)"),
        ("vad_lag_p50", "VAD speech end - true end p50"),
    ]
    columns = [(name, lang) for name in summaries for lang in (*LANGS, "all")]
    print(f"\n{'':32}" + "".join(f"{f'{n}:{lang}':>14}" for n, lang in columns))
    for key, label in measures:
        if key.startswith("latency") and not any(runs[n].latency_clock for n in summaries):
            continue
        cells = []
        for name, lang in columns:
            value = summaries[name][lang][key]
            if key.startswith("latency") and not runs[name].latency_clock:
                value = "-"
            cells.append(f"{fmt(value):>14}")
        print(f"{label:32}" + "".join(cells))
    for name, run in runs.items():
        for note in run.notes:
            print(f"{name}: {note}")
        print(f"{name}: {run.wall_seconds:.1f} s wall")
        figures = summaries[name]["all"]
        if "offline_cpu_seconds" in figures:
            streaming, offline = figures["cpu_seconds"], figures["offline_cpu_seconds"]
            print(
                f"{name}: recognition {streaming:.1f} CPU s, offline on the same turns "
                f"{offline:.1f} CPU s ({streaming / offline:.2f}x)"
            )


def print_problems(name: str, scored: dict[str, Any], offline: dict[int, str]) -> None:
    print(f"\n{name}: turns in the wrong language, with a loop or without text")
    for row in scored["rows"]:
        if row["right_lang"] and not row["loops"]:
            continue
        what = "no text" if not row["utterances"] else f"committed {row['committed_langs']}"
        if row["loops"]:
            what += f", {row['loops']} loop(s)"
        print(
            f"  {row['index']:2} {row['side']:6} {row['lang']} {row['voice']:22} {what}\n"
            f"       ref: {row['text'][:90]}\n"
            f"       hyp: {row['hyp'][:90]}\n"
            f"       off: {offline.get(row['index'], '')[:90]}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mode", choices=("fast", "asap", "realtime", "mic", "all"), default="fast"
    )
    parser.add_argument("--turns", type=int, help="only the first N turns")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clips", action="store_true", help="also run every turn alone")
    parser.add_argument("--seed", type=int, help="seed for the gaps between turns")
    parser.add_argument(
        "--lead-in",
        type=float,
        default=0.0,
        help="fast mode: seconds of silence before the dialogue; the same speech then "
        "meets the 32 ms VAD frames and the replay's 0.1 s blocks at another phase",
    )
    parser.add_argument("--json", type=Path, help="also write the figures and rows as JSON")
    parser.add_argument("--server", help="inference server URL, or 'start' to run one here")
    parser.add_argument(
        "--final-beam-size", type=int, help="beam of the committing decodes (default: the engine's)"
    )
    parser.add_argument("--server-model", default="whisper-base", help="model name on it")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import dialogue

    seed = dialogue.DEFAULT_SEED if args.seed is None else args.seed
    material = dialogue.build_dialogue(args.turns, seed)
    turns = material.turns
    print(
        f"dialogue: {len(turns)} turns ({sum(t.lang == 'fi' for t in turns)} fi, "
        f"{sum(t.lang == 'en' for t in turns)} en), {material.duration:.1f} s, seed {seed}"
    )
    modes = ["fast", "realtime", "mic"] if args.mode == "all" else [args.mode]
    engine = load_engine(args.threads, args.final_beam_size)
    server_process = None
    if args.server:
        engine, server_process = remote_engine(engine, args.server, args.server_model)
    runs: dict[str, Run] = {}
    scored: dict[str, dict[str, Any]] = {}
    alone = dialogue.turn_clips(args.turns) if args.clips else []
    with tempfile.TemporaryDirectory(prefix="dialogue-") as tmp:
        for mode in modes:
            print(f"running {mode} ...", flush=True)
            if mode == "fast":
                runs[mode] = run_fast(engine, material.path, args.lead_in)
            elif mode in ("realtime", "asap"):
                speed = 1.0 if mode == "realtime" else 0.0
                runs[mode] = run_session(engine, material.path, args.threads, speed)
            else:
                runs[mode] = run = run_mic(
                    material.path, material.duration, args.threads, Path(tmp)
                )
                run.offset = calibrate_offset(turns, run)
                run.notes.append(f"playback started at {run.offset:.2f} s of the captured audio")
        if alone:
            print("running clips ...", flush=True)
            runs["clips"], scored["clips"] = run_clips(engine, alone)
    if server_process is not None:
        server_process.stop()
    print("running offline ...", flush=True)
    offline, offline_cpu = run_offline(
        engine.model_path, args.threads, [(material.path, t) for t in turns]
    )
    clip_turns = [(a.path, a.turns[0]) for a in alone]
    offline_alone: dict[int, str] = {}
    if alone:
        offline_alone, _ = run_offline(engine.model_path, args.threads, clip_turns)
    summaries = {}
    for name, run in runs.items():
        if name != "clips":
            scored[name] = score(turns, run)
        summaries[name] = summarise(
            scored[name], offline_alone if name == "clips" else offline, run
        )
        if name != "clips" and run.cpu_seconds is not None:
            summaries[name]["all"]["cpu_seconds"] = run.cpu_seconds
            summaries[name]["all"]["offline_cpu_seconds"] = offline_cpu
    print_table(summaries, runs)
    for name in runs:
        print_problems(name, scored[name], offline_alone if name == "clips" else offline)
    if args.json:
        payload = {
            "turns": len(turns),
            "seed": seed,
            "duration": material.duration,
            "threads": args.threads,
            "summaries": summaries,
            "rows": {name: s["rows"] for name, s in scored.items()},
            "events": {name: run.events for name, run in runs.items()},
            "offline": offline,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
