"""A working day without drift: memory, threads, open files, queue depth and latency
over many hours of conversation.

The desk dialogue (five visits, Finnish staff and English-speaking clients, about 5 min;
``tests/dialogue.py``) is replayed again and again through the full pipeline with
translation, one replay per client, with "next client" between them as the desk does it:
the session is closed, the translation caches are wiped and a new session opens on the
same loaded models. The first and last ``--realtime-clients`` clients replay at real
time, so their end of speech -> committed and -> final translation latencies are what a
desk would feel; the clients between them replay fast (``--speed``, 0 = as fast as the
core goes), so hours of conversation take less wall time.

After every ``--slice-minutes`` of conversation it prints the process's RSS, thread
count, open files, Python object count, the deepest the event queue got, and the wall
time the slice took per audio second; at the end, the start/end latencies and the
issue's goals (RSS growth after the first hour <= 5 %, threads and files flat, latency
at the end within 10 % of the start).

``--desk`` runs the same day through the desk window (Qt offscreen), pressing next
client through the controller: the window's conversation, bubbles and the bridge are
part of the measurement.

Translation uses the tiny trained Marian models of the tests (fast) or, with
``--stand-in``, the opus-mt-size random-weight model of dialogue_translation.py.

Usage: python benchmarks/soak.py --hours 8 [--slice-minutes 60] [--speed 0] [--plot soak.png]
       [--realtime-clients 1] [--budget-minutes M] [--threads 2] [--desk] [--json out.json]
       python benchmarks/soak.py --from-json out.json --plot soak.png
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import queue
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.append(str(REPO / "benchmarks"))

DIALOGUE_TURNS = 66  # the whole script: five visits, about 5 min


@dataclass
class Slice:
    """One stretch of the day, measured at its end."""

    audio_hours: float
    clients: int
    wall_seconds: float
    wall_per_audio_second: float
    rss_mb: float
    threads: int
    open_files: int
    python_objects: int
    max_queue_depth: int
    utterances: int
    translations: int


@dataclass
class ClientRun:
    """What one client's conversation gave."""

    audio_seconds: float
    realtime: bool
    commit_latencies: list[float] = field(default_factory=list)
    translation_latencies: list[float] = field(default_factory=list)
    utterances: int = 0
    translations: int = 0
    max_queue_depth: int = 0
    wall_seconds: float = 0.0


def open_file_count(process: Any) -> int:
    """Open descriptors (Linux/macOS) or open files (Windows) of this process."""
    if hasattr(process, "num_fds"):
        return process.num_fds()
    return len(process.open_files())


def measure(process: Any) -> dict[str, float]:
    gc.collect()
    return {
        "rss_mb": process.memory_info().rss / 2**20,
        "threads": process.num_threads(),
        "open_files": open_file_count(process),
        "python_objects": len(gc.get_objects()),
    }


def latencies_from(events: list[Any], run: ClientRun) -> None:
    """End of speech -> last committed word, and -> final translation, per utterance."""
    from interpreter.events import CommittedText, TranslationEvent, UtteranceEnded

    committed: dict[int, float] = {}
    for event in events:
        if isinstance(event, CommittedText) and event.text:
            committed[event.utterance_id] = event.emitted_at - event.speech_end
        elif isinstance(event, UtteranceEnded) and event.text:
            run.utterances += 1
        elif isinstance(event, TranslationEvent) and event.final:
            run.translations += 1
            if run.realtime:
                run.translation_latencies.append(event.emitted_at - event.speech_end)
    if run.realtime:
        run.commit_latencies += list(committed.values())


def load_models(args: argparse.Namespace) -> tuple[Any, dict, dict[str, Any]]:
    """Whisper base and both translation directions, loaded once for the whole day."""
    from interpreter.session import load_engine
    from interpreter.translate.loader import build_engine

    engine = load_engine("base", threads=args.threads, compute_device="cpu")
    if args.stand_in:
        from dialogue_translation import stand_in_engines, stand_in_model

        engines = stand_in_engines(stand_in_model(), args.threads, 1.2)
        folders = {}
    else:
        from trained_marian import cached_model

        folders = {("fi", "en"): cached_model("fi-en"), ("en", "fi"): cached_model("en-fi")}
        engines = {
            direction: build_engine(*direction, model_folder=folder, threads=args.threads)
            for direction, folder in folders.items()
        }
    return engine, engines, folders


def dialogue_file() -> tuple[Path, float]:
    import dialogue

    built = dialogue.build_dialogue(DIALOGUE_TURNS)
    return built.path, built.duration


def run_core_client(engine, engines, wav: Path, duration: float, speed: float, threads: int):
    """One client: a new session on the loaded models, the dialogue replayed once."""
    from interpreter.session import ListenSettings, build_listening_session

    run = ClientRun(duration, realtime=speed == 1.0)
    events: queue.Queue = queue.Queue()
    received: list[Any] = []

    def consume() -> None:  # the desk's UI thread, drained as fast as events come
        while (event := events.get()) is not None:
            run.max_queue_depth = max(run.max_queue_depth, events.qsize() + 1)
            received.append(event)

    consumer = threading.Thread(target=consume, name="soak-consumer")
    consumer.start()
    settings = ListenSettings(pair="fi-en", replay=wav, speed=speed, threads=threads)
    session = build_listening_session(
        settings, on_event=events.put, engine=engine, translation_engines=engines
    )
    session.start()
    session.wait_and_close()
    events.put(None)
    consumer.join()
    for translation in engines.values():  # next client: nothing of this one is kept
        translation.cache.clear()
    latencies_from(received, run)
    return run


class DeskDay:
    """The same day through the desk window, offscreen; next client via the controller."""

    def __init__(self, folders: dict, wav: Path, threads: int, settings_dir: Path) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from ui.app import build_desk
        from ui.settings import DeskSettings

        self.app = QApplication.instance() or QApplication([])
        settings = DeskSettings(
            QSettings(str(settings_dir / "desk.ini"), QSettings.Format.IniFormat)
        )
        self.options = {
            "asr_model": "base",
            "mt_models": folders,
            "replay": wav,
            "threads": threads,
            "compute_device": "cpu",
        }
        self.desk = build_desk(settings, base_options=self.options)
        self.desk.show()
        self.events: list[Any] = []
        self.desk.controller.bridge.eventReceived.connect(
            lambda token, event: self.events.append(event)
        )

    def run_client(self, duration: float, speed: float, first: bool) -> ClientRun:
        from PySide6.QtCore import QEventLoop, QTimer

        run = ClientRun(duration, realtime=speed == 1.0)
        # The replay's pace for the next session (a desk's sessions differ only in device).
        self.desk.controller.worker._base["speed"] = speed
        self.events = []
        if first:
            self.desk.controller.start()
        else:
            self.desk.controller.next_client()
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(200)
        timer.timeout.connect(lambda: self._finished() and loop.quit())
        timer.start()
        loop.exec()
        timer.stop()
        latencies_from(self.events, run)
        return run

    def _finished(self) -> bool:
        controller = self.desk.controller
        session = controller.session
        if session is None or not session.pipeline.finished:
            return False
        utterances = controller.conversation.ordered()
        # Every utterance has ended and has its final translation (or none is coming).
        return bool(utterances) and all(
            u.ended and (u.translation_final or (u.translation_lang is None and u.flagged))
            for u in utterances
        )

    def close(self) -> None:
        self.desk.controller.shutdown()
        self.desk.staff.close()
        self.desk.client.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def print_slice(item: Slice, first: bool) -> None:
    if first:
        print(
            f"{'hours':>6} {'clients':>7} {'wall s':>7} {'s/audio s':>9} {'RSS MB':>7} "
            f"{'threads':>7} {'files':>5} {'objects':>8} {'queue':>5} {'utts':>5} {'transl':>6}"
        )
    print(
        f"{item.audio_hours:6.2f} {item.clients:7d} {item.wall_seconds:7.0f} "
        f"{item.wall_per_audio_second:9.3f} {item.rss_mb:7.1f} {item.threads:7d} "
        f"{item.open_files:5d} {item.python_objects:8d} {item.max_queue_depth:5d} "
        f"{item.utterances:5d} {item.translations:6d}",
        flush=True,
    )


def summarise(slices: list[Slice], start: list[ClientRun], end: list[ClientRun]) -> dict:
    def latency(runs: list[ClientRun], key: str) -> dict[str, float]:
        values = [v for run in runs for v in getattr(run, key)]
        return {
            "median": statistics.median(values) if values else float("nan"),
            "p90": percentile(values, 90),
            "n": len(values),
        }

    after_first_hour = [s for s in slices if s.audio_hours >= 1.0] or slices
    base = after_first_hour[0]
    summary = {
        "rss_growth_after_first_hour": max(s.rss_mb for s in after_first_hour) / base.rss_mb - 1,
        "threads": sorted({s.threads for s in slices}),
        "open_files": sorted({s.open_files for s in slices}),
        "commit_latency_start": latency(start, "commit_latencies"),
        "commit_latency_end": latency(end, "commit_latencies"),
        "translation_latency_start": latency(start, "translation_latencies"),
        "translation_latency_end": latency(end, "translation_latencies"),
    }
    return summary


def print_summary(summary: dict) -> None:
    growth = summary["rss_growth_after_first_hour"]
    print(f"\nRSS growth after the first hour: {growth:+.1%} (goal <= 5 %)")
    print(f"threads seen: {summary['threads']}, open files seen: {summary['open_files']}")
    for what in ("commit", "translation"):
        start, end = summary[f"{what}_latency_start"], summary[f"{what}_latency_end"]
        change = end["median"] / start["median"] - 1 if start["median"] else float("nan")
        print(
            f"end of speech -> {what}: start median {start['median']:.2f} s "
            f"(p90 {start['p90']:.2f}, n={start['n']}), end median {end['median']:.2f} s "
            f"(p90 {end['p90']:.2f}, n={end['n']}): {change:+.1%} (goal within 10 %)"
        )


def plot(slices: list[Slice], path: Path) -> None:
    """RSS, threads and open files, and the wall time per audio second, over the day."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hours = [s.audio_hours for s in slices]
    figure, (memory, counts, pace) = plt.subplots(3, 1, figsize=(7, 6.5), sharex=True)
    memory.plot(hours, [s.rss_mb for s in slices], marker="o")
    memory.set_ylabel("RSS (MB)")
    memory.set_ylim(bottom=0)
    counts.plot(hours, [s.threads for s in slices], marker="o", label="threads")
    counts.plot(hours, [s.open_files for s in slices], marker="s", label="open files")
    counts.set_ylim(bottom=0)
    counts.legend()
    pace.plot(hours, [s.wall_per_audio_second for s in slices], marker="o")
    pace.set_ylabel("wall s per audio s")
    pace.set_ylim(bottom=0)
    pace.set_xlabel("hours of conversation")
    figure.suptitle("Soak: the desk dialogue looped, next client every replay")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=8.0, help="conversation to replay")
    parser.add_argument("--slice-minutes", type=float, default=60.0, help="report interval")
    parser.add_argument("--speed", type=float, default=0.0, help="fast replay pace (0: max)")
    parser.add_argument("--realtime-clients", type=int, default=1, help="at start and end")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--desk", action="store_true", help="through the desk window")
    parser.add_argument("--stand-in", action="store_true", help="opus-mt-size translation")
    parser.add_argument(
        "--budget-minutes",
        type=float,
        help="wall-time budget: when the fast middle would overrun it, go on to the last "
        "real-time clients (a shorter day, reported as such)",
    )
    parser.add_argument("--json", type=Path, help="write slices and summary here")
    parser.add_argument("--plot", type=Path, help="draw RSS, threads, files and pace (PNG)")
    parser.add_argument("--from-json", type=Path, help="only print and plot an earlier run")
    args = parser.parse_args()

    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        slices = [Slice(**item) for item in saved["slices"]]
        for number, item in enumerate(slices):
            print_slice(item, number == 0)
        print_summary(saved["summary"])
        if args.plot:
            plot(slices, args.plot)
        return 0

    import tempfile

    import psutil

    process = psutil.Process()
    wav, duration = dialogue_file()
    clients = max(2 * args.realtime_clients + 1, round(args.hours * 3600 / duration))
    print(
        f"{clients} clients of {duration / 60:.1f} min ({clients * duration / 3600:.2f} h), "
        f"{args.realtime_clients} at real time at each end, the rest at speed {args.speed:g}; "
        f"{'desk window' if args.desk else 'core'}, {args.threads} threads",
        flush=True,
    )
    engine, engines, folders = load_models(args)
    desk = None
    if args.desk:
        if args.stand_in:
            parser.error("--desk loads its models itself: use the trained models")
        desk = DeskDay(folders, wav, args.threads, Path(tempfile.mkdtemp(prefix="soak-desk-")))
    slices: list[Slice] = []
    runs: list[ClientRun] = []
    slice_runs: list[ClientRun] = []
    slice_started = time.perf_counter()
    next_report = args.slice_minutes * 60
    audio = 0.0
    day_started = time.perf_counter()
    index = 0
    while index < clients:
        realtime = index < args.realtime_clients or index >= clients - args.realtime_clients
        if not realtime and args.budget_minutes and runs:
            # Leave time for the last real-time clients: one client's audio each, plus
            # the slowest fast client so far for the one about to start.
            slowest = max((r.wall_seconds for r in runs if not r.realtime), default=0.0)
            needed = args.realtime_clients * duration * 1.2 + slowest
            if time.perf_counter() - day_started + needed > args.budget_minutes * 60:
                print(f"budget: the fast middle stops after {index} clients", flush=True)
                clients = index + args.realtime_clients
                continue
        speed = 1.0 if realtime else args.speed
        client_started = time.perf_counter()
        if desk is not None:
            run = desk.run_client(duration, speed, first=index == 0)
        else:
            run = run_core_client(engine, engines, wav, duration, speed, args.threads)
        run.wall_seconds = time.perf_counter() - client_started
        runs.append(run)
        slice_runs.append(run)
        audio += duration
        if audio >= next_report or index == clients - 1:
            wall = time.perf_counter() - slice_started
            item = Slice(
                audio_hours=audio / 3600,
                clients=index + 1,
                wall_seconds=wall,
                wall_per_audio_second=wall / sum(r.audio_seconds for r in slice_runs),
                max_queue_depth=max(r.max_queue_depth for r in slice_runs),
                utterances=sum(r.utterances for r in slice_runs),
                translations=sum(r.translations for r in slice_runs),
                **measure(process),
            )
            print_slice(item, not slices)
            slices.append(item)
            slice_runs = []
            slice_started = time.perf_counter()
            next_report += args.slice_minutes * 60
        index += 1
    if desk is not None:
        desk.close()
    summary = summarise(
        slices, runs[: args.realtime_clients], runs[clients - args.realtime_clients :]
    )
    print_summary(summary)
    if args.plot:
        plot(slices, args.plot)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "args": vars(args) | {"json": str(args.json)},
                    "slices": [asdict(s) for s in slices],
                    "summary": summary,
                },
                indent=1,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
