"""How Whisper's language detector leans on one- and two-word answers.

Short words open many desk turns ("Kiitos.", "Yes.", "Okei."), and Whisper's detector
hears English in most short audio, whatever the language. This script measures that
lean for the fi-en pair: every word list below is spoken by each voice (Festival
Finnish in both suopuhe voices; espeak-ng English in British, American and Scottish
voices and read by French and German voices), cut at its speech with the recognizer's
0.2 s pre-roll and a 0.05 s tail, encoded and detected as the streaming recognizer does.
It prints, per language and voice, the detector's log-odds of English against Finnish
(median and quartiles) and how often English wins, before and after the correction in
``LanguageOptions.short_audio_bias``, and what the correction makes of the median.

It also prints how many of the words start an utterance at all: each clip, with a
second of silence on both sides, goes through the recognizer's VAD and endpointing
(``SegmenterOptions.min_speech_seconds``, the default or ``--min-speech``).

Usage: python benchmarks/short_words.py [--threads 2] [--min-speech S] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

FINNISH = (
    "Kiitos.", "Kyllä.", "Ei.", "Joo.", "Hei.", "Moi.", "Päivää.", "Huomenta.", "Selvä.",
    "Okei.", "Hyvä.", "Ole hyvä.", "Anteeksi.", "Niin.", "Totta kai.", "Ei kiitos.",
    "Kyllä voi.", "Onko vielä muuta?", "Hetkinen.", "Näkemiin.", "Tervetuloa.", "No niin.",
    "Ymmärrän.", "Kiitos paljon.", "Selvä juttu.", "Ei hätää.", "Mitä kuuluu?",
    "Hyvää päivää.", "Aivan.", "Hienoa.",
)  # fmt: skip
ENGLISH = (
    "Thank you.", "Yes.", "No.", "Okay.", "Hello.", "Hi.", "Good morning.", "Sure.", "Right.",
    "Sorry.", "Of course.", "Yes please.", "No thanks.", "Bye.", "Fine.", "Great.", "I see.",
    "Pardon?", "Excuse me.", "All right.", "Thanks a lot.", "Not really.", "Maybe.",
    "Exactly.", "Good.",
)  # fmt: skip
FINNISH_VOICES = ("lj", "mv")
ENGLISH_VOICES = ("en-us", "en-gb", "en-gb-scotland", "fr", "de")
PRE_ROLL_SECONDS = 0.2
TAIL_SECONDS = 0.05


def _starts_utterance(samples: np.ndarray, segmenter_options) -> tuple[bool, int]:
    """Whether the clip, with a second of silence on each side, starts an utterance; and
    its number of VAD frames at or above the speech threshold."""
    from interpreter.audio.base import SAMPLE_RATE
    from interpreter.segmenter import BoundaryKind, Segmenter
    from interpreter.vad import StreamingVad

    silence = np.zeros(SAMPLE_RATE, dtype=np.float32)
    probabilities = StreamingVad().process(np.concatenate([silence, samples, silence]))
    boundaries = Segmenter(segmenter_options).push(probabilities)
    started = any(boundary.kind is BoundaryKind.START for boundary in boundaries)
    return started, int(np.sum(probabilities >= segmenter_options.threshold))


def _row(engine, evidence, segmenter_options, path: Path, lang: str, voice: str, text: str):
    import speech

    samples, rate = speech.read_wav(path)
    started, speech_frames = _starts_utterance(samples, segmenter_options)
    bounds = speech.speech_bounds(samples, rate)
    if bounds is None:
        raise SystemExit(f"{path}: no speech found")
    start = int(max(0.0, bounds[0] - PRE_ROLL_SECONDS) * rate)
    audio = samples[start : int((bounds[1] + TAIL_SECONDS) * rate)]
    encoded = engine.encode(audio)
    scores = engine.language_scores(encoded)
    raw = math.log(scores["en"] / scores["fi"])
    corrected = raw - evidence.detector_lean(encoded.audio_seconds)
    return {
        "lang": lang,
        "voice": voice,
        "text": text,
        "audio_seconds": round(encoded.audio_seconds, 3),
        "raw": round(raw, 3),
        "corrected": round(corrected, 3),
        "starts_utterance": started,
        "speech_frames": speech_frames,
    }


def _summary(rows: list[dict], key: str) -> str:
    values = [row[key] for row in rows]
    q1, median, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    english = sum(value > 0 for value in values) / len(values)
    return f"{median:+6.2f} ({q1:+.2f}..{q3:+.2f}) {english:4.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--min-speech", type=float, help="SegmenterOptions.min_speech_seconds (else its default)"
    )
    parser.add_argument("--json", type=Path, help="also write every word's figures")
    args = parser.parse_args()

    import speech

    from interpreter.asr.language import LanguageChooser, LanguagePair
    from interpreter.asr.whisper_engine import AsrOptions, WhisperEngine
    from interpreter.segmenter import SegmenterOptions
    from models.whisper import ensure_whisper_base

    segmenter_options = SegmenterOptions()
    if args.min_speech is not None:
        segmenter_options = SegmenterOptions(min_speech_seconds=args.min_speech)

    chooser = LanguageChooser(LanguagePair("fi", "en"))
    evidence = chooser.evidence()  # only its correction is used
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        model = ensure_whisper_base(Path(folder))
        engine = WhisperEngine(model, AsrOptions(device="cpu", cpu_threads=args.threads))
        for lang, words, voices in (
            ("fi", FINNISH, FINNISH_VOICES),
            ("en", ENGLISH, ENGLISH_VOICES),
        ):
            for voice in voices:
                for text in words:
                    path = speech.synthesize(text, lang, voice)
                    rows.append(_row(engine, evidence, segmenter_options, path, lang, voice, text))

    bias = chooser.options.short_audio_bias
    print(f"log-odds English vs Finnish: median (quartiles) share > 0; correction {bias}")
    print(f"{'':22s} {'words':>5s}  {'detector':>26s}  {'corrected':>26s}")
    for lang, voices in (("fi", FINNISH_VOICES), ("en", ENGLISH_VOICES)):
        for voice in (*voices, "all"):
            chosen = [r for r in rows if r["lang"] == lang and voice in ("all", r["voice"])]
            label = f"{lang} {voice}"
            raw, corrected = _summary(chosen, "raw"), _summary(chosen, "corrected")
            print(f"{label:22s} {len(chosen):5d}  {raw:>26s}  {corrected:>26s}")
    minimum = segmenter_options.min_speech_seconds
    print(f"\nwords that start an utterance (min_speech_seconds {minimum}):")
    for lang in ("fi", "en"):
        chosen = [r for r in rows if r["lang"] == lang]
        missed = [f'{r["voice"]} "{r["text"]}" ({r["speech_frames"]} frames)'
                  for r in chosen if not r["starts_utterance"]]  # fmt: skip
        listed = f"; not: {', '.join(missed)}" if missed else ""
        print(f"{lang}: {len(chosen) - len(missed)} / {len(chosen)}{listed}")
    seconds = statistics.median(r["audio_seconds"] for r in rows)
    print(f"median audio per word, pre-roll and tail included: {seconds:.2f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
