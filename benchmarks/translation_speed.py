"""Translation speed and memory: transformers fp32 against CTranslate2 int8 (opus-mt size).

Builds the opus-mt Marian architecture at full size with random (seeded) weights: d_model
512, 6 encoder and 6 decoder layers, 8 heads, FFN 2048, shared 58,101-token embeddings,
512 positions. A real opus-mt vocabulary cannot be trained quickly in a benchmark, so a small
sentencepiece model (the tiny test models' corpus) does the actual splitting and
``vocab.json`` is padded with dummy tokens up to 58,101 entries, which gives the
embedding matrix and output projection their real size. The model is saved with
``save_pretrained``, copied as a second direction (as fi-en and en-fi would be) and
converted with CTranslate2 to int8.

Each backend then runs in its own subprocess (so memory figures do not mix), loaded
through the project's backend classes on ``--threads`` threads, and greedy decoding is
forced to a fixed output of 20 tokens (``min_new_tokens = max_new_tokens = 20`` in
transformers, ``min_decoding_length = max_decoding_length = 20`` in CTranslate2; the
produced lengths are printed). Inputs are cut to 20 tokens as well. Measured:

* load time of one direction (libraries already imported, files in the page cache),
* ms for one sentence at batch 1 (median of ``--runs`` runs after 3 warm-up runs, pooled
  over the rounds) and tokens/s at batch 1 and batch 8 (output tokens / median wall time),
* process RSS (psutil) with both directions loaded and each used once.

The two backends alternate in ``--rounds`` rounds of fresh processes, so that a noisy
phase of a shared machine does not fall on one backend only; each round's figures are
printed as well.

Random weights say nothing about translation quality; only speed and memory are measured.

Usage: python benchmarks/translation_speed.py [--threads 2] [--runs 20] [--rounds 2]
       [--json out.json]
"""

from __future__ import annotations

import argparse
import json
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
TOKENS = 20  # input and output length of one "sentence"
BATCH = 8
SEED = 1234
MiB = 1024 * 1024

#: Goals from the issue.
GOAL_RATIO = 4.0  # CTranslate2 int8 tokens/s over transformers fp32 tokens/s
GOAL_MS = 120.0  # one 20-token sentence at batch 1
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


def build_model(folder: Path) -> None:
    """Write a full-size opus-mt style model (random weights) to ``folder``."""
    from tiny_models import save_random_marian, train_sentencepiece, write_marian_tokenizer

    folder.mkdir(parents=True)
    spm = train_sentencepiece("unigram", {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1})
    tokenizer = write_marian_tokenizer(
        folder,
        spm,
        spm,
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


def worker(backend_name: str, root: Path, threads: int, runs: int) -> dict[str, Any]:
    """Load, time and measure one backend; runs in its own process."""
    from interpreter.translate.base import ModelSpec

    result: dict[str, Any] = {"backend": backend_name, "rss_start_mb": rss_mb()}
    start = time.perf_counter()
    if backend_name == "ctranslate2":
        import ctranslate2  # noqa: F401
    else:
        import torch
        import transformers  # noqa: F401
    result["import_s"] = time.perf_counter() - start

    specs = [
        ModelSpec(path=root / name / "model", family="marian", ct2_path=root / name / "ct2-int8")
        for name in ("fi-en", "en-fi")
    ]

    def load(spec: ModelSpec) -> Any:
        if backend_name == "ctranslate2":
            from interpreter.translate.backends import CTranslate2Backend

            return CTranslate2Backend(spec, device="cpu", compute_type="int8", threads=threads)
        from interpreter.translate.backends import TransformersBackend

        return TransformersBackend(spec, threads=threads, device="cpu")

    start = time.perf_counter()
    first = load(specs[0])
    result["load_s"] = time.perf_counter() - start
    tokenizer = first.codec.tokenizer
    encoded = [tokenizer.encode(sentence, TOKENS) for sentence in SENTENCES]
    result["input_lengths"] = [len(ids) for ids in encoded]

    if backend_name == "ctranslate2":
        sources = [tokenizer.tokens(ids) for ids in encoded]

        def generate(backend: Any, batch: list[int]) -> list[int]:
            out = backend.translator.translate_batch(
                [sources[i] for i in batch],
                beam_size=1,
                min_decoding_length=TOKENS,
                max_decoding_length=TOKENS,
                max_input_length=0,
                return_scores=False,
            )
            return [len(r.hypotheses[0]) for r in out]

    else:
        import torch

        pad = tokenizer.pad_id

        def generate(backend: Any, batch: list[int]) -> list[int]:
            rows = [encoded[i] for i in batch]
            width = max(len(ids) for ids in rows)
            ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
            mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
            with torch.inference_mode():
                out = backend.model.generate(
                    input_ids=ids,
                    attention_mask=mask,
                    min_new_tokens=TOKENS,
                    max_new_tokens=TOKENS,
                )
            eos = backend.model.generation_config.eos_token_id
            lengths = []
            for row in out.tolist():
                generated = row[1:]  # drop the decoder start token
                end = next((i for i, t in enumerate(generated) if t == eos), len(generated))
                lengths.append(end)
            return lengths

    one, eight = [0], list(range(BATCH))
    result["output_lengths_batch1"] = generate(first, one)
    result["output_lengths_batch8"] = generate(first, eight)
    result["batch1_runs_s"] = timed_runs(lambda: generate(first, one), runs)
    result["batch8_runs_s"] = timed_runs(lambda: generate(first, eight), max(3, runs // 4))
    result["rss_one_direction_mb"] = rss_mb()

    second = load(specs[1])
    generate(second, one)
    result["rss_both_directions_mb"] = rss_mb()
    return result


def describe_round(r: dict[str, Any]) -> str:
    one = [t * 1000 for t in r["batch1_runs_s"]]
    eight = statistics.median(r["batch8_runs_s"]) * 1000
    return (
        f"load {r['load_s']:.2f} s, batch 1 median {statistics.median(one):.0f} ms "
        f"(min {min(one):.0f}, max {max(one):.0f}), batch 8 median {eight:.0f} ms, "
        f"RSS both directions {r['rss_both_directions_mb']:.0f} MB"
    )


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures over all rounds: medians of all timed runs, load time median, largest RSS."""
    batch1 = [t for r in rounds for t in r["batch1_runs_s"]]
    batch8 = [t for r in rounds for t in r["batch8_runs_s"]]
    first = rounds[0]
    return {
        "backend": first["backend"],
        "input_lengths": first["input_lengths"],
        "output_lengths_batch1": sorted({n for r in rounds for n in r["output_lengths_batch1"]}),
        "output_lengths_batch8": sorted({n for r in rounds for n in r["output_lengths_batch8"]}),
        "import_s": statistics.median(r["import_s"] for r in rounds),
        "load_s": statistics.median(r["load_s"] for r in rounds),
        "batch1_ms": statistics.median(batch1) * 1000,
        "batch1_best_ms": min(batch1) * 1000,
        "batch1_tokens_per_s": TOKENS / statistics.median(batch1),
        "batch8_ms": statistics.median(batch8) * 1000,
        "batch8_tokens_per_s": BATCH * TOKENS / statistics.median(batch8),
        "rss_one_direction_mb": max(r["rss_one_direction_mb"] for r in rounds),
        "rss_both_directions_mb": max(r["rss_both_directions_mb"] for r in rounds),
        "rounds": rounds,
    }


def run_worker(backend_name: str, root: Path, threads: int, runs: int) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        backend_name,
        "--model-root",
        str(root),
        "--threads",
        str(threads),
        "--runs",
        str(runs),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_all(root: Path) -> dict[str, float]:
    """Build the model, copy it as the second direction and convert both to int8."""
    from interpreter.translate.backends import convert_to_ctranslate2

    start = time.perf_counter()
    build_model(root / "fi-en" / "model")
    built = time.perf_counter() - start
    shutil.copytree(root / "fi-en" / "model", root / "en-fi" / "model")
    start = time.perf_counter()
    for name in ("fi-en", "en-fi"):
        convert_to_ctranslate2(root / name / "model", root / name / "ct2-int8", "int8")
    converted = (time.perf_counter() - start) / 2

    def size(folder: Path) -> float:
        return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / MiB

    return {
        "build_s": built,
        "convert_s": converted,
        "model_mb": size(root / "fi-en" / "model"),
        "ct2_int8_mb": size(root / "fi-en" / "ct2-int8"),
    }


def print_table(files: dict[str, float], hf: dict[str, Any], ct2: dict[str, Any]) -> None:
    print(
        f"\nmodel files: transformers {files['model_mb']:.0f} MB (safetensors, fp32), "
        f"CTranslate2 int8 {files['ct2_int8_mb']:.0f} MB; build {files['build_s']:.1f} s, "
        f"conversion {files['convert_s']:.1f} s"
    )
    print(f"input lengths (tokens, with </s>): {hf['input_lengths']}")
    print("produced output lengths over all rounds (must be exactly 20):")
    for r in (hf, ct2):
        print(
            f"{r['backend']}: output lengths batch 1 {r['output_lengths_batch1']}, "
            f"batch 8 {r['output_lengths_batch8']}"
        )
    rows = [
        ("import the backend's libraries s", "import_s", "{:.2f}"),
        ("load one direction s", "load_s", "{:.2f}"),
        ("one 20-token sentence, batch 1, ms (median)", "batch1_ms", "{:.0f}"),
        ("one 20-token sentence, batch 1, ms (best run)", "batch1_best_ms", "{:.0f}"),
        ("tokens/s batch 1", "batch1_tokens_per_s", "{:.0f}"),
        ("8 sentences, batch 8, ms (median)", "batch8_ms", "{:.0f}"),
        ("tokens/s batch 8", "batch8_tokens_per_s", "{:.0f}"),
        ("RSS one direction MB", "rss_one_direction_mb", "{:.0f}"),
        ("RSS both directions MB", "rss_both_directions_mb", "{:.0f}"),
    ]
    print("\n| measure | transformers fp32 | CTranslate2 int8 | CT2 / transformers |")
    print("|---|---|---|---|")
    for label, key, fmt in rows:
        ratio = ct2[key] / hf[key] if hf[key] else float("nan")
        print(f"| {label} | {fmt.format(hf[key])} | {fmt.format(ct2[key])} | {ratio:.2f}x |")


def goals(hf: dict[str, Any], ct2: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ratio1 = ct2["batch1_tokens_per_s"] / hf["batch1_tokens_per_s"]
    ratio8 = ct2["batch8_tokens_per_s"] / hf["batch8_tokens_per_s"]
    return {
        "tokens_per_s_ratio_batch1": {"value": ratio1, "goal": GOAL_RATIO, "met": ratio1 >= 4},
        "tokens_per_s_ratio_batch8": {"value": ratio8, "goal": GOAL_RATIO, "met": ratio8 >= 4},
        "ct2_batch1_ms": {
            "value": ct2["batch1_ms"],
            "goal": GOAL_MS,
            "met": ct2["batch1_ms"] <= GOAL_MS,
        },
        "ct2_rss_both_directions_mb": {
            "value": ct2["rss_both_directions_mb"],
            "goal": GOAL_RSS_MB,
            "met": ct2["rss_both_directions_mb"] <= GOAL_RSS_MB,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20, help="timed runs at batch 1")
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternating rounds of both backends (noise)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--worker", choices=("transformers", "ctranslate2"), help=argparse.SUPPRESS)
    parser.add_argument("--model-root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.model_root, args.threads, args.runs)))
        return 0

    with tempfile.TemporaryDirectory(prefix="translation-speed-") as tmp:
        root = Path(tmp)
        print("building the full-size opus-mt model (random weights) and converting it...")
        files = build_all(root)
        rounds: dict[str, list[dict[str, Any]]] = {"transformers": [], "ctranslate2": []}
        for number in range(1, args.rounds + 1):
            for name, done in rounds.items():
                print(
                    f"round {number}/{args.rounds}: measuring {name} on {args.threads} threads..."
                )
                done.append(run_worker(name, root, args.threads, args.runs))
                print("  " + describe_round(done[-1]))
    results = {name: combine(done) for name, done in rounds.items()}
    hf, ct2 = results["transformers"], results["ctranslate2"]
    for r in (hf, ct2):
        lengths = r["output_lengths_batch1"] + r["output_lengths_batch8"]
        if any(n != TOKENS for n in lengths):
            print(f"WARNING: {r['backend']} did not produce exactly {TOKENS} tokens: {lengths}")
    print_table(files, hf, ct2)
    summary = goals(hf, ct2)
    print()
    for key, goal in summary.items():
        state = "met" if goal["met"] else "NOT met"
        print(f"{key}: {goal['value']:.2f} (goal {goal['goal']}) {state}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "threads": args.threads,
                    "runs": args.runs,
                    "rounds": args.rounds,
                    "files": files,
                    **results,
                    "goals": summary,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
