"""Sentence splitting for translation: sentencex, with the desk's protected spans kept whole.

``split_sentences`` takes the sentence boundaries of each line from sentencex (segmentation
rules and abbreviation lists for about 300 languages) and applies four rules of its own:

1. A line break always ends a sentence (the break is kept as the separator); sentencex
   sees one line at a time.
2. No boundary inside a placeholder ``[[N]]`` or a protected span (number, time, date,
   money, phone number, e-mail address, URL; see ``text.find_spans``): a span has to reach
   the model in one piece to come back out of it. sentencex cuts a URL after a ``?`` or
   ``.`` followed by a capital (``https://hel.fi/haku?Kela=1``).
3. No boundary before a lower-case letter (after any opening quote or bracket): the dot
   before it ends an ordinal or an abbreviation that sentencex takes for a sentence end in
   that language (Estonian ``3. mail``, Swedish ``kl. fem``). Scripts without letter case
   are not affected.
4. No boundary between a lower-case word ending in a dot and a time or date after it
   (``kl. 14.30``, ``approx. 12:00``, ``t.ex. 1.2.2025``): sentencex takes the dot of an
   abbreviation it does not know for a sentence end when a number follows, and opening
   hours and appointments are said this way at the desk all the time. A real sentence end
   there ("... tomorrow. 14:30 suits me") stays joined, which costs little (the model gets
   two short sentences at once) where a wrong split sends "kl." to the model on its own.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from interpreter.translate.text import protected_spans

logger = logging.getLogger(__name__)

_LINE_BREAK = re.compile(r"\s*\n\s*")
_OPENING = "\"'“‘«([「『【¿¡"
_NEXT_CHARACTER = re.compile(rf"[{re.escape(_OPENING)}]*(.)", re.DOTALL)
#: A word and its dot at the end of a sentence (``kl.``, ``t.ex.``, ``approx.``).
_WORD_DOT = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\.$")
#: How far back ``_WORD_DOT`` looks for the start of the word.
_LONGEST_WORD = 40
_TIME_OR_DATE = frozenset({"time", "date"})


@dataclass(frozen=True)
class Segment:
    """One sentence: its text, the separator after it and (first segment only) any lead."""

    text: str
    separator: str = ""
    leading: str = ""


def _lines(body: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each non-blank line of ``body``, without the line breaks."""
    pos = 0
    for match in _LINE_BREAK.finditer(body):
        if match.start() > pos:
            yield pos, match.start()
        pos = match.end()
    if pos < len(body):
        yield pos, len(body)


def _sentencex_sentences(line: str, lang: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence sentencex finds in ``line``, white space trimmed."""
    from sentencex import get_sentence_boundaries

    found: list[tuple[int, int]] = []
    for boundary in get_sentence_boundaries(lang, line):
        start, end = boundary["start_index"], boundary["end_index"]
        piece = line[start:end]
        first, last = start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())
        if last > first:
            found.append((first, last))
    return found


def _keeps_boundary(
    body: str, end: int, next_start: int, spans: Sequence[tuple[int, int, str]], starts: list[int]
) -> bool:
    """Whether a sentence may end at ``end`` with the next one starting at ``next_start``.

    ``spans`` are the protected spans of ``body`` (which do not overlap), sorted, and
    ``starts`` their start offsets.
    """
    before = bisect.bisect_left(starts, next_start) - 1
    if before >= 0 and spans[before][1] > end:
        return False  # rule 2: the span runs across the boundary
    first = _NEXT_CHARACTER.match(body, next_start)
    if first and first.group(1).islower():
        return False  # rule 3
    word = _WORD_DOT.search(body, max(0, end - _LONGEST_WORD), end)
    if word and word.group(1).islower():  # rule 4
        at = before + 1
        return not (at < len(spans) and starts[at] == next_start and spans[at][2] in _TIME_OR_DATE)
    return True


def _merge(
    body: str, sentences: list[tuple[int, int]], spans: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    """Join the sentences of one line across the boundaries that ``_keeps_boundary`` rejects."""
    starts = [start for start, _end, _kind in spans]
    merged = sentences[:1]
    for start, end in sentences[1:]:
        if _keeps_boundary(body, merged[-1][1], start, spans, starts):
            merged.append((start, end))
        else:
            merged[-1] = (merged[-1][0], end)
    return merged


def split_sentences(text: str, lang: str) -> list[Segment]:
    """Split ``text`` (in language ``lang``) into sentences; see the module docstring.

    ``reassemble`` with the same texts gives ``text`` back. Empty or blank text gives ``[]``.
    """
    stripped = text.lstrip()
    if not stripped:
        return []
    leading, body = text[: len(text) - len(stripped)], stripped
    lines: list[list[tuple[int, int]]] = []
    for line_start, line_end in _lines(body):
        found = _sentencex_sentences(body[line_start:line_end], lang)
        lines.append([(start + line_start, end + line_start) for start, end in found])
    if any(len(line) > 1 for line in lines):  # rules 2 to 4 judge the boundaries inside lines
        spans = protected_spans(body)
        lines = [_merge(body, line, spans) for line in lines]
    sentences = [sentence for line in lines for sentence in line]
    segments = [
        Segment(
            body[start:end], body[end : sentences[i + 1][0] if i + 1 < len(sentences) else None]
        )
        for i, (start, end) in enumerate(sentences)
    ]
    if segments and leading:
        segments[0] = Segment(segments[0].text, segments[0].separator, leading)
    return segments


def _is_cjk_lang(lang: str) -> bool:
    return lang.split("_")[0].split("-")[0].lower() in {"zh", "ja", "zho", "jpn", "yue"}


def reassemble(
    translations: Sequence[str], segments: Sequence[Segment], target_lang: str | None = None
) -> str:
    """Join translated sentences with the original separators.

    With ``target_lang`` set, an empty separator between sentences (Chinese or Japanese
    source) becomes one space for a language that separates sentences with spaces, and a
    single space becomes empty for a Chinese or Japanese target.
    """
    if len(translations) != len(segments):
        raise ValueError(f"{len(translations)} translations for {len(segments)} segments")
    parts = [segments[0].leading] if segments else []
    for i, (translated, segment) in enumerate(zip(translations, segments, strict=True)):
        separator = segment.separator
        if target_lang is not None and i < len(segments) - 1:
            if separator == "" and not _is_cjk_lang(target_lang):
                separator = " "
            elif separator == " " and _is_cjk_lang(target_lang):
                separator = ""
        parts.append(translated.strip() + separator)
    return "".join(parts)
