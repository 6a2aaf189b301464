"""Compare the per-turn latency of two sets of dialogue runs (``dialogue.py --json``).

One real-time run of the dialogue is a noisy measure of a change: a turn's latency moves
by 0.1 s or more from run to run when a decode in a pause starts a moment earlier or
later, and a run's median by 0.01 to 0.03 s. This takes several runs of each version (run
them alternately, on a quiet machine), averages each turn over its runs and compares turn
by turn: the median of the per-turn means, the median per-turn difference, how much a
turn varies within each set, and the turns that moved most.

Usage: python benchmarks/latency_compare.py --before a1.json a2.json --after b1.json b2.json
       [--mode realtime] [--show 6]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path


def turn_latencies(path: Path, mode: str) -> dict[int, float]:
    """Turn index -> end of speech to committed latency, for the turns that have one."""
    try:
        rows = json.loads(path.read_text())["rows"][mode]
    except (OSError, ValueError, KeyError) as exc:
        raise SystemExit(f"{path}: no '{mode}' rows of a dialogue run ({exc}).") from exc
    return {row["index"]: row["latency"] for row in rows if row.get("latency") is not None}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def describe(name: str, runs: list[dict[int, float]], turns: list[int]) -> dict[int, float]:
    """Print each run's p50 / p95 and the set's per-turn spread; return per-turn means."""
    for number, run in enumerate(runs, 1):
        values = list(run.values())
        print(
            f"{name} run {number}: {len(values)} turns, p50 {percentile(values, 50):.3f} s, "
            f"p95 {percentile(values, 95):.3f} s"
        )
    means = {turn: statistics.fmean(run[turn] for run in runs) for turn in turns}
    spread = [max(run[turn] for run in runs) - min(run[turn] for run in runs) for turn in turns]
    print(
        f"{name}: median of per-turn means {statistics.median(means.values()):.3f} s, "
        f"a turn's range over the runs (median) {statistics.median(spread):.3f} s"
    )
    return means


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, nargs="+", required=True)
    parser.add_argument("--after", type=Path, nargs="+", required=True)
    parser.add_argument("--mode", default="realtime", help="the run mode in the files")
    parser.add_argument("--show", type=int, default=6, help="turns that moved most, each way")
    args = parser.parse_args(argv)
    before = [turn_latencies(path, args.mode) for path in args.before]
    after = [turn_latencies(path, args.mode) for path in args.after]
    turns = sorted(set.intersection(*(set(run) for run in before + after)))
    if not turns:
        print("no turn has a latency in every run", file=sys.stderr)
        return 1
    print(f"{len(turns)} turns with a latency in every run")
    old = describe("before", before, turns)
    new = describe("after", after, turns)
    moved = sorted(turns, key=lambda turn: new[turn] - old[turn])
    difference = [new[turn] - old[turn] for turn in turns]
    print(f"per-turn difference after - before: median {statistics.median(difference):+.3f} s")
    shown = moved[: args.show] + moved[-args.show :] if len(moved) > 2 * args.show else moved
    for turn in shown:
        print(f"  turn {turn:3d}: {old[turn]:.3f} -> {new[turn]:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
