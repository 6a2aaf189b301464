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

Figures are the best of ``--runs`` runs after a warm-up (the medians are in the JSON): on
a shared machine other work only ever adds time. The timed features and the weights are
random; only speed and memory mean anything.

From these figures and the streaming load measured on Whisper base, ``ladder_cost.py``
estimates each size's real-time factor at the default cadence, per thread count; thread
counts this machine lacks are Amdahl estimates from 1 and 2 threads, marked ``~``.

    .venv/bin/python benchmarks/model_ladder.py --threads 1,2 --json out.json \\
        --streaming-json streaming.json   # from streaming_latency.py --json, to validate
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

from ladder_cost import (  # noqa: E402
    HEADROOM_RTF,
    ModelTiming,
    StreamingLoad,
    amdahl_seconds,
    decoder_line,
    seconds_per_decode,
    streaming_rtf,
)
from ladder_models import SIZES, ensure_model, model_megabytes  # noqa: E402

logger = logging.getLogger("model_ladder")

WINDOWS = (5, 10, 30)
STREAMING_WINDOW = 10
BEAMS = (1, 5)
STREAMING_BEAM = 5  # AsrOptions.beam_size and final_beam_size
SHORT_TOKENS, LONG_TOKENS = 8, 32
ESTIMATED_THREADS = (4, 8)
#: Measured figures of docs/benchmarks.md (2026-12-01 rerun), used without --streaming-json.
DOCUMENTED_STREAMING = {"decodes": 113, "audio_seconds": 88.1, "asr_rtf": 0.68, "threads": 2}


def timed(call: Any, runs: int) -> dict[str, float]:
    """Median and best seconds of ``runs`` calls after one untimed warm-up call."""
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return {"median": statistics.median(times), "best": min(times)}


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


def timing_of(measured: dict[str, Any], beam: int = STREAMING_BEAM) -> ModelTiming:
    """The cost model's inputs from one worker's figures (best runs)."""
    decoder = measured["decoder_s"]
    setup, per_token = decoder_line(
        SHORT_TOKENS,
        decoder[f"beam{beam}_{SHORT_TOKENS}"]["best"],
        LONG_TOKENS,
        decoder[f"beam{beam}_{LONG_TOKENS}"]["best"],
    )
    encoder = measured["encoder_s"][str(STREAMING_WINDOW)]["best"]
    return ModelTiming(encoder, setup, per_token)


def estimated_timing(one: ModelTiming, two: ModelTiming, threads: int) -> ModelTiming:
    """Each cost on ``threads`` threads by Amdahl's law from 1 and 2 threads (an estimate)."""

    def scale(a: float, b: float) -> float:
        return amdahl_seconds(a, b, threads) if a > 0 and b > 0 else b

    return ModelTiming(
        scale(one.encoder_seconds, two.encoder_seconds),
        scale(one.decoder_setup_seconds, two.decoder_setup_seconds),
        scale(one.decoder_token_seconds, two.decoder_token_seconds),
    )


def streaming_figures(
    per_threads: dict[int, dict[str, Any]], load: StreamingLoad
) -> dict[str, dict[str, Any]]:
    """Seconds per decode and real-time factor per thread count, measured or estimated."""
    timings = {t: (timing_of(m), False) for t, m in per_threads.items()}
    if 1 in per_threads and 2 in per_threads:
        for threads in ESTIMATED_THREADS:
            if threads not in timings:
                estimate = estimated_timing(timings[1][0], timings[2][0], threads)
                timings[threads] = (estimate, True)
    return {
        str(threads): {
            **asdict(timing),
            "estimated": estimated,
            "decode_s": seconds_per_decode(load, timing),
            "rtf": streaming_rtf(load, timing),
        }
        for threads, (timing, estimated) in sorted(timings.items())
    }


def print_tables(results: dict[str, Any], threads: list[int]) -> None:
    print("\nPer size and thread count (best of the timed runs; seconds unless marked)")
    print(
        f"{'model':15} {'int8 MB':>7} {'RSS MB':>7} {'thr':>3} {'load':>5} "
        f"{'enc 5s':>7} {'enc 10s':>7} {'enc 30s':>7} "
        f"{'b1 ms/tok':>9} {'b5 ms/tok':>9} {'b5 setup ms':>11}"
    )
    for name, entry in results["sizes"].items():
        for t in threads:
            m = entry["measured"][str(t)]
            enc = m["encoder_s"]
            greedy = timing_of(m, beam=1)
            beam5 = timing_of(m, beam=5)
            print(
                f"{name:15} {entry['int8_mb']:7.0f} {m['peak_rss_mb']:7.0f} {t:3d} "
                f"{m['load_s']:5.2f} {enc['5']['best']:7.3f} {enc['10']['best']:7.3f} "
                f"{enc['30']['best']:7.3f} {greedy.decoder_token_seconds * 1000:9.1f} "
                f"{beam5.decoder_token_seconds * 1000:9.1f} "
                f"{beam5.decoder_setup_seconds * 1000:11.0f}"
            )
    load = results["load"]
    print(
        f"\nStreaming estimate at the default cadence: {load['decodes_per_second']:.2f} "
        f"decodes per second of audio, each a {load['window_seconds']:.0f} s encode and "
        f"{load['tokens_per_decode']:.0f} beam-{STREAMING_BEAM} tokens. Threads are per "
        "decode: the engine's two workers each get half the cores. ~ marks Amdahl "
        f"estimates; * marks a real-time factor over {HEADROOM_RTF}."
    )
    columns = sorted({int(t) for e in results["sizes"].values() for t in e["streaming"]})
    header = " ".join(f"{f'{t} thr ({2 * t} cores)':>20}" for t in columns)
    print(f"{'model':15} {header}")
    for name, entry in results["sizes"].items():
        cells = []
        for t in columns:
            s = entry["streaming"].get(str(t))
            if s is None:
                cells.append(f"{'':>20}")
                continue
            mark = "~" if s["estimated"] else " "
            over = "*" if s["rtf"] > HEADROOM_RTF else " "
            cells.append(f"{mark}{s['decode_s']:6.2f} s/dec RTF{s['rtf']:5.2f}{over}".rjust(20))
        print(f"{name:15} {' '.join(cells)}")
    check = results.get("validation")
    if check:
        print(
            f"\nWhisper base, {check['threads_per_decode']} thread(s) per decode: estimated "
            f"RTF {check['estimated_rtf']:.2f}, measured by streaming_latency.py "
            f"{check['measured_rtf']:.2f} ({check['source']})"
        )
    missing = [t for t in (1, 2, 4, 8) if t not in threads and t > (os.cpu_count() or 1)]
    if missing:
        print(
            f"Measured on {os.cpu_count()} cores: {', '.join(map(str, missing))} threads need "
            "a bigger machine (the ~ columns estimate them)."
        )


def validation(results: dict[str, Any], streaming: dict[str, Any], source: str) -> dict:
    """Base's estimate against base's measured streaming RTF, same threads per decode."""
    per_decode = max(1, int(streaming["threads"]) // 2)
    estimate = results["sizes"].get("base", {}).get("streaming", {}).get(str(per_decode))
    if estimate is None:
        return {}
    return {
        "threads_per_decode": per_decode,
        "estimated_rtf": estimate["rtf"],
        "measured_rtf": streaming["asr_rtf"],
        "source": source,
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated sizes")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure")
    parser.add_argument("--cache", type=Path, default=REPO / ".bench-cache")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--streaming-json",
        type=Path,
        help="streaming_latency.py --json output: its decodes per second and measured RTF "
        "replace the documented ones",
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
    streaming, source = DOCUMENTED_STREAMING, "docs/benchmarks.md, 2026-12-01"
    if args.streaming_json:
        streaming = json.loads(args.streaming_json.read_text("utf-8"))["summary"]
        source = str(args.streaming_json)
    load = StreamingLoad(
        decodes_per_second=streaming["decodes"] / streaming["audio_seconds"],
        tokens_per_decode=args.tokens_per_decode,
        window_seconds=STREAMING_WINDOW,
    )
    folders = {}
    for name in args.sizes.split(","):
        logger.info("model %s ...", name)
        folders[name] = ensure_model(SIZES[name], args.cache)
    results: dict[str, Any] = {"load": asdict(load), "cpu_count": os.cpu_count(), "sizes": {}}
    for name, folder in folders.items():
        measured = {}
        for t in threads:
            logger.info("timing %s on %d thread(s) ...", name, t)
            measured[t] = run_worker(folder, t, args.runs)
        results["sizes"][name] = {
            "int8_mb": model_megabytes(folder),
            "measured": {str(t): m for t, m in measured.items()},
            "streaming": streaming_figures(measured, load),
        }
    results["validation"] = validation(results, streaming, source)
    print_tables(results, threads)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
