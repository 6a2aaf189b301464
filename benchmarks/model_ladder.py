"""Whisper tiny to large-v3-turbo on the CPU: encoder, decoder, memory and streaming cost.

Every catalog size is built at full size with random weights (``ladder_models.py``),
converted to CTranslate2 int8 once and cached (``--cache``, default ``.bench-cache/``).
Each size and thread count is then timed in a fresh process with
``ctranslate2.models.Whisper``, doing what streaming does (``interpreter/asr/
whisper_engine.py``):

* the encoder on 5, 10 and 30 s windows. Streaming encodes the audio plus 1 s, at least
  10 s and at most 30 s (``AsrOptions.min_window_seconds``); 30 s is faster-whisper's
  ``transcribe`` window; 5 s shows what a shorter minimum would save;
* the decoder on the encoded 10 s window, greedy and beam 5, producing exactly 8 and then
  32 tokens (end of text suppressed, checked), which gives its per-decode setup and its
  cost per token;
* the process's peak RSS (model loaded, 30 s encoded, beam-5 decode done).

Figures are the best of ``--runs`` runs after a warm-up, over ``--rounds`` rounds (the
medians are in the JSON): on a shared machine other work only ever adds time. The
process's CPU time is recorded too: on one thread it is what the work takes on a free
core. The timed features and the weights are random; only speed and memory mean anything.

From these figures and the streaming load measured on Whisper base, ``ladder_cost.py``
estimates each size's real-time factor at the default cadence, per thread count, both
from this run's timings and as base's measured real-time factor times the size's cost
relative to base (the figure that survives a busy machine). Thread counts this machine
lacks are Amdahl estimates from 1 and 2 threads, marked ``~``; beside them, the least
real-time factor perfect scaling could give, a bound that needs no bigger machine.

    .venv/bin/python benchmarks/model_ladder.py --threads 1,2 --rounds 2 --json out.json \\
        --streaming-json streaming.json   # from streaming_latency.py --json, to validate
    .venv/bin/python benchmarks/model_ladder.py --from-json out.json   # tables again
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ladder_cost import BASE_STREAMING, StreamingLoad  # noqa: E402
from ladder_figures import (  # noqa: E402
    BEAMS,
    LONG_TOKENS,
    SHORT_TOKENS,
    STREAMING_WINDOW,
    WINDOWS,
    add_relative,
    merge_rounds,
    print_tables,
    streaming_figures,
    validation,
)
from ladder_models import SIZES, ensure_model, model_megabytes  # noqa: E402

logger = logging.getLogger("model_ladder")


def timed(call: Any, runs: int) -> dict[str, float]:
    """Seconds of ``runs`` calls after one untimed warm-up call: the median and best wall
    time, and the least CPU time of the process (all its threads)."""
    call()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"median": statistics.median(walls), "best": min(walls), "cpu": min(cpus)}


def special_ids(model_dir: Path) -> dict[str, int]:
    added = json.loads((model_dir / "tokenizer.json").read_text("utf-8"))["added_tokens"]
    return {token["content"]: token["id"] for token in added}


def measure(model_dir: Path, threads: int, runs: int) -> dict[str, Any]:
    """Time one model on ``threads`` threads; runs in its own process."""
    import ctranslate2
    import numpy as np

    result: dict[str, Any] = {"threads": threads}
    started = time.perf_counter()
    model = ctranslate2.models.Whisper(
        str(model_dir), device="cpu", compute_type="int8", intra_threads=threads
    )
    result["load_s"] = time.perf_counter() - started
    result["rss_loaded_mb"] = peak_rss_mb()
    rng = np.random.default_rng(0)

    def features(seconds: int):
        frames = seconds * 100  # Whisper's mel hop is 10 ms
        values = rng.standard_normal((1, model.n_mels, frames), dtype=np.float32)
        return ctranslate2.StorageView.from_array(values)

    result["encoder_s"] = {}
    for window in WINDOWS:
        window_features = features(window)
        result["encoder_s"][str(window)] = timed(lambda f=window_features: model.encode(f), runs)
    encoded = model.encode(features(STREAMING_WINDOW))
    ids = special_ids(model_dir)
    prompt = [ids[t] for t in ("<|startoftranscript|>", "<|fi|>", "<|transcribe|>")]
    prompt.append(ids["<|notimestamps|>"])

    def decode(beam: int, tokens: int) -> None:
        # CTranslate2 produces at most max_length / 2 tokens after the prompt.
        out = model.generate(
            encoded,
            [prompt],
            beam_size=beam,
            max_length=2 * tokens,
            suppress_tokens=[-1, ids["<|endoftext|>"]],
            suppress_blank=False,
        )[0]
        produced = len(out.sequences_ids[0])
        if produced != tokens:
            raise RuntimeError(f"{model_dir.name}: beam {beam} produced {produced} of {tokens}")

    result["decoder_s"] = {
        f"beam{beam}_{tokens}": timed(lambda b=beam, n=tokens: decode(b, n), runs)
        for beam in BEAMS
        for tokens in (SHORT_TOKENS, LONG_TOKENS)
    }
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(model_dir: Path, threads: int, runs: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", str(model_dir)]
    command += ["--threads", str(threads), "--runs", str(runs)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"timing {model_dir.name} on {threads} threads failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated sizes")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure")
    parser.add_argument(
        "--rounds", type=int, default=1, help="time every size this many times, keep the best"
    )
    parser.add_argument("--cache", type=Path, default=REPO / ".bench-cache")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--streaming-json",
        type=Path,
        help="streaming_latency.py --json output to check the estimate for base against, "
        "besides the figures in docs/benchmarks.md",
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        help="print the tables of an earlier --json run, measuring nothing",
    )
    parser.add_argument(
        "--tokens-per-decode", type=float, default=StreamingLoad().tokens_per_decode
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, int(args.threads), args.runs)))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    unknown = [s for s in args.sizes.split(",") if s not in SIZES]
    if unknown:
        raise SystemExit(f"Unknown sizes {unknown}; known: {', '.join(SIZES)}")
    threads = [int(t) for t in args.threads.split(",")]
    references = [(BASE_STREAMING, "docs/benchmarks.md, 2026-12-01")]
    if args.streaming_json:
        summary = json.loads(args.streaming_json.read_text("utf-8"))["summary"]
        references.append((summary, str(args.streaming_json)))
    load = StreamingLoad(tokens_per_decode=args.tokens_per_decode, window_seconds=STREAMING_WINDOW)
    if args.from_json:
        results = json.loads(args.from_json.read_text("utf-8"))
        threads = sorted({int(t) for e in results["sizes"].values() for t in e["measured"]})
    else:
        results = measure_all(args, threads)
    results["load"] = asdict(load)
    for entry in results["sizes"].values():
        entry["streaming"] = streaming_figures(entry["measured"], load)
    add_relative(results, load)
    checks = [validation(results, summary, source, load) for summary, source in references]
    results["validation"] = [check for check in checks if check]
    print_tables(results, threads)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def measure_all(args: argparse.Namespace, threads: list[int]) -> dict[str, Any]:
    """Build what is missing, then time every size on every thread count in a worker."""
    folders = {}
    for name in args.sizes.split(","):
        logger.info("model %s ...", name)
        folders[name] = ensure_model(SIZES[name], args.cache)
    results: dict[str, Any] = {"cpu_count": os.cpu_count(), "sizes": {}}
    rounds: dict[str, dict[str, list]] = {n: {str(t): [] for t in threads} for n in folders}
    # Rounds go through all sizes in turn, so a busy spell of the machine hits one round
    # of each size rather than every round of one.
    for round_number in range(1, args.rounds + 1):
        for name, folder in folders.items():
            for t in threads:
                logger.info("round %d: timing %s on %d thread(s) ...", round_number, name, t)
                rounds[name][str(t)].append(run_worker(folder, t, args.runs))
    for name, folder in folders.items():
        measured = {t: merge_rounds(r) for t, r in rounds[name].items()}
        results["sizes"][name] = {"int8_mb": model_megabytes(folder), "measured": measured}
    return results


if __name__ == "__main__":
    raise SystemExit(main())
