"""Translation on its own thread, fed by the recognizer's events.

Each committed piece of an utterance schedules a translation of the utterance's whole
committed text so far; when the utterance ends, a final translation follows. Only the
newest text of an utterance waits in the queue: if three commits arrive while a
translation runs, the next translation covers all three (the older requests are
dropped and counted, never the utterance's final one). Final translations go before
the growing text of utterances still being spoken, and the final or revised text of an
utterance stops a running translation of its older text (greedy CTranslate2 search
stops within a token).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from interpreter.asr.language import LanguagePair
from interpreter.events import (
    CommittedText,
    ErrorEvent,
    Event,
    RevisedText,
    TentativeText,
    TranslationEvent,
    UtteranceEnded,
)
from interpreter.translate.base import TranslationCancelled, TranslationError
from interpreter.translate.engine import TranslationEngine

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    source: Event  # the event that asked for it (its utterance, side and times)
    text: str
    final: bool
    tentative: bool = False


class TranslationWorker:
    """Runs :class:`TranslationEngine` s for both directions of a pair on one thread."""

    def __init__(
        self,
        pair: LanguagePair,
        engines: Mapping[tuple[str, str], TranslationEngine],
        clock: Callable[[], float],
        on_event: Callable[[Event], None],
        tentative_interval_seconds: float | None = None,
    ) -> None:
        """``tentative_interval_seconds``: also translate tentative text, at most this
        often per utterance (off by default: it costs compute and shows text that may
        still change)."""
        self.pair = pair
        self.tentative_interval = tentative_interval_seconds
        self._last_tentative: dict[int, float] = {}
        self.engines = dict(engines)
        self._clock = clock
        self._on_event = on_event
        self._texts: dict[int, list[str]] = {}
        self._pending: dict[int, _Job] = {}
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._running: _Job | None = None
        self._give_up = threading.Event()  # the running job's result is no longer wanted
        self.superseded = 0
        self.cancelled = 0

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="interpreter-translation", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Translate what is still queued, then stop."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or being translated; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and self._running is None, timeout)

    def submit(self, event: Event) -> None:
        """Feed every recognizer event; committed text, revisions, utterance ends are
        translated."""
        if isinstance(event, CommittedText) and event.text:
            pieces = self._texts.setdefault(event.utterance_id, [])
            pieces.append(event.text)
            self._schedule(_Job(event, " ".join(pieces), final=False))
        elif isinstance(event, RevisedText):
            # The utterance was recognised again (e.g. in the other language): its whole
            # text replaces what was committed, and a pending translation of the old text
            # is superseded.
            self._texts[event.utterance_id] = [event.text] if event.text else []
            if event.text:
                self._schedule(_Job(event, event.text, final=False))
        elif isinstance(event, TentativeText) and event.text and self.tentative_interval:
            now = self._clock()
            if now - self._last_tentative.get(event.utterance_id, -1e9) >= self.tentative_interval:
                self._last_tentative[event.utterance_id] = now
                pieces = [*self._texts.get(event.utterance_id, []), event.text]
                self._schedule(_Job(event, " ".join(pieces), final=False, tentative=True))
        elif isinstance(event, UtteranceEnded):
            self._texts.pop(event.utterance_id, None)
            self._last_tentative.pop(event.utterance_id, None)
            if event.text:
                self._schedule(_Job(event, event.text, final=True))

    def _schedule(self, job: _Job) -> None:
        with self._cond:
            previous = self._pending.pop(job.source.utterance_id, None)
            if previous is not None:
                self.superseded += 1
            self._pending[job.source.utterance_id] = job
            running = self._running
            if running is not None and self._overtakes(job, running):
                self._give_up.set()
            self._cond.notify_all()

    @staticmethod
    def _overtakes(job: _Job, running: _Job) -> bool:
        """Whether ``job`` makes the running translation useless: the same utterance's
        final or revised text, which differs from the text being translated (the same
        text comes from the cache once the running one is done)."""
        return (
            job.source.utterance_id == running.source.utterance_id
            and not running.final
            and (job.final or isinstance(job.source, RevisedText))
            and job.text != running.text
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._stopping)
                if not self._pending:
                    return
                job = self._pending.pop(self._next_utterance())
                self._running = job
                self._give_up.clear()
            try:
                self._translate(job)
            finally:
                with self._cond:
                    self._running = None
                    self._cond.notify_all()  # wait_idle hears it

    def _next_utterance(self) -> int:
        """The utterance to translate next: finished utterances first (their final
        translation is what the listener waits for), then the oldest."""
        return min(self._pending, key=lambda uid: (not self._pending[uid].final, uid))

    def _translate(self, job: _Job) -> None:
        source_lang = job.source.lang or self.pair.staff
        target_lang = self.pair.client if source_lang == self.pair.staff else self.pair.staff
        engine = self.engines.get((source_lang, target_lang))
        event = job.source
        common = dict(
            utterance_id=event.utterance_id,
            side=event.side,
            audio_start=event.audio_start,
            audio_end=event.audio_end,
            speech_end=event.speech_end,
        )
        if engine is None:
            self._emit_error(
                job, target_lang, f"No translation model loaded for {source_lang}-{target_lang}."
            )
            return
        try:
            result = engine.translate(job.text, stop=self._give_up.is_set)
        except TranslationCancelled:
            self.cancelled += 1
            logger.debug("gave up translating utterance %d: newer text came", event.utterance_id)
            return
        except TranslationError as exc:
            self._emit_error(job, target_lang, str(exc))
            return
        except Exception as exc:  # the worker must report, not die
            logger.exception("translation failed")
            self._emit_error(job, target_lang, f"Translation failed: {exc}")
            return
        if job.final:
            logger.info(
                "utterance %d translated %s-%s (%s, %s): %.0f ms, %d tokens%s",
                event.utterance_id,
                source_lang,
                target_lang,
                result.route,
                result.backend,
                result.ms,
                result.tokens_out,
                f", flags {','.join(result.flags)}" if result.flags else "",
            )
        self._emit(
            TranslationEvent(
                lang=target_lang,
                text=result.translation,
                emitted_at=self._clock(),
                source_lang=source_lang,
                source_text=job.text,
                flags=(*result.flags, "tentative") if job.tentative else result.flags,
                route=result.route,
                backend=result.backend,
                ms=round(result.ms, 1),
                tokens_out=result.tokens_out,
                final=job.final,
                **common,
            )
        )

    def _emit_error(self, job: _Job, target_lang: str, message: str) -> None:
        event = job.source
        self._emit(
            ErrorEvent(
                utterance_id=event.utterance_id,
                side=event.side,
                lang=target_lang,
                text=message,
                audio_start=event.audio_start,
                audio_end=event.audio_end,
                speech_end=event.speech_end,
                emitted_at=self._clock(),
                source="translation",
            )
        )

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:
            logger.exception("translation event consumer failed")
