"""Noise must never become text, and quiet speech must not be taken for noise.

The recognizer drops an utterance when most of its decodes sound like noise
(``GuardOptions``: Whisper's no-speech probability high *and* the text not confident).
This script streams, through the deterministic replay (``interpreter/simulate.py``):

* noise that must give no words: digital silence; pink noise (office hiss), brown noise
  (ventilation, traffic rumble), wordless babble (a waiting room) and desk sounds
  (knocks, typing, short voiced hums), each at three levels, ``--seconds`` each;
* speech that must be kept: every Finnish test sentence in both Festival voices and every
  espeak-ng English one, at a normal level (-26 dBFS RMS) and as a quiet, distant voice
  (-40 dBFS).

Each runs twice: with the default rule, and with the no-speech probability alone
(``utterance_noise_log_prob=0``: any decode above the no-speech threshold is a vote for
noise), the rule before confident text was taken into account. Printed per stretch:
utterances the VAD opened, decodes, committed words and tentative updates that showed
text; for speech also the word error rate.

Usage: python benchmarks/noise.py [--seconds 30] [--threads 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

NOISE = (
    ("silence", None),
    ("low_noise", -50.0), ("low_noise", -40.0), ("low_noise", -30.0),
    ("brown_noise", -45.0), ("brown_noise", -35.0), ("brown_noise", -25.0),
    ("babble", -40.0), ("babble", -35.0), ("babble", -30.0),
    ("desk_sounds", -40.0), ("desk_sounds", -35.0), ("desk_sounds", -30.0),
)  # fmt: skip
SPEECH_LEVELS_DBFS = (-26.0, -40.0)
RULES = ("default", "no-speech alone")


def _stream(engine, audio) -> dict:
    from asr_helpers import StreamResult, padded

    from interpreter.asr.language import LanguagePair
    from interpreter.events import TentativeText
    from interpreter.simulate import VirtualClock, simulate
    from interpreter.streaming import StreamingRecognizer

    clock = VirtualClock()
    recognizer = StreamingRecognizer(engine, LanguagePair.parse("fi-en"), clock=clock)
    events = simulate(recognizer, clock, padded(audio), count_compute=False)
    result = StreamResult(events, recognizer)
    return {
        "utterances": len(result.started),
        "decodes": recognizer.stats.decodes,
        "words": result.committed_words,
        "tentative_shown": sum(isinstance(e, TentativeText) and bool(e.text) for e in events),
        "text": result.text,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="of each noise")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write every stretch's figures")
    args = parser.parse_args()

    import speech
    from asr_helpers import wer

    from interpreter.asr.guards import GuardOptions
    from interpreter.asr.whisper_engine import AsrOptions, WhisperEngine
    from models.whisper import ensure_whisper_base

    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as folder:
        model = ensure_whisper_base(Path(folder) / "whisper")
        options = AsrOptions(device="cpu", cpu_threads=args.threads)
        engines = {
            "default": WhisperEngine(model, options),
            "no-speech alone": WhisperEngine(
                model, replace(options, guards=GuardOptions(utterance_noise_log_prob=0.0))
            ),
        }
        for kind, level in NOISE:
            path = speech.make_noise(
                kind, args.seconds, Path(folder) / f"{kind}{level}.wav", level_dbfs=level
            )
            audio, _ = speech.read_wav(path)
            for rule, engine in engines.items():
                label = kind if level is None else f"{kind} {level:.0f} dBFS"
                rows.append({"input": label, "noise": True, "rule": rule, **_stream(engine, audio)})
        clips = [("fi " + voice, speech.synthesize_finnish(text, voice), text)
                 for voice in ("lj", "mv") for text in speech.FINNISH_SENTENCES]  # fmt: skip
        clips += [
            ("en", speech.synthesize_english(text), text) for text in speech.ENGLISH_SENTENCES
        ]
        for level in SPEECH_LEVELS_DBFS:
            for rule, engine in engines.items():
                for label, path, text in clips:
                    audio = speech.at_level(speech.read_wav(path)[0], level)
                    row = {"input": f"{label} {level:.0f} dBFS", "noise": False, "rule": rule}
                    row.update(_stream(engine, audio), reference=text)
                    rows.append(row)
    _print(rows, wer)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def _print(rows: list[dict], wer) -> None:
    def cells(label: str, cell) -> str:
        line = f"{label:26s}"
        for rule in RULES:
            chosen = [r for r in rows if r["input"] == label and r["rule"] == rule]
            line += f"{cell(chosen):>24s}"
        return line

    header = f"{'':26s}" + "".join(f"{rule:>24s}" for rule in RULES)
    print("noise: utterances / decodes / committed words / tentative updates with text")
    print(header)

    def noise_cell(chosen: list[dict]) -> str:
        return "{utterances}/{decodes}/{words}/{tentative_shown}".format(**chosen[0])

    for label in dict.fromkeys(r["input"] for r in rows if r["noise"]):
        print(cells(label, noise_cell))
    for rule in RULES:
        leaked = [r["text"] for r in rows if r["noise"] and r["rule"] == rule and r["text"]]
        print(f"committed from noise, {rule}: {leaked or 'nothing'}")

    def speech_cell(chosen: list[dict]) -> str:
        lost = sum(r["words"] == 0 for r in chosen)
        error = wer([r["reference"] for r in chosen], [r["text"] for r in chosen])
        return f"{len(chosen)} clips, {lost} lost, {error:.3f}"

    print("\nspeech: clips, clips with no committed word, word error rate")
    print(header)
    for label in dict.fromkeys(r["input"] for r in rows if not r["noise"]):
        print(cells(label, speech_cell))


if __name__ == "__main__":
    main()
