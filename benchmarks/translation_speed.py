"""Translation speed and memory: transformers fp32 against CTranslate2 int8 (opus-mt size).

Builds the opus-mt Marian architecture at full size with random (seeded) weights: d_model
512, 6 encoder and 6 decoder layers, 8 heads, FFN 2048, shared 58,101-token embeddings,
512 positions. A real opus-mt vocabulary cannot be trained quickly in a benchmark, so a small
sentencepiece model (the tiny test models' corpus) does the actual splitting. The target
sentencepiece model is padded with dummy pieces, scored below every real piece, up to the
vocabulary's size, and ``vocab.json`` holds them all: the embedding matrix and output
projection have their real size, and the vocabulary map that the conversion builds from
the target model's most frequent pieces has its real size too (real pieces first, then
dummies). The model is saved with ``save_pretrained``, copied as a second direction (as
fi-en and en-fi would be) and converted with CTranslate2 to int8 with the project's
converter (vocabulary map included).

Each variant (a backend with its settings) runs in its own subprocess, so memory figures
do not mix, loaded through the project's backend classes. Random weights never choose the
end token early, so output lengths are forced: greedy decoding produces exactly N tokens
(``min_new_tokens = max_new_tokens = N`` in transformers, ``min_decoding_length =
max_decoding_length = N`` in CTranslate2, with the backend's own search options) for
three stand-ins of a 20-token input sentence:

* ``20``: 20 output tokens (the figures of earlier runs),
* ``realistic``: 1.2 x the input, 24 tokens, about where a real translation ends,
* ``worst``: the backend's length bound for the input (2 x 20 + 10 = 50 tokens), where a
  model that never ends stops.

Measured per stand-in: ms for one sentence at batch 1 (median of ``--runs`` runs after 3
warm-up runs, pooled over the rounds) and tokens/s at batch 1 and batch 8 (output tokens /
median wall time); per variant: load time of one direction (libraries imported, files in
the page cache) and process RSS (psutil) with both directions loaded and each used once.
The variants alternate in ``--rounds`` rounds of fresh processes, so that a noisy phase of
a shared machine does not fall on one variant only; compare figures of one run only.

Random weights say nothing about translation quality; only speed and memory are measured.

Usage: python benchmarks/translation_speed.py [--threads 2] [--runs 20] [--rounds 2]
       [--extra] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

#: opus-mt (Marian) dimensions, as in Helsinki-NLP/opus-mt-* checkpoints.
OPUS_MT_DIMS = {
    "d_model": 512,
    "encoder_layers": 6,
    "decoder_layers": 6,
    "encoder_attention_heads": 8,
    "decoder_attention_heads": 8,
    "encoder_ffn_dim": 2048,
    "decoder_ffn_dim": 2048,
    "max_position_embeddings": 512,
    "share_encoder_decoder_embeddings": True,
    "scale_embedding": True,
    "activation_function": "swish",
}
VOCAB_SIZE = 58_101
TOKENS = 20  # input length of one "sentence"
#: Output lengths of the stand-ins (see the module docstring).
LENGTHS = {"20": 20, "realistic": round(1.2 * TOKENS), "worst": 2 * TOKENS + 10}
BATCH = 8
SEED = 1234
MiB = 1024 * 1024

#: Goals from the issue, for the 20-token stand-in.
GOAL_RATIO = 4.0  # CTranslate2 int8 tokens/s over transformers fp32 tokens/s
GOAL_MS = 80.0  # one 20-token sentence at batch 1
GOAL_RSS_MB = 600.0  # both directions loaded

SENTENCES = [
    "Hyvää huomenta, miten voin auttaa teitä tänään? Tarvitsen uuden kortin ja ajan.",
    "Good morning, how can I help you today? I need a new card and an appointment.",
    "Missä on lähin apteekki? Kiitos paljon, näkemiin ja hyvää päivänjatkoa teille.",
    "Where is the nearest pharmacy? Thank you very much, goodbye and have a nice day.",
    "Voitteko puhua hitaammin? En ymmärrä, mitä tämä lomake tarkoittaa ollenkaan.",
    "Could you speak more slowly? I do not understand what this form means at all.",
    "Minun täytyy varata aika lääkärille ensi viikolle, jos se on mahdollista.",
    "I have to book an appointment with a doctor next week if that is possible.",
]


def variants(threads: int, extra: bool) -> list[dict[str, Any]]:
    """What is measured: the main three, and with ``extra`` other CTranslate2 settings."""
    main = [
        {"name": "transformers fp32", "backend": "transformers", "threads": threads},
        {"name": "CT2 int8", "backend": "ctranslate2", "threads": threads, "vmap": False},
        {"name": "CT2 int8 + vmap", "backend": "ctranslate2", "threads": threads, "vmap": True},
    ]
    if not extra:
        return main
    more = [
        {"name": f"CT2 int8{' + vmap' if vmap else ''}, {n} thread(s)", "threads": n, "vmap": vmap}
        for n in sorted({1, 4} - {threads})
        for vmap in (False, True)
    ]
    more.append({"name": "CT2 int8 + vmap, beam 2", "threads": threads, "vmap": True, "beam": 2})
    more += [
        {"name": f"CT2 int8 + vmap of {n} frequent", "threads": threads, "vmap": n}
        for n in (2000, 4000, 16000)
    ]
    return main + [{"backend": "ctranslate2", **v} for v in more]


def padded_sentencepiece(model: bytes, size: int) -> bytes:
    """``model`` with dummy pieces appended, scored below all others, up to ``size``."""
    from sentencepiece import sentencepiece_model_pb2

    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model)
    lowest = min(piece.score for piece in proto.pieces)
    for index in range(size - len(proto.pieces)):
        piece = proto.pieces.add()
        piece.piece, piece.score = f"▁filler{index:05d}", lowest - 1.0 - index * 1e-4
        piece.type = sentencepiece_model_pb2.ModelProto.SentencePiece.NORMAL
    return proto.SerializeToString()


def build_model(folder: Path) -> None:
    """Write a full-size opus-mt style model (random weights) to ``folder``."""
    from tiny_models import save_random_marian, train_sentencepiece, write_marian_tokenizer

    folder.mkdir(parents=True)
    spm = train_sentencepiece("unigram", {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1})
    tokenizer = write_marian_tokenizer(
        folder,
        spm,
        padded_sentencepiece(spm, VOCAB_SIZE - 3),
        pad_to=VOCAB_SIZE,
        model_max_length=OPUS_MT_DIMS["max_position_embeddings"],
    )
    save_random_marian(folder, tokenizer, OPUS_MT_DIMS, SEED)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / MiB


def timed_runs(call: Any, runs: int, warmup: int = 3) -> list[float]:
    """Seconds per call for ``runs`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def ct2_folder(root: Path, direction: str, vmap: bool | int) -> Path:
    """The conversion to load: the default one, or a copy with a map of ``vmap`` pieces."""
    if isinstance(vmap, bool):
        return root / direction / "ct2-int8"
    return root / direction / f"ct2-int8-vmap{vmap}"


def load(variant: dict[str, Any], root: Path, direction: str) -> Any:
    from interpreter.translate.backends import CTranslate2Backend, TransformersBackend
    from interpreter.translate.base import ModelSpec

    vmap = variant.get("vmap", False)
    spec = ModelSpec(
        path=root / direction / "model",
        family="marian",
        ct2_path=ct2_folder(root, direction, vmap),
    )
    beam = variant.get("beam", 1)
    if variant["backend"] == "ctranslate2":
        return CTranslate2Backend(
            spec,
            beam_size=beam,
            device="cpu",
            compute_type="int8",
            threads=variant["threads"],
            use_vmap=bool(vmap),
        )
    return TransformersBackend(spec, beam_size=beam, threads=variant["threads"], device="cpu")


def generator(variant: dict[str, Any], backend: Any, encoded: list[list[int]]) -> Any:
    """``generate(batch, length)``: decode exactly ``length`` tokens for the rows in batch."""
    tokenizer = backend.codec.tokenizer
    if variant["backend"] == "ctranslate2":
        sources = [tokenizer.tokens(ids) for ids in encoded]

        def generate_ct2(batch: list[int], length: int) -> list[int]:
            out = backend.translator.translate_batch(
                [sources[i] for i in batch],
                min_decoding_length=length,
                max_decoding_length=length,
                **backend.search_options(),
            )
            return [len(r.hypotheses[0]) for r in out]

        return generate_ct2
    import torch

    pad = tokenizer.pad_id
    eos = backend.model.generation_config.eos_token_id

    def generate_torch(batch: list[int], length: int) -> list[int]:
        rows = [encoded[i] for i in batch]
        width = max(len(ids) for ids in rows)
        ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        with torch.inference_mode():
            out = backend.model.generate(
                input_ids=ids, attention_mask=mask, min_new_tokens=length, max_new_tokens=length
            )
        generated = [row[1:] for row in out.tolist()]  # drop the decoder start token
        return [next((i for i, t in enumerate(g) if t == eos), len(g)) for g in generated]

    return generate_torch


def worker(variant: dict[str, Any], root: Path, runs: int) -> dict[str, Any]:
    """Load, time and measure one variant; runs in its own process."""
    result: dict[str, Any] = {"variant": variant, "rss_start_mb": rss_mb()}
    start = time.perf_counter()
    if variant["backend"] == "ctranslate2":
        import ctranslate2  # noqa: F401
    else:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    result["import_s"] = time.perf_counter() - start
    start = time.perf_counter()
    first = load(variant, root, "fi-en")
    result["load_s"] = time.perf_counter() - start
    tokenizer = first.codec.tokenizer
    encoded = [tokenizer.encode(sentence, TOKENS) for sentence in SENTENCES]
    result["input_lengths"] = [len(ids) for ids in encoded]
    assert first.codec.max_new_tokens(encoded) == LENGTHS["worst"]
    generate = generator(variant, first, encoded)
    one, eight = [0], list(range(BATCH))
    for label, length in LENGTHS.items():
        produced = generate(one, length) + generate(eight, length)
        result[label] = {
            "output_lengths": sorted(set(produced)),
            "batch1_runs_s": timed_runs(lambda n=length: generate(one, n), runs),
            "batch8_runs_s": timed_runs(lambda n=length: generate(eight, n), max(3, runs // 4)),
        }
    result["rss_one_direction_mb"] = rss_mb()
    second = load(variant, root, "en-fi")
    generator(variant, second, encoded)(one, LENGTHS["20"])
    result["rss_both_directions_mb"] = rss_mb()
    return result


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures over all rounds: medians and best of all timed runs (the best run is the
    one least disturbed by other work on a shared machine), load time median, largest RSS."""
    figures: dict[str, Any] = {
        "name": rounds[0]["variant"]["name"],
        "variant": rounds[0]["variant"],
        "input_lengths": rounds[0]["input_lengths"],
        "import_s": statistics.median(r["import_s"] for r in rounds),
        "load_s": statistics.median(r["load_s"] for r in rounds),
        "rss_both_directions_mb": max(r["rss_both_directions_mb"] for r in rounds),
        "rounds": rounds,
    }
    for label, length in LENGTHS.items():
        batch1 = [t for r in rounds for t in r[label]["batch1_runs_s"]]
        batch8 = [t for r in rounds for t in r[label]["batch8_runs_s"]]
        figures[label] = {
            "output_lengths": sorted({n for r in rounds for n in r[label]["output_lengths"]}),
            "batch1_ms": statistics.median(batch1) * 1000,
            "batch1_tokens_per_s": length / statistics.median(batch1),
            "batch8_tokens_per_s": BATCH * length / statistics.median(batch8),
            "batch1_best_ms": min(batch1) * 1000,
            "batch1_best_tokens_per_s": length / min(batch1),
            "batch8_best_tokens_per_s": BATCH * length / min(batch8),
        }
    return figures


def run_worker(variant: dict[str, Any], root: Path, runs: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(variant)]
    command += ["--model-root", str(root), "--runs", str(runs)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_all(root: Path, measured: list[dict[str, Any]]) -> dict[str, Any]:
    """Build the model, copy it as the second direction, convert both to int8 (with the
    default vocabulary map) and add the other maps the variants ask for."""
    from models.conversion import convert_to_ctranslate2
    from models.vmap import VMAP_FILE, VocabularyMap, model_vocabulary_map

    start = time.perf_counter()
    build_model(root / "fi-en" / "model")
    built = time.perf_counter() - start
    shutil.copytree(root / "fi-en" / "model", root / "en-fi" / "model")
    start = time.perf_counter()
    for name in ("fi-en", "en-fi"):
        convert_to_ctranslate2(root / name / "model", root / name / "ct2-int8", "int8")
    converted = (time.perf_counter() - start) / 2
    sizes = {v["vmap"] for v in measured if type(v.get("vmap")) is int}
    for name in ("fi-en", "en-fi"):
        for size in sizes:
            folder = ct2_folder(root, name, size)
            shutil.copytree(root / name / "ct2-int8", folder, copy_function=os.link)
            (folder / VMAP_FILE).unlink()
            vmap = model_vocabulary_map(root / name / "model", size)
            assert vmap is not None
            vmap.write(folder / VMAP_FILE)
    default_map = VocabularyMap.read(root / "fi-en" / "ct2-int8" / VMAP_FILE)

    def size_mb(folder: Path) -> float:
        return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / MiB

    return {
        "build_s": built,
        "convert_s": converted,
        "model_mb": size_mb(root / "fi-en" / "model"),
        "ct2_int8_mb": size_mb(root / "fi-en" / "ct2-int8"),
        "vmap_always_candidates": len(default_map.always),
        "vmap_rules": len(default_map.rules),
    }


def print_tables(files: dict[str, Any], results: list[dict[str, Any]]) -> None:
    hf, plain, mapped = results[:3]
    print(
        f"\nmodel files: transformers {files['model_mb']:.0f} MB (fp32), CTranslate2 int8 "
        f"{files['ct2_int8_mb']:.0f} MB; build {files['build_s']:.1f} s, conversion "
        f"{files['convert_s']:.1f} s; vocabulary map: {files['vmap_always_candidates']} "
        f"always-candidates, {files['vmap_rules']} source rules"
    )
    print(f"input lengths (tokens, with </s>): {hf['input_lengths']}")
    for r in results:
        produced = {label: r[label]["output_lengths"] for label in LENGTHS}
        print(f"{r['name']}: output lengths {produced}")
    main = (hf, plain, mapped)
    print(f"\n| measure | {' | '.join(r['name'] for r in main)} | CT2 / transformers |")
    print("|---|---|---|---|---|")
    for label, length in LENGTHS.items():
        for text, key in (
            ("batch 1, ms", "batch1_ms"),
            ("batch 1, ms, best run", "batch1_best_ms"),
            ("tokens/s, batch 1", "batch1_tokens_per_s"),
            ("tokens/s, batch 1, best run", "batch1_best_tokens_per_s"),
            ("tokens/s, batch 8", "batch8_tokens_per_s"),
            ("tokens/s, batch 8, best run", "batch8_best_tokens_per_s"),
        ):
            cells = " | ".join(f"{r[label][key]:.0f}" for r in main)
            ratios = " / ".join(f"{r[label][key] / hf[label][key]:.2f}x" for r in main[1:])
            print(f"| {length} tokens ({label}), {text} | {cells} | {ratios} |")
    loads = " | ".join(f"{r['load_s']:.2f}" for r in main)
    print(f"| load one direction, s | {loads} | |")
    rss = " | ".join(f"{r['rss_both_directions_mb']:.0f}" for r in main)
    print(f"| RSS both directions, MB | {rss} | |")
    if len(results) > 3:
        print("\n| variant | 20 tokens, b1 ms | tokens/s b1 | tokens/s b8 | worst b1 ms | RSS MB |")
        print("|---|---|---|---|---|---|")
        for r in results[1:]:
            f20, worst = r["20"], r["worst"]
            print(
                f"| {r['name']} | {f20['batch1_ms']:.0f} | {f20['batch1_tokens_per_s']:.0f} | "
                f"{f20['batch8_tokens_per_s']:.0f} | {worst['batch1_ms']:.0f} | "
                f"{r['rss_both_directions_mb']:.0f} |"
            )


def goals(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The issue's goals on the 20-token stand-in, for CT2 without and with the map."""
    hf = results[0]["20"]
    summary: dict[str, dict[str, Any]] = {}

    def record(key: str, value: float, goal: float, met: bool) -> None:
        summary[key] = {"value": value, "goal": goal, "met": met}

    for r in results[1:3]:
        f20 = r["20"]
        for batch in ("1", "8"):
            for kind in ("", "best_"):
                key = f"batch{batch}_{kind}tokens_per_s"
                ratio = f20[key] / hf[key]
                name = f"{r['name']}: tokens/s ratio, batch {batch}{', best runs' if kind else ''}"
                record(name, ratio, GOAL_RATIO, ratio >= GOAL_RATIO)
        for kind in ("", "best_"):
            ms = f20[f"batch1_{kind}ms"]
            name = f"{r['name']}: ms per sentence, batch 1{', best run' if kind else ''}"
            record(name, ms, GOAL_MS, ms <= GOAL_MS)
        rss = r["rss_both_directions_mb"]
        record(f"{r['name']}: RSS both directions, MB", rss, GOAL_RSS_MB, rss <= GOAL_RSS_MB)
    return summary


def report(results: list[dict[str, Any]], files: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Print the warnings, tables and goals of a run; returns the goals."""
    for r in results:
        for label, length in LENGTHS.items():
            if r[label]["output_lengths"] != [length]:
                print(f"WARNING: {r['name']} produced {r[label]['output_lengths']}, not {length}")
    print_tables(files, results)
    summary = goals(results)
    print()
    for key, goal in summary.items():
        state = "met" if goal["met"] else "NOT met"
        print(f"{key}: {goal['value']:.2f} (goal {goal['goal']}) {state}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20, help="timed runs at batch 1")
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternating rounds of all variants (noise)"
    )
    parser.add_argument(
        "--extra", action="store_true", help="also other threads, beam 2, other map sizes"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--tables-from", type=Path, help="print the tables of an earlier run's --json file"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model-root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(json.loads(args.worker), args.model_root, args.runs)))
        return 0

    if args.tables_from:
        saved = json.loads(args.tables_from.read_text(encoding="utf-8"))
        report([combine(r["rounds"]) for r in saved["results"]], saved["files"])
        return 0

    measured = variants(args.threads, args.extra)
    with tempfile.TemporaryDirectory(prefix="translation-speed-") as tmp:
        root = Path(tmp)
        print("building the full-size opus-mt model (random weights) and converting it...")
        files = build_all(root, measured)
        rounds: list[list[dict[str, Any]]] = [[] for _ in measured]
        for number in range(1, args.rounds + 1):
            for variant, done in zip(measured, rounds, strict=True):
                print(f"round {number}/{args.rounds}: {variant['name']}...", flush=True)
                done.append(run_worker(variant, root, args.runs))
                line = ", ".join(
                    f"{label} {statistics.median(done[-1][label]['batch1_runs_s']) * 1000:.0f} ms"
                    for label in LENGTHS
                )
                print(f"  batch 1: {line}", flush=True)
    results = [combine(done) for done in rounds]
    summary = report(results, files)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "threads": args.threads,
                    "runs": args.runs,
                    "rounds": args.rounds,
                    "lengths": LENGTHS,
                    "files": files,
                    "results": results,
                    "goals": summary,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
