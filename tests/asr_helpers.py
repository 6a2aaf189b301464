"""Running the real streaming core over test speech, deterministically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jiwer
import numpy as np

from interpreter.asr.language import LanguagePair
from interpreter.asr.whisper_engine import WhisperEngine
from interpreter.audio.base import SAMPLE_RATE
from interpreter.audio.replay import decode_file
from interpreter.events import CommittedText, Event, UtteranceEnded, UtteranceStarted
from interpreter.simulate import VirtualClock, simulate
from interpreter.streaming import StreamingOptions, StreamingRecognizer
from interpreter.textnorm import normalise_for_wer


@dataclass
class StreamResult:
    events: list[Event]
    recognizer: StreamingRecognizer

    @property
    def ended(self) -> list[UtteranceEnded]:
        return [e for e in self.events if isinstance(e, UtteranceEnded)]

    @property
    def committed(self) -> list[CommittedText]:
        return [e for e in self.events if isinstance(e, CommittedText)]

    @property
    def started(self) -> list[UtteranceStarted]:
        return [e for e in self.events if isinstance(e, UtteranceStarted)]

    @property
    def text(self) -> str:
        return " ".join(e.text for e in self.ended if e.text)

    @property
    def committed_words(self) -> int:
        return sum(len(e.text.split()) for e in self.committed)

    def languages_during(self, start: float, end: float) -> set[str | None]:
        """Languages of the utterances with text that overlap ``[start, end)`` seconds."""
        return {
            e.lang for e in self.ended if e.text and e.audio_start < end and e.audio_end > start
        }

    def overlong(self, turns, ratio: float = 1.5, extra: int = 3) -> list[str]:
        """Utterances with far more words than the ``turns`` (objects with ``start``,
        ``end`` and ``text``) they overlap said: speech read twice, or words invented."""
        found = []
        for ended in (e for e in self.ended if e.text):
            said = [t for t in turns if t.start < ended.audio_end and t.end > ended.audio_start]
            words = sum(len(t.text.split()) for t in said)
            if len(ended.text.split()) > ratio * words + extra:
                found.append(ended.text)
        return found


def padded(audio: np.ndarray, before: float = 1.0, after: float = 1.5) -> np.ndarray:
    return np.concatenate(
        [
            np.zeros(int(before * SAMPLE_RATE), np.float32),
            audio.astype(np.float32),
            np.zeros(int(after * SAMPLE_RATE), np.float32),
        ]
    )


def stream_audio(
    engine: WhisperEngine,
    audio: np.ndarray,
    pair: str = "fi-en",
    mode: str = "auto",
    options: StreamingOptions | None = None,
    block_seconds: float = 0.1,
) -> StreamResult:
    """Replay ``audio`` through a fresh recognizer in blocks of ``block_seconds`` on a
    virtual clock (file replay and the microphone deliver 0.02 s blocks).

    Compute time is not counted, so the result depends on the audio alone.
    """
    clock = VirtualClock()
    recognizer = StreamingRecognizer(engine, LanguagePair.parse(pair), options, clock=clock)
    recognizer.set_mode(mode)
    events = simulate(recognizer, clock, audio, block_seconds, count_compute=False)
    return StreamResult(events, recognizer)


def stream_file(engine: WhisperEngine, path: Path, **kwargs) -> StreamResult:
    return stream_audio(engine, padded(decode_file(path)), **kwargs)


def wer(references: list[str], hypotheses: list[str]) -> float:
    return jiwer.wer(
        [normalise_for_wer(r) for r in references], [normalise_for_wer(h) for h in hypotheses]
    )


def offline_transcripts(model_dir: Path, clips: list[tuple[Path, str]], language: str) -> list[str]:
    """Plain faster-whisper (its defaults: beam 5, 30 s window) with the language given."""
    from faster_whisper import WhisperModel

    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=2)
    texts = []
    for path, _ in clips:
        segments, _info = model.transcribe(str(path), language=language)
        texts.append(" ".join(s.text.strip() for s in segments))
    return texts
