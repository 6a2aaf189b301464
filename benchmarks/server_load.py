"""N simulated desks against one inference server: where it saturates, and that nothing is lost.

Starts faster-whisper-server (its own environment, as the tests build it) on 127.0.0.1
serving Whisper base, unless ``--server URL`` names a running one. For each desk count,
that many desks replay the desk dialogue (``tests/dialogue.py``) at real time, each through
the session code (``build_listening_session``) with the server entry, starting a little
apart so they do not speak in lockstep. All desks share one local Whisper engine for their
fallback (one process on this machine; on real desks each PC has its own).

Prints per desk count: utterances, end of speech -> committed p50/p95 (``emitted_at`` of an
utterance's last committed event minus its ``speech_end``), server requests per second,
failed requests, requests answered locally (fallback), and turns left without text.

Usage: python benchmarks/server_load.py [--desks 4,8,16] [--turns 12] [--deadline 6]
       [--server URL --model NAME] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

#: Seconds between desks starting their replay.
STAGGER_SECONDS = 0.7


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_desk(index: int, engine, material, server, results: list[dict[str, Any]]) -> None:
    """One desk: replay the dialogue through its own session and server connection."""
    from interpreter.events import CommittedText, UtteranceEnded
    from interpreter.session import ListenSettings, build_listening_session

    time.sleep(index * STAGGER_SECONDS)  # desks start apart, as people do
    settings = ListenSettings(
        pair="fi-en", replay=material.path, speed=1.0, translate=False, server=server
    )
    session = build_listening_session(settings, on_notice=lambda text: None, engine=engine)
    remote = session.server
    session.pipeline.start()
    assert session.pipeline.events is not None
    last_commit: dict[int, Any] = {}
    ended: list[Any] = []
    for event in session.pipeline.events:
        if isinstance(event, CommittedText):
            last_commit[event.utterance_id] = event
        elif isinstance(event, UtteranceEnded) and event.text:
            ended.append(event)
    session.wait_and_close(60)
    latencies = [
        last_commit[e.utterance_id].emitted_at - last_commit[e.utterance_id].speech_end
        for e in ended
        if e.utterance_id in last_commit
    ]
    missing = sum(
        not any(u.audio_start <= t.end and u.audio_end >= t.start for u in ended)
        for t in material.turns
    )
    whisper = session.engine.remote  # the desk's RemoteWhisper
    results.append(
        {
            "desk": index,
            "utterances": len(ended),
            "latencies": latencies,
            "requests": whisper.requests,
            "failed": whisper.failures,
            "fallbacks": remote.health.fallbacks,
            "missing_turns": missing,
            "local_utterances": sum(e.asr_backend == "local" for e in ended),
        }
    )


def run_load(desks: int, engine, material, server) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=run_desk, args=(i, engine, material, server, results))
        for i in range(desks)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies = [x for r in results for x in r["latencies"]]
    requests = sum(r["requests"] for r in results)
    return {
        "desks": desks,
        "utterances": sum(r["utterances"] for r in results),
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "requests_per_second": requests / wall,
        "failed": sum(r["failed"] for r in results),
        "fallbacks": sum(r["fallbacks"] for r in results),
        "local_utterances": sum(r["local_utterances"] for r in results),
        "missing_turns": sum(r["missing_turns"] for r in results),
        "turns": desks * len(material.turns),
        "wall_seconds": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", default="4,8,16", help="desk counts, comma-separated")
    parser.add_argument("--turns", type=int, default=12, help="dialogue turns per desk")
    parser.add_argument("--deadline", type=float, default=6.0, help="seconds per request")
    parser.add_argument("--server", help="URL of a running server (default: start one)")
    parser.add_argument("--model", default="whisper-base", help="model name on the server")
    parser.add_argument("--threads", type=int, default=2, help="local Whisper threads")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    import dialogue
    from inference_servers import start_faster_whisper_server

    from interpreter.server.config import ServerConfig
    from interpreter.session import load_engine

    material = dialogue.build_dialogue(args.turns)
    engine = load_engine("base", threads=args.threads)
    print(f"dialogue: {len(material.turns)} turns, {material.duration:.1f} s per desk")
    with tempfile.TemporaryDirectory(prefix="server-load-") as tmp:
        running = None
        url = args.server
        if url is None:
            running = start_faster_whisper_server(engine.model_path, Path(tmp), args.model)
            url = running.url
        server = ServerConfig(
            url=url, enabled=True, asr_model=args.model, timeout_seconds=args.deadline
        )
        rows = []
        try:
            for desks in (int(n) for n in args.desks.split(",")):
                print(f"running {desks} desks ...", flush=True)
                rows.append(run_load(desks, engine, material, server))
        finally:
            if running is not None:
                running.stop()
    header = (
        f"{'desks':>5} {'utts':>5} {'p50 s':>6} {'p95 s':>6} {'req/s':>6} {'failed':>6} "
        f"{'local req':>9} {'local utts':>10} {'turns lost':>10}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['desks']:>5} {r['utterances']:>5} {r['p50']:>6.2f} {r['p95']:>6.2f} "
            f"{r['requests_per_second']:>6.2f} {r['failed']:>6} {r['fallbacks']:>9} "
            f"{r['local_utterances']:>10} {r['missing_turns']:>4} / {r['turns']:<4}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
