"""Streaming recognition latency, cadence, compute and memory on a replayed conversation.

Builds a conversation of Finnish (Festival) and English (LibriVox, espeak-ng) sentences
with known speech boundaries, replays it through the real pipeline at real-time pace,
and prints per utterance and in summary:

* latency from the true end of speech to the last committed word of that sentence,
* tentative update cadence while someone speaks,
* ASR compute (real-time factor) and the same segments transcribed offline by plain
  faster-whisper for a ratio, in wall time of decodes and in CPU seconds,
* word error rate of both against the references, and peak RSS.

Usage: python benchmarks/streaming_latency.py [--threads 2] [--sentences 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def build_clips(count: int, workdir: Path):
    import speech

    clips = []
    finnish = speech.FINNISH_SENTENCES[:count]
    for i, text in enumerate(finnish):
        path = speech.synthesize_finnish(text, "lj" if i % 3 else "mv", workdir / f"fi{i}.wav")
        clips.append((path, text, "fi"))
    english = [(p, t) for p, t in speech.librivox_clips()][: max(1, count // 2)]
    english += [
        (speech.synthesize_english(t, workdir / f"en{i}.wav"), t)
        for i, t in enumerate(speech.ENGLISH_SENTENCES[: max(1, count - len(english))])
    ]
    mixed = []
    for i in range(max(len(clips), len(english))):
        if i < len(clips):
            mixed.append(clips[i])
        if i < len(english):
            mixed.append((english[i][0], english[i][1], "en"))
    return speech.build_conversation(mixed, out_path=workdir / "conversation.wav")


def run_streaming(conversation, threads: int, interval: float, share: float):
    from interpreter.events import CommittedText, TentativeText, UtteranceEnded
    from interpreter.session import ListenSettings, build_listening_session
    from interpreter.streaming import StreamingOptions

    settings = ListenSettings(
        pair="fi-en",
        replay=conversation.path,
        speed=1.0,
        threads=threads,
        streaming=StreamingOptions(
            tentative_interval_seconds=interval,
            tentative_compute_share=share,
            overlap_decodes=True,
        ),
    )
    session = build_listening_session(settings)
    events = []
    cpu_started = time.process_time()
    session.pipeline.start()
    assert session.pipeline.events is not None
    for event in session.pipeline.events:
        events.append(event)
    cpu_seconds = time.process_time() - cpu_started
    stats = session.pipeline.recognizer.stats
    committed = [e for e in events if isinstance(e, CommittedText)]
    tentative = [e for e in events if isinstance(e, TentativeText)]
    ended = [e for e in events if isinstance(e, UtteranceEnded)]
    return session.engine, events, committed, tentative, ended, stats, cpu_seconds


def evaluate(conversation, committed, tentative, ended):
    """Match each true sentence to the committed words emitted for its audio."""
    rows = []
    for segment in conversation.segments:
        # Committed events whose utterance overlaps the sentence.
        overlapping = {
            e.utterance_id
            for e in ended
            if e.audio_start < segment.end and e.audio_end > segment.start
        }
        pieces = [e for e in committed if e.utterance_id in overlapping]
        if not pieces:
            rows.append({"text": segment.text, "lang": segment.lang, "hyp": "", "latency": None})
            continue
        last = max(pieces, key=lambda e: e.emitted_at)
        rows.append(
            {
                "text": segment.text,
                "lang": segment.lang,
                "hyp": " ".join(e.text for e in pieces),
                "detected": sorted({e.lang for e in pieces}),
                "speech_end": segment.end,
                "latency": last.emitted_at - segment.end,
                "latency_vs_vad": last.emitted_at - last.speech_end,
            }
        )
    cadence = []
    by_utterance: dict[int, list[float]] = {}
    for e in tentative:
        by_utterance.setdefault(e.utterance_id, []).append(e.emitted_at)
    for times in by_utterance.values():
        cadence += [b - a for a, b in itertools.pairwise(times)]
    return rows, cadence


def run_offline(engine_path: Path, conversation, threads: int):
    """Plain faster-whisper (beam 5, 30 s window) on each true sentence, language given."""
    from faster_whisper import WhisperModel

    from interpreter.audio.replay import decode_file

    audio = decode_file(conversation.path)
    model = WhisperModel(str(engine_path), device="cpu", compute_type="int8", cpu_threads=threads)
    total, cpu, texts = 0.0, 0.0, []
    for segment in conversation.segments:
        clip = audio[int(segment.start * 16000) : int(segment.end * 16000) + 3200]
        started, cpu_started = time.perf_counter(), time.process_time()
        parts, _ = model.transcribe(clip, language=segment.lang)
        texts.append(" ".join(p.text.strip() for p in parts))
        total += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    return total, cpu, texts


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    import jiwer

    from interpreter.textnorm import normalise_for_wer

    refs = [normalise_for_wer(r) for r in references]
    hyps = [normalise_for_wer(h) for h in hypotheses]
    return jiwer.wer(refs, hyps)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--sentences", type=int, default=8, help="Finnish sentences (English: same)"
    )
    parser.add_argument(
        "--tentative-interval", type=float, default=0.5, help="seconds between tentative updates"
    )
    parser.add_argument(
        "--compute-share",
        type=float,
        help="share of time tentative updates may take (0: no limit; default: the "
        "recognizer's own)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.compute_share is None:
        from interpreter.streaming import StreamingOptions

        args.compute_share = StreamingOptions().tentative_compute_share

    with tempfile.TemporaryDirectory() as tmp:
        conversation = build_clips(args.sentences, Path(tmp))
        duration = conversation.duration
        print(
            f"conversation: {len(conversation.segments)} sentences, {duration:.1f} s, "
            "replayed in real time"
        )
        engine, _events, committed, tentative, ended, stats, cpu_seconds = run_streaming(
            conversation, args.threads, args.tentative_interval, args.compute_share
        )
        rows, cadence = evaluate(conversation, committed, tentative, ended)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        offline_seconds, offline_cpu, offline_texts = run_offline(
            engine.model_path, conversation, args.threads
        )

    print(f"\n{'lang':4} {'latency':>8} {'vs VAD':>7}  hypothesis / reference")
    latencies = []
    for row in rows:
        latency = row["latency"]
        if latency is not None:
            latencies.append(latency)
        shown = (
            f"{latency:8.2f} {row['latency_vs_vad']:7.2f}"
            if latency is not None
            else "  missed        "
        )
        print(f"{row['lang']:4} {shown}  {row['hyp'][:70]}\n{'':22}{row['text'][:70]}")
    refs = [r["text"] for r in rows]
    summary = {
        "sentences": len(rows),
        "missed": sum(r["latency"] is None for r in rows),
        "latency_p50": percentile(latencies, 50),
        "latency_p95": percentile(latencies, 95),
        "latency_max": max(latencies) if latencies else float("nan"),
        "tentative_cadence_median": statistics.median(cadence) if cadence else float("nan"),
        "tentative_cadence_p90": percentile(cadence, 90),
        "tentative_skipped": stats.tentative_skipped,
        "decodes": stats.decodes,
        "asr_compute_seconds": stats.decode_seconds,
        "audio_seconds": duration,
        "asr_rtf": stats.decode_seconds / duration,
        "offline_seconds": offline_seconds,
        "streaming_over_offline": stats.decode_seconds / offline_seconds,
        # CPU seconds of the whole process while streaming (VAD, replay and both Whisper
        # workers) against those of offline transcription: the cost a desk PC pays.
        "streaming_cpu_seconds": cpu_seconds,
        "offline_cpu_seconds": offline_cpu,
        "cpu_streaming_over_offline": cpu_seconds / offline_cpu,
        "wer_streaming": word_error_rate(refs, [r["hyp"] for r in rows]),
        "wer_offline": word_error_rate(refs, offline_texts),
        "peak_rss_mb": peak_rss_mb,
        "threads": args.threads,
        "tentative_interval": args.tentative_interval,
        "tentative_compute_share": args.compute_share,
    }
    print("\nsummary")
    for key, value in summary.items():
        print(f"  {key:26} {value:.3f}" if isinstance(value, float) else f"  {key:26} {value}")
    if args.json:
        args.json.write_text(
            json.dumps({"summary": summary, "rows": rows}, indent=2, ensure_ascii=False)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
