"""The model ladder's figures: what the timing workers measure, the streaming estimates
derived from it (``ladder_cost.py``) and the printed tables."""

from __future__ import annotations

import os
import statistics
import textwrap
from dataclasses import asdict, replace
from typing import Any

from ladder_cost import (
    HEADROOM_RTF,
    ModelTiming,
    StreamingLoad,
    amdahl_seconds,
    decoder_line,
    keeps_up,
    least_rtf,
    relative_rtf,
    seconds_per_decode,
    streaming_rtf,
    threads_per_decode,
)

#: Encoder windows timed (seconds), and the one streaming uses for most decodes.
WINDOWS = (5, 10, 30)
STREAMING_WINDOW = 10
BEAMS = (1, 5)
STREAMING_BEAM = 5  # AsrOptions.beam_size and final_beam_size
#: Two decode lengths give the decoder's per-decode setup and its cost per token.
SHORT_TOKENS, LONG_TOKENS = 8, 32
#: Thread counts estimated (Amdahl) when only 1 and 2 were measured.
ESTIMATED_THREADS = (4, 8)
#: A multi-threaded run whose process got less of its threads' time than this (percent)
#: shared its cores with other work.
CROWDED_SHARE = 90


def say(text: str) -> None:
    """Print prose wrapped to the width of the tables."""
    print(textwrap.fill(text, width=100))


def timing_of(
    measured: dict[str, Any], beam: int = STREAMING_BEAM, clock: str = "best"
) -> ModelTiming:
    """The cost model's inputs from one worker's figures: best wall times, or ``cpu``."""
    decoder = measured["decoder_s"]
    setup, per_token = decoder_line(
        SHORT_TOKENS,
        decoder[f"beam{beam}_{SHORT_TOKENS}"][clock],
        LONG_TOKENS,
        decoder[f"beam{beam}_{LONG_TOKENS}"][clock],
    )
    encoder = measured["encoder_s"][str(STREAMING_WINDOW)][clock]
    return ModelTiming(encoder, setup, per_token)


def cpu_share(measured: dict[str, Any]) -> float:
    """Percent of its threads' time the process got in its best 10 s encode: under 100,
    other work on the machine took the rest."""
    encode = measured["encoder_s"][str(STREAMING_WINDOW)]
    return 100 * encode["cpu"] / (encode["best"] * measured["threads"])


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
    per_threads: dict[str, dict[str, Any]], load: StreamingLoad
) -> dict[str, dict[str, Any]]:
    """Seconds per decode and real-time factor per thread count, measured or estimated.

    On one thread the process's CPU time is what the work takes on a free core, however
    busy the machine was: ``rtf_cpu`` gives that estimate beside the wall-time one.
    """
    timings = {int(t): (timing_of(m), False) for t, m in per_threads.items()}
    if 1 in timings and 2 in timings:
        for threads in ESTIMATED_THREADS:
            if threads not in timings:
                estimate = estimated_timing(timings[1][0], timings[2][0], threads)
                timings[threads] = (estimate, True)
    figures = {
        str(threads): {
            **asdict(timing),
            "estimated": estimated,
            "decode_s": seconds_per_decode(load, timing),
            "rtf": streaming_rtf(load, timing),
        }
        for threads, (timing, estimated) in sorted(timings.items())
    }
    if "1" in per_threads:
        figures["1"]["rtf_cpu"] = streaming_rtf(load, timing_of(per_threads["1"], clock="cpu"))
    return figures


def add_relative(results: dict[str, Any], load: StreamingLoad) -> None:
    """Each size's RTF as base's measured one times the size's cost relative to base (CPU
    time on one thread: the busy machine's time-slicing left out), over the size's own
    wall-time speed-up on more threads; the sturdy figure on a busy machine."""
    base = results["sizes"].get("base", {}).get("measured", {}).get("1")
    if base is None:
        return
    base_timing = timing_of(base, clock="cpu")
    for entry in results["sizes"].values():
        one = entry["measured"].get("1")
        if one is None:
            continue
        on_one_thread = entry["streaming"]["1"]["decode_s"]
        relative_one = relative_rtf(load, timing_of(one, clock="cpu"), base_timing)
        for threads, figures in entry["streaming"].items():
            speedup = on_one_thread / figures["decode_s"]
            figures["speedup"] = speedup
            figures["rtf_relative"] = relative_one / speedup
            figures["rtf_least"] = least_rtf(relative_one, int(threads))


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One worker's figures over several rounds: the least time of each, the most memory."""

    def least(key: str) -> dict[str, dict[str, float]]:
        return {
            name: {
                "median": statistics.median(r[key][name]["median"] for r in rounds),
                "best": min(r[key][name]["best"] for r in rounds),
                "cpu": min(r[key][name]["cpu"] for r in rounds),
            }
            for name in rounds[0][key]
        }

    return {
        "threads": rounds[0]["threads"],
        "load_s": min(r["load_s"] for r in rounds),
        "rss_loaded_mb": max(r["rss_loaded_mb"] for r in rounds),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in rounds),
        "encoder_s": least("encoder_s"),
        "decoder_s": least("decoder_s"),
        "rounds": rounds,
    }


def validation(
    results: dict[str, Any], streaming: dict[str, Any], source: str, load: StreamingLoad
) -> dict[str, Any]:
    """Base's estimate against base's measured streaming RTF: the same threads per decode
    and the decodes that streaming run made (a busy machine skips tentative updates)."""
    per_decode = threads_per_decode(int(streaming["threads"]))
    measured = results["sizes"].get("base", {}).get("measured", {}).get(str(per_decode))
    if measured is None:
        return {}
    same_load = replace(load, decodes_per_second=streaming["decodes"] / streaming["audio_seconds"])
    check = {
        "threads_per_decode": per_decode,
        "decodes_per_second": same_load.decodes_per_second,
        "estimated_rtf": streaming_rtf(same_load, timing_of(measured)),
        "measured_rtf": streaming["asr_rtf"],
        "source": source,
    }
    if per_decode == 1:
        check["estimated_rtf_cpu"] = streaming_rtf(same_load, timing_of(measured, clock="cpu"))
    return check


def print_size_rows(results: dict[str, Any], threads: list[int], clock: str) -> None:
    print(
        f"{'model':15} {'int8 MB':>7} {'RSS MB':>7} {'thr':>3} {'load':>5} "
        f"{'enc 5s':>7} {'enc 10s':>7} {'enc 30s':>7} "
        f"{'b1 ms/tok':>9} {'b5 ms/tok':>9} {'b5 setup ms':>11} {'CPU %':>5}"
    )
    for name, entry in results["sizes"].items():
        for t in threads:
            m = entry["measured"][str(t)]
            enc = m["encoder_s"]
            greedy = timing_of(m, beam=1, clock=clock)
            beam5 = timing_of(m, beam=5, clock=clock)
            print(
                f"{name:15} {entry['int8_mb']:7.0f} {m['peak_rss_mb']:7.0f} {t:3d} "
                f"{m['load_s']:5.2f} {enc['5'][clock]:7.3f} {enc['10'][clock]:7.3f} "
                f"{enc['30'][clock]:7.3f} {greedy.decoder_token_seconds * 1000:9.1f} "
                f"{beam5.decoder_token_seconds * 1000:9.1f} "
                f"{beam5.decoder_setup_seconds * 1000:11.0f} {cpu_share(m):5.0f}"
            )


def print_streaming(results: dict[str, Any]) -> None:
    load = results["load"]
    print()
    say(
        f"Streaming at the default cadence: {load['decodes_per_second']:.2f} decodes per "
        f"second of audio, each a {load['window_seconds']:.0f} s encode and "
        f"{load['tokens_per_decode']:.0f} beam-{STREAMING_BEAM} tokens. The engine's two "
        "workers each get half the cores: 1 thread per decode on 2 cores. Per cell: seconds "
        "per decode, RTF from this run's timings, and (in brackets) base's measured RTF "
        f"{load['base_rtf']} times the cost relative to base (CPU time, one thread) over "
        "the size's own speed-up on more threads. ~: Amdahl estimate from 1 and 2 threads; "
        f"*: over {HEADROOM_RTF}. Last column: RTF from CPU time on one thread, as on a "
        "free core."
    )
    columns = sorted({int(t) for e in results["sizes"].values() for t in e["streaming"]})
    header = " ".join(f"{f'{2 * t} cores ({t} thr)':>24}" for t in columns)
    print(f"{'model':15} {header} {'CPU 1 thr':>9}")
    for name, entry in results["sizes"].items():
        cells = []
        for t in columns:
            s = entry["streaming"].get(str(t))
            if s is None:
                cells.append(" " * 24)
                continue
            mark = "~" if s["estimated"] else " "
            relative = s.get("rtf_relative")
            over = " " if keeps_up(relative if relative is not None else s["rtf"]) else "*"
            scaled = f"({relative:5.2f})" if relative is not None else " " * 7
            cells.append(f"{mark}{s['decode_s']:6.2f} s {s['rtf']:5.2f} {scaled}{over}".rjust(24))
        on_free_core = entry["streaming"].get("1", {}).get("rtf_cpu")
        cells.append(f"{on_free_core:9.2f}" if on_free_core is not None else " " * 9)
        print(f"{name:15} {' '.join(cells)}")


def print_least(results: dict[str, Any]) -> None:
    columns = sorted({int(t) for e in results["sizes"].values() for t in e["streaming"]})
    print()
    say(
        "The least RTF more cores could give: the base-relative figure on one thread over "
        "the threads per decode (perfect scaling; a bound, not an estimate)"
    )
    print(f"{'model':15} " + " ".join(f"{f'{2 * t} cores':>9}" for t in columns))
    for name, entry in results["sizes"].items():
        cells = [
            f"{entry['streaming'][str(t)]['rtf_least']:9.2f}"
            if "rtf_least" in entry["streaming"].get(str(t), {})
            else " " * 9
            for t in columns
        ]
        print(f"{name:15} {' '.join(cells)}")


def print_tables(results: dict[str, Any], threads: list[int]) -> None:
    print("\nPer size and thread count: best wall time of the timed runs, seconds unless marked")
    print_size_rows(results, threads, "best")
    if 1 in threads:
        print("\nOne thread, CPU time of the process (what a free core would take)")
        print_size_rows(results, [1], "cpu")
    print_streaming(results)
    print_least(results)
    print()
    for check in results.get("validation", []):
        on_free_core = check.get("estimated_rtf_cpu")
        cpu = f" (from CPU time {on_free_core:.2f})" if on_free_core is not None else ""
        say(
            f"Check on Whisper base, {check['threads_per_decode']} thread(s) per decode, "
            f"{check['decodes_per_second']:.2f} decodes per second of audio: estimated RTF "
            f"{check['estimated_rtf']:.2f}{cpu}, measured by streaming_latency.py "
            f"{check['measured_rtf']:.2f} ({check['source']})"
        )
    crowded = [
        f"{name} ({cpu_share(m):.0f} %)"
        for name, entry in results["sizes"].items()
        for t, m in entry["measured"].items()
        if int(t) > 1 and cpu_share(m) < CROWDED_SHARE
    ]
    if crowded:
        say(
            "Runs on more than one thread that never had their cores to themselves (CPU "
            f"share): {', '.join(crowded)}. Their figures, and the ~ estimates made from "
            "them, show the machine's other work rather than what more cores give."
        )
    missing = [t for t in (1, 2, 4, 8) if t not in threads and t > (os.cpu_count() or 1)]
    if missing:
        say(
            f"Measured on {os.cpu_count()} cores: {', '.join(map(str, missing))} threads need "
            "a bigger machine (the ~ columns estimate them)."
        )
