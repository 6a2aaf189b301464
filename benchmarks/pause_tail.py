"""How much audio after the end of speech a committing decode needs, and whether silence
can stand in for the part not heard yet.

The decode that a pause commits starts at the pause's first silent VAD frame; by then
about 0.066 s of audio follows the true end of speech (the detector's lag and one
frame). This script decodes each turn of the desk dialogue alone, told its language, cut
at its true end plus that much, plus the 0.10 s of the second frame, and plus 0.066 s
with digital silence added. With ``--streaming`` it also replays the tests' Finnish and
English clips and every dialogue turn alone through the streaming core in 0.02 s blocks
(as replay and the microphone deliver audio), once with the decode at the second silent
frame and no silence added and once with the recognizer's defaults, and prints the WER
of both.

Usage: python benchmarks/pause_tail.py [--streaming] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

PRE_ROLL_SECONDS = 0.2
#: (audio after the true end of speech, digital silence added), seconds.
TAILS = ((0.066, 0.0), (0.10, 0.0), (0.066, 0.04), (0.066, 0.10))


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """The dialogue benchmark's WER (benchmarks/dialogue.py, loaded by path: the test
    material's module has the same name)."""
    import importlib.util

    name = "dialogue_benchmark"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "dialogue.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name].word_error_rate(references, hypotheses)


def offline_tails(engine, material) -> None:
    import numpy as np

    from interpreter.audio.base import SAMPLE_RATE
    from interpreter.audio.replay import decode_file

    audio = decode_file(material.path)
    print("audio after the true end    WER fi   WER en   WER all")
    for after, silence in TAILS:
        refs: dict[str, list[str]] = {"fi": [], "en": []}
        hyps: dict[str, list[str]] = {"fi": [], "en": []}
        for turn in material.turns:
            start = int((turn.start - PRE_ROLL_SECONDS) * SAMPLE_RATE)
            cut = audio[start : int((turn.end + after) * SAMPLE_RATE)]
            if silence:
                cut = np.concatenate([cut, np.zeros(int(silence * SAMPLE_RATE), np.float32)])
            hypothesis = engine.decode(engine.encode(cut), turn.lang, final=True)
            refs[turn.lang].append(turn.text)
            hyps[turn.lang].append(hypothesis.text)
        every = word_error_rate(refs["fi"] + refs["en"], hyps["fi"] + hyps["en"])
        label = f"{after:.3f} s" + (f" + {silence:.2f} s silence" if silence else "")
        print(
            f"{label:<26}  {word_error_rate(refs['fi'], hyps['fi']):7.3f}"
            f"  {word_error_rate(refs['en'], hyps['en']):7.3f}  {every:7.3f}"
        )


def streaming_clips(engine) -> None:
    import conftest
    import dialogue
    import speech
    from asr_helpers import padded, stream_audio

    from interpreter.audio.replay import decode_file
    from interpreter.streaming import StreamingOptions

    cache = speech.cache_dir()
    clips = [
        (path, text, "fi")
        for path, text in speech.finnish_test_clips(cache, conftest.MV_SENTENCE_INDICES)
    ]
    clips += [(path, text, "en") for path, text in speech.english_test_clips(cache)]
    for alone in dialogue.turn_clips():
        clips.append((alone.path, alone.turns[0].text, alone.turns[0].lang))
    settings = {
        "second frame, no silence": StreamingOptions(
            speculative_pause_seconds=0.05, pause_tail_seconds=0.0
        ),
        "defaults": StreamingOptions(),
    }
    print(f"\n{len(clips)} clips alone, streamed in 0.02 s blocks")
    for name, options in settings.items():
        texts = [
            stream_audio(
                engine, padded(decode_file(path)), options=options, block_seconds=0.02
            ).text
            for path, _, _ in clips
        ]
        figures = []
        for lang in ("fi", "en"):
            chosen = [i for i, clip in enumerate(clips) if clip[2] == lang]
            wer = word_error_rate([clips[i][1] for i in chosen], [texts[i] for i in chosen])
            figures.append(f"{lang} {wer:.3f} ({len(chosen)})")
        every = word_error_rate([clip[1] for clip in clips], texts)
        print(f"{name:<26}  all {every:.3f}  " + "  ".join(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streaming", action="store_true", help="also stream every clip")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import dialogue

    from interpreter.session import load_engine

    material = dialogue.build_dialogue(None, dialogue.DEFAULT_SEED)
    engine = load_engine("base", threads=args.threads)
    offline_tails(engine, material)
    if args.streaming:
        streaming_clips(engine)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
