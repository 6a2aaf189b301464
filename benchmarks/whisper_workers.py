"""Whisper's encoder and decoder on one thread, on two, and two decodes at once.

Prints, for Whisper base int8 on a Finnish sentence (Festival, 4 s), the best of a few
runs of the encoder (10 s window) and of a beam-5 decode, for each CTranslate2 layout
of the same cores: one worker of N threads, or N workers of one thread; and for the
latter, the wall time of two decodes started together. The streaming engine's layout
(``AsrOptions.workers``) is chosen from these figures.

    .venv/bin/python benchmarks/whisper_workers.py --threads 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

SENTENCE = "Ei se haittaa. Täytetään paperilomake yhdessä, minä skannaan sen ja lähetän sen."
RUNS = 3


def best(runs: list[float]) -> float:
    return min(runs)


def measure(model_path: Path, audio, intra: int, workers: int) -> dict[str, float]:
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    model = WhisperModel(
        str(model_path),
        device="cpu",
        compute_type="int8",
        cpu_threads=intra,
        num_workers=workers,
        local_files_only=True,
    )
    tokenizer = Tokenizer(model.hf_tokenizer, True, task="transcribe", language="fi")
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    features = pad_or_trim(model.feature_extractor(audio), 1000)  # a 10 s window

    def one() -> tuple[float, float]:
        started = time.perf_counter()
        encoded = model.encode(features)
        encoded_at = time.perf_counter()
        model.model.generate(encoded, [prompt], beam_size=5, max_length=120)
        return encoded_at - started, time.perf_counter() - encoded_at

    one()  # warm-up
    runs = [one() for _ in range(RUNS)]
    figures = {"encode": best([r[0] for r in runs]), "decode": best([r[1] for r in runs])}
    if workers > 1:
        walls = []
        for _ in range(RUNS):
            threads = [threading.Thread(target=one) for _ in range(2)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            walls.append(time.perf_counter() - started)
        figures["two at once (wall)"] = best(walls)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="cores to divide")
    args = parser.parse_args()
    import speech

    from interpreter.audio.replay import decode_file
    from interpreter.session import load_engine

    model_path = load_engine("base", threads=1).model_path
    with tempfile.TemporaryDirectory() as tmp:
        wav = speech.synthesize_finnish(SENTENCE, "lj", Path(tmp) / "fi.wav")
        audio = decode_file(wav)
    print(f"Whisper base int8, {len(audio) / 16000:.1f} s of Finnish, best of {RUNS} runs")
    layouts = [(args.threads, 1), (1, 1), (1, args.threads)]
    for intra, workers in layouts:
        figures = measure(model_path, audio, intra, workers)
        shown = ", ".join(f"{name} {value:.3f} s" for name, value in figures.items())
        print(f"{workers} worker(s) x {intra} thread(s): {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
