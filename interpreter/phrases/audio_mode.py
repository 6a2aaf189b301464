"""Audio mode: each phrase replayed through the desk's listening session.

Each phrase gets its own session from :func:`interpreter.session.build_listening_session`
(the desk's and ``interpreter listen``'s code path) with the run's already loaded
Whisper and translation engines, replaying the phrase's recording, or speech synthesized
for it, followed by a second of silence so the utterance ends by a pause as it would
live. The per-stage latencies come from the events' ``speech_end`` and ``emitted_at``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interpreter.events import (
    CommittedText,
    ErrorEvent,
    Event,
    TranslationEvent,
    UtteranceEnded,
)
from interpreter.phrases.format import Phrase
from interpreter.phrases.results import ASR_STAGE, MT_STAGE, STAGES, TOTAL, PhraseResult
from interpreter.phrases.tts import TtsError, synthesize
from interpreter.translate.engine import TranslationEngine
from interpreter.translate.glossary import Glossary

logger = logging.getLogger(__name__)

#: How often a running phrase looks at the cancel flag, seconds.
CANCEL_POLL_SECONDS = 0.1


def default_tts_cache() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("desk-interpreter", appauthor=False) / "phrase-speech"


@dataclass
class _Collector:
    """Events of one session, from the pipeline and translation threads."""

    events: list[Event] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)

    def snapshot(self) -> list[Event]:
        with self.lock:
            return list(self.events)


class AudioRunner:
    """Runs phrases as speech; Whisper is loaded once in the constructor."""

    def __init__(
        self,
        options: Any,
        engines: Mapping[tuple[str, str], TranslationEngine],
        glossary: Glossary | None,
        on_notice: Callable[[str], None] | None = None,
    ) -> None:
        from interpreter.session import load_engine

        self.options = options
        self.engines = dict(engines)
        self.glossary = glossary
        self.on_notice = on_notice
        self.whisper = load_engine(
            options.asr_model, options.threads, options.compute_device, on_notice
        )
        self.cache = Path(options.tts_cache) if options.tts_cache else default_tts_cache()

    def describe(self) -> dict[str, Any]:
        return {
            "model": self.options.asr_model,
            "path": str(self.whisper.model_path),
            "device": self.whisper.device,
            "compute_type": self.whisper.compute_type,
            "load_seconds": round(self.whisper.load_seconds, 2),
        }

    def run(self, phrase: Phrase, target: str, cancel: threading.Event) -> PhraseResult | None:
        """The phrase's result, or None when cancelled before it finished."""
        result = PhraseResult.empty(phrase, target, latency={stage: None for stage in STAGES})
        audio = phrase.audio
        if audio is None:
            try:
                audio = synthesize(phrase.text, phrase.lang, self.options.tts, self.cache)
            except TtsError as exc:
                result.error = f"speech synthesis failed: {exc}"
                return result
            result.synthesized = True
        result.audio = str(audio)
        events = self._replay(audio, phrase, cancel, result)
        if events is None:
            return None
        if result.error is None:
            _fill_from_events(result, events, measure=self.options.speed == 1.0)
        return result

    def _replay(
        self, audio: Path, phrase: Phrase, cancel: threading.Event, result: PhraseResult
    ) -> list[Event] | None:
        from interpreter.audio.base import AudioError
        from interpreter.session import ListenSettings, build_listening_session

        settings = ListenSettings(
            pair=self.options.pair,
            asr_model=self.options.asr_model,
            replay=audio,
            speed=self.options.speed,
            mode=phrase.side if self.options.mode == "side" else "auto",
            threads=self.options.threads,
            compute_device=self.options.compute_device,
            replay_pad_seconds=self.options.pad_seconds,
        )
        collector = _Collector()
        try:
            session = build_listening_session(
                settings,
                self.on_notice,
                on_event=collector,
                engine=self.whisper,
                translation_engines=self.engines,
                glossary=self.glossary,
            )
            session.start()
        except (AudioError, ValueError) as exc:
            result.error = str(exc)
            return []
        while not session.pipeline.wait(CANCEL_POLL_SECONDS):
            if cancel.is_set():
                session.pipeline.stop()
                session.wait_and_close()
                return None
        session.wait_and_close()
        if session.pipeline.error is not None:
            result.error = str(session.pipeline.error)
        return collector.snapshot()


def _fill_from_events(result: PhraseResult, events: list[Event], measure: bool) -> None:
    """Transcript, translation, flags and per-stage latency of the phrase's utterances.

    A phrase may come out as several utterances (a long pause inside it): their texts are
    joined and the latency is the last one's, the delay before the listener has it all.
    The translation stage ends at the first translation of the utterance's whole
    committed text, which the desk shows before the utterance is closed.
    """
    ended = [e for e in events if isinstance(e, UtteranceEnded) and e.text]
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    fatal = [e for e in errors if e.fatal]
    if fatal:
        result.error = "; ".join(e.text for e in fatal)
    for error in errors:
        if not error.fatal:  # e.g. a translation failed: the phrase is flagged, not lost
            logger.warning("phrase %s: %s", result.phrase_id, error.text)
    finals = {e.utterance_id: e for e in events if isinstance(e, TranslationEvent) and e.final}
    result.transcript = " ".join(e.text for e in ended)
    result.translation = " ".join(
        finals[e.utterance_id].text for e in ended if e.utterance_id in finals
    )
    flags: list[str] = ["error"] if len(errors) > len(fatal) else []
    if not ended:
        flags.append("no_speech")
    if len(ended) > 1:
        flags.append("split")
    langs = {e.lang for e in ended}
    result.detected_lang = ",".join(sorted(lang for lang in langs if lang))
    if ended and langs != {result.source_lang}:
        flags.append("wrong_language")
    for event in finals.values():
        flags += event.flags
        result.route, result.backend = event.route, event.backend
    if ended and len(finals) < len(ended):
        flags.append("untranslated")
    result.flags = tuple(dict.fromkeys(flags))
    if not ended or not measure:
        return
    last = ended[-1]
    commits = [
        e
        for e in events
        if isinstance(e, CommittedText) and e.utterance_id == last.utterance_id and e.text
    ]
    if not commits:
        return
    commit = commits[-1]
    result.latency[ASR_STAGE] = commit.emitted_at - commit.speech_end
    whole = " ".join(last.text.split())
    translations = [
        e
        for e in events
        if isinstance(e, TranslationEvent)
        and e.utterance_id == last.utterance_id
        and "tentative" not in e.flags
        and " ".join(e.source_text.split()) == whole
    ]
    if translations:
        done = min(translations, key=lambda e: e.emitted_at)
        result.latency[MT_STAGE] = max(0.0, done.emitted_at - commit.emitted_at)
        result.latency[TOTAL] = done.emitted_at - commit.speech_end


__all__ = ["AudioRunner", "default_tts_cache"]
