"""Translating text in one direction through a route's loaded models.

For each request: split into sentences, mask glossary terms and protected spans
(numbers, times, dates, money, phone numbers, e-mail addresses, URLs) with placeholders,
translate the sentences as one batch through every step of the route (two steps pivot
through English), restore the placeholders, check each sentence for degenerate output,
and reassemble. A sentence whose translation failed is shown as its source text and the
result is flagged ``untranslated``: garbage is never presented as a translation.

Whole requests and single masked sentences are cached: the worker translates an
utterance's whole text after every commit, and only its new or changed sentences reach
the models.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from interpreter.logs import conversation_logger
from interpreter.translate.base import (
    BackendOutput,
    TranslationBackend,
    TranslationCancelled,
    TranslationError,
)
from interpreter.translate.cache import TranslationCache
from interpreter.translate.glossary import Glossary
from interpreter.translate.sentences import reassemble, split_sentences
from interpreter.translate.text import is_degenerate, protect

logger = logging.getLogger(__name__)
#: Transcript or translation text: silent unless the debug option logs it (logs.py).
text_log = conversation_logger(__name__)

#: Longer inputs are cut into sentences anyway; this bounds a single request.
MAX_INPUT_CHARACTERS = 20_000


@dataclass(frozen=True)
class TranslationResult:
    source_lang: str
    target_lang: str
    text: str
    translation: str
    route: str
    backend: str
    tokens_out: int
    ms: float
    flags: tuple[str, ...] = ()

    @property
    def untranslated(self) -> bool:
        return "untranslated" in self.flags


class TranslationEngine:
    """One direction (e.g. fi -> en) with its route's backends, loaded once."""

    def __init__(
        self,
        source: str,
        target: str,
        route_id: str,
        steps: Sequence[TranslationBackend],
        glossary: Glossary | None = None,
        cache: TranslationCache | None = None,
        sentence_cache: TranslationCache[BackendOutput] | None = None,
    ) -> None:
        """``cache`` holds whole results by request text; ``sentence_cache`` the last
        step's output by masked sentence (placeholders in, so sentences that differ only
        in numbers or glossary terms share an entry)."""
        if not steps:
            raise TranslationError(f"Route {route_id} for {source}-{target} has no models.")
        self.source = source
        self.target = target
        self.route_id = route_id
        self.steps = list(steps)
        self.glossary = glossary
        self.cache = cache if cache is not None else TranslationCache(max_entries=512)
        self.sentence_cache: TranslationCache[BackendOutput] = (
            sentence_cache if sentence_cache is not None else TranslationCache(max_entries=2048)
        )

    @property
    def backend_name(self) -> str:
        return "+".join(dict.fromkeys(step.name for step in self.steps))

    def translate(self, text: str, stop: Callable[[], bool] | None = None) -> TranslationResult:
        """Translate ``text`` (cached when seen before).

        ``stop`` is asked while the models run; once it says True the translation is
        given up (greedy CTranslate2 decoding stops within a token) and
        :class:`TranslationCancelled` raised, with nothing cached.
        """
        started = time.perf_counter()
        if len(text) > MAX_INPUT_CHARACTERS:
            raise TranslationError(
                f"Text of {len(text)} characters is too long to translate at once "
                f"(limit {MAX_INPUT_CHARACTERS}); split it into paragraphs."
            )
        version = self.glossary.version if self.glossary else ""
        cached = self.cache.get(self.route_id, text, version)
        if cached is not None:
            return cached
        translation, tokens, flags = self._translate_uncached(text, stop)
        result = TranslationResult(
            source_lang=self.source,
            target_lang=self.target,
            text=text,
            translation=translation,
            route=self.route_id,
            backend=self.backend_name,
            tokens_out=tokens,
            ms=(time.perf_counter() - started) * 1000.0,
            flags=tuple(flags),
        )
        if not flags:
            self.cache.put(self.route_id, text, version, result)
        return result

    def _translate_uncached(
        self, text: str, stop: Callable[[], bool] | None = None
    ) -> tuple[str, int, list[str]]:
        segments = split_sentences(text, self.source)
        if not segments:
            return "", 0, []
        masks = []
        for segment in segments:
            mask = (
                self.glossary.apply(segment.text, self.source, self.target)
                if self.glossary
                else None
            )
            protected = protect(mask.text if mask else segment.text, mask.next_index if mask else 1)
            masks.append(mask.merge(protected) if mask else protected)
        outputs = self._translate_masked([m.text for m in masks], stop)
        tokens = sum(o.tokens_out for o in outputs)  # the last step's output is shown
        current = [o.text for o in outputs]
        flags: list[str] = []
        final: list[str] = []
        for segment, mask, output in zip(segments, masks, current, strict=True):
            restored, problems = mask.restore(output)
            reason = is_degenerate(segment.text, restored)
            if reason:
                logger.warning("a sentence was left untranslated (%s)", reason)
                text_log.debug("untranslated (%s): %r -> %r", reason, segment.text, output)
                flags += ["untranslated", "degenerate"]
                final.append(segment.text)
                continue
            if problems:
                logger.info("%d placeholder problem(s) repaired", len(problems))
                text_log.debug("placeholder problems in %r: %s", output, problems)
                flags.append("placeholder_repaired")
            final.append(restored)
        return reassemble(final, segments, self.target), tokens, list(dict.fromkeys(flags))

    def _translate_masked(
        self, texts: list[str], stop: Callable[[], bool] | None = None
    ) -> list[BackendOutput]:
        """The last step's output for each masked sentence: cached ones from the sentence
        cache, the others (each distinct text once) as one batch through every step."""
        version = self.glossary.version if self.glossary else ""
        found: dict[str, BackendOutput] = {}
        missing: list[str] = []
        for text in dict.fromkeys(texts):
            cached = self.sentence_cache.get(self.route_id, text, version)
            if cached is None:
                missing.append(text)
            else:
                found[text] = cached
        if missing:
            current = missing
            for step in self.steps:
                if stop is not None and getattr(step, "stoppable", False):
                    outputs = step.translate_batch(current, stop=stop)
                else:
                    outputs = step.translate_batch(current)
                if stop is not None and stop():
                    raise TranslationCancelled(f"Translation {self.route_id} was given up.")
                current = [o.text for o in outputs]
            for text, output in zip(missing, outputs, strict=True):
                self.sentence_cache.put(self.route_id, text, version, output)
                found[text] = output
        return [found[text] for text in texts]
