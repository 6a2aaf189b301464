"""How well the playback gate tells someone talking over the app from the app's own echo.

A simulated desk (``tests/desk_sim.py``) plays espeak-ng English answers through a
loudspeaker that the microphone hears at several echo gains (1.0: a loop, the speaker's
full level; 0.1: 20 dB down) with the latency estimates early, right and late, over
quiet room noise. Two figures:

* false stops: runs of the app's speech alone in which the gate decided someone talked;
* barge-in: a Festival Finnish sentence (both voices) starts over the app at 1, 2 or 3 s;
  per echo gain, how often the app is stopped, how long after the voice's first loud
  sample, and where the audio handed to the recogniser starts against that sample.

Everything is deterministic; the figures depend only on the code and the voices.

Usage: python benchmarks/barge_in.py [--margin-db 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

APP_ANSWERS = (
    "Your appointment is on Monday at ten o'clock. Please bring your passport with you. "
    "The office is on the second floor, next to the lifts.",
    "Please fill in this form and bring it back to the desk. Thank you for waiting.",
    "Hello! Your number is twenty-two. The next free desk is number four.",
)
ECHO_GAINS = (1.0, 0.5, 0.3, 0.1, 0.03)
LATENCY_ERRORS = (-0.05, 0.0, 0.05, 0.1)  # seconds the microphone hears it after the estimate
PERSON_GAINS = (0.5, 0.3, 0.2, 0.1)
PERSON_STARTS = (1.0, 2.0, 3.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--margin-db", type=float, help="barge-in margin (default: the gate's)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    import numpy as np
    import speech
    from desk_sim import SimulatedDesk

    from interpreter.audio.base import SAMPLE_RATE
    from interpreter.speech.gate import GateOptions

    options = GateOptions()
    if args.margin_db is not None:
        options = GateOptions(barge_in_margin_db=args.margin_db)
    apps = [speech.read_wav(speech.synthesize_english(text))[0] for text in APP_ANSWERS]
    persons = [
        speech.read_wav(speech.synthesize_finnish(sentence, voice))[0]
        for sentence in speech.FINNISH_SENTENCES[:3]
        for voice in ("mv", "lj")
    ]

    false_stops = runs = 0
    for app in apps:
        for gain in ECHO_GAINS:
            for error in LATENCY_ERRORS:
                for seed in range(2):
                    desk = SimulatedDesk(app, gain, error, seed=seed, options=options)
                    desk.run()
                    runs += 1
                    false_stops += desk.gate.barge_ins
    figures: dict = {
        "margin_db": options.barge_in_margin_db,
        "false_stops": false_stops,
        "echo_runs": runs,
        "barge_in": {},
    }
    print(f"margin {options.barge_in_margin_db:g} dB")
    print(f"app alone: {false_stops} false stops in {runs} runs")
    for gain in PERSON_GAINS:
        delays, releases, missed = [], [], 0
        for person in persons:
            first_loud = int(np.argmax(np.abs(person) > 0.05))
            for start in PERSON_STARTS:
                desk = SimulatedDesk(
                    apps[0], gain, person=person, person_from=start, options=options
                )
                desk.run()
                onset = int(start * SAMPLE_RATE) + first_loud
                if desk.stopped_at is None:
                    missed += 1
                    continue
                delays.append((desk.stopped_at - onset) / SAMPLE_RATE)
                releases.append((desk.source.released_from - onset) / SAMPLE_RATE)
        total = len(persons) * len(PERSON_STARTS)
        row = {
            "stopped": total - missed,
            "runs": total,
            "delay_median_s": statistics.median(delays) if delays else None,
            "delay_max_s": max(delays) if delays else None,
            "release_median_s": statistics.median(releases) if releases else None,
        }
        figures["barge_in"][str(gain)] = row
        detail = (
            f"; stopped {row['delay_median_s']:.2f} s after the voice (max "
            f"{row['delay_max_s']:.2f}), heard from {row['release_median_s']:+.2f} s"
            if delays
            else ""
        )
        print(f"echo gain {gain:g}: stopped {row['stopped']}/{total}{detail}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
