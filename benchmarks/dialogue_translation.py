"""End of speech -> final translation shown, on the desk dialogue replayed at real time.

Recognition (Whisper base) and translation share the cores as they do at a desk. No
translation weights can be installed here, so both directions use an opus-mt-size
stand-in: the real Marian architecture at full size (6+6 layers, 512 wide, 58k
vocabulary) with random weights, converted to CTranslate2 int8. Random weights never
stop on their own, so the stand-in's output length is set: ``--length-ratio 1.2``
(default) stops at 1.2x the input tokens, about what real translations between Finnish
and English produce; ``--worst-case`` runs to the product's length bound (2x + 10).

The stand-in is converted as the product converts a model, with a vocabulary map (its
sentencepiece model is padded to the full vocabulary, so the map has the size of a real
opus-mt model's); ``--no-vmap`` turns the map off.

Per turn it prints the latency from the true end of the turn's speech to its last
committed word, to the moment the translation of the utterance's final text was first
shown (an interim translation of the whole text already is the final one) and to the
final translation event, and in summary the percentiles, the translation jobs run and
their compute.

Usage: python benchmarks/dialogue_translation.py [--turns 24] [--threads 2] [--mt-threads N]
       [--no-vmap] [--json out.json] [--events events.jsonl]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.append(str(REPO / "benchmarks"))  # after tests/: its dialogue module wins

CACHE = REPO / ".bench-cache"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def stand_in_model() -> Path:
    """The opus-mt-size random-weight model with its CTranslate2 copy (built once, and
    again when a copy from an older version of this script has no vocabulary map)."""
    from translation_speed import build_model

    from interpreter.translate.specs import CT2_SUBFOLDER
    from models.conversion import convert_to_ctranslate2
    from models.vmap import VMAP_FILE

    folder = CACHE / "opus-mt-size-random"
    if not all((folder / CT2_SUBFOLDER / name).is_file() for name in ("model.bin", VMAP_FILE)):
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        CACHE.mkdir(exist_ok=True)
        build_model(folder)
        convert_to_ctranslate2(folder, folder / CT2_SUBFOLDER)
    return folder


def stand_in_engines(folder: Path, threads: int, length_ratio: float | None, vmap: bool = True):
    """Both directions of fi-en on the stand-in; ``length_ratio``: output tokens per
    input token (None: the product's own bound)."""
    from interpreter.translate.backends import CTranslate2Backend
    from interpreter.translate.engine import TranslationEngine
    from interpreter.translate.specs import spec_from_folder

    engines = {}
    for source, target in (("fi", "en"), ("en", "fi")):
        backend = CTranslate2Backend(spec_from_folder(folder), threads=threads, use_vmap=vmap)
        if length_ratio is not None:

            def bound(inputs, ratio=length_ratio) -> int:
                return max(1, round(ratio * max((len(ids) for ids in inputs), default=0)))

            backend.codec.max_new_tokens = bound  # random weights never stop by themselves
        engines[(source, target)] = TranslationEngine(source, target, "stand-in", [backend])
    return engines


@dataclass
class Utterance:
    id: int
    start: float = 0.0
    end: float = 0.0
    lang: str = ""
    committed: list[float] = field(default_factory=list)
    final_translation: float | None = None
    final_text: str = ""
    #: (emitted_at, source text) of every translation shown, final or not.
    shown: list[tuple[float, str]] = field(default_factory=list)
    translations: int = 0

    @property
    def final_text_shown(self) -> float | None:
        """When the translation of the utterance's final text was first on screen: an
        interim translation of the whole text is the final one, shown before the
        utterance's end is known."""
        times = [t for t, text in self.shown if text == self.final_text]
        return min(times) if times else None


def run(material, engine, engines, threads: int) -> tuple[list[dict[str, Any]], float]:
    from interpreter.session import ListenSettings, build_listening_session

    events: list[dict[str, Any]] = []
    lock = threading.Lock()

    def collect(event) -> None:
        with lock:
            events.append(event.to_dict())

    settings = ListenSettings(pair="fi-en", replay=material.path, speed=1.0, threads=threads)
    session = build_listening_session(
        settings, on_event=collect, engine=engine, translation_engines=engines
    )
    started = time.process_time()
    session.start()
    session.wait_and_close(timeout=600)
    return events, time.process_time() - started


def by_utterance(events: list[dict[str, Any]]) -> dict[int, Utterance]:
    found: dict[int, Utterance] = {}
    for event in events:
        if "utterance_id" not in event:
            continue
        u = found.setdefault(event["utterance_id"], Utterance(event["utterance_id"]))
        kind = event["type"]
        if kind == "committed" and event["text"].strip():
            u.committed.append(event["emitted_at"])
        elif kind == "utterance_ended":
            u.start, u.end, u.lang = event["audio_start"], event["speech_end"], event["lang"]
            u.final_text = event["text"]
        elif kind == "translation":
            u.translations += 1
            if "tentative" not in event.get("flags", ()):
                u.shown.append((event["emitted_at"], event["source_text"]))
            if event.get("final"):
                u.final_translation = event["emitted_at"]
    return found


def score(turns, utterances: dict[int, Utterance]) -> list[dict[str, Any]]:
    """Each turn's latencies, over the utterances whose audio overlaps it."""
    rows = []
    for turn in turns:
        mine = [u for u in utterances.values() if u.start < turn.end and u.end > turn.start]
        commits = [t for u in mine for t in u.committed]
        finals = [u.final_translation for u in mine if u.final_translation is not None]
        shown = [u.final_text_shown for u in mine if u.final_text_shown is not None]
        rows.append(
            {
                "turn": turn.index,
                "lang": turn.lang,
                "seconds": turn.end - turn.start,
                "committed": max(commits) - turn.end if commits else None,
                "translated": max(finals) - turn.end if finals else None,
                "final_text_shown": max(shown) - turn.end
                if len(shown) == len(finals) and shown
                else None,
                "translation_jobs": sum(u.translations for u in mine),
            }
        )
    return rows


def summary(rows, events, cpu_seconds: float, duration: float) -> dict[str, Any]:
    committed = [r["committed"] for r in rows if r["committed"] is not None]
    translated = [r["translated"] for r in rows if r["translated"] is not None]
    shown = [r["final_text_shown"] for r in rows if r["final_text_shown"] is not None]
    jobs = [e for e in events if e["type"] == "translation"]
    ms = [e["ms"] for e in jobs]
    return {
        "turns": len(rows),
        "turns_translated": len(translated),
        "committed_p50": percentile(committed, 50),
        "committed_p95": percentile(committed, 95),
        "translated_p50": percentile(translated, 50),
        "translated_p95": percentile(translated, 95),
        "translated_max": max(translated, default=float("nan")),
        "final_text_shown_p50": percentile(shown, 50),
        "final_text_shown_p95": percentile(shown, 95),
        "translation_jobs": len(jobs),
        "final_translation_jobs": sum(1 for e in jobs if e.get("final")),
        "translation_ms_p50": statistics.median(ms) if ms else float("nan"),
        "translation_ms_p95": percentile(ms, 95),
        "translation_seconds": sum(ms) / 1000,
        "cpu_seconds": cpu_seconds,
        "audio_seconds": duration,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=24, help="the first N turns")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--mt-threads", type=int, help="threads of each translation model (default: --threads)"
    )
    parser.add_argument("--length-ratio", type=float, default=1.2)
    parser.add_argument(
        "--worst-case", action="store_true", help="run to the length bound (2x input + 10)"
    )
    parser.add_argument(
        "--no-vmap", action="store_true", help="the stand-in without its vocabulary map"
    )
    parser.add_argument("--json", type=Path, help="also write the figures and rows as JSON")
    parser.add_argument("--events", type=Path, help="also write every event as JSON lines")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    import dialogue

    from interpreter.session import load_engine

    material = dialogue.build_dialogue(args.turns, dialogue.DEFAULT_SEED)
    engine = load_engine("base", threads=args.threads)
    ratio = None if args.worst_case else args.length_ratio
    mt_threads = args.mt_threads or args.threads
    engines = stand_in_engines(stand_in_model(), mt_threads, ratio, vmap=not args.no_vmap)
    events, cpu_seconds = run(material, engine, engines, args.threads)
    rows = score(material.turns, by_utterance(events))

    print(
        f"{'turn':>4} {'lang':4} {'speech':>6} {'commit':>7} {'shown':>7} {'final':>7} {'jobs':>4}"
    )
    for row in rows:
        shown = [
            f"{row[key]:7.2f}" if row[key] is not None else "      -"
            for key in ("committed", "final_text_shown", "translated")
        ]
        print(
            f"{row['turn']:4d} {row['lang']:4} {row['seconds']:6.1f} {' '.join(shown)} "
            f"{row['translation_jobs']:4d}"
        )
    figures = summary(rows, events, cpu_seconds, material.duration)
    figures["length"] = "2x + 10 (worst case)" if ratio is None else f"{ratio}x input"
    print("\nsummary")
    for key, value in figures.items():
        print(f"  {key:24} {value:.3f}" if isinstance(value, float) else f"  {key:24} {value}")
    if args.events:
        args.events.write_text("".join(json.dumps(event) + "\n" for event in events))
    if args.json:
        args.json.write_text(json.dumps({"summary": figures, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
