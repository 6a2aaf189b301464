"""Text handling around machine translation: protected spans and output checks.

Sentences are split in ``interpreter.translate.sentences``.

Protected spans (``protect``) are replaced by placeholders ``[[N]]`` (N = 1, 2, ...).
Machine translation models copy digits and ASCII brackets verbatim far more reliably than
angle-bracket tags (``<n1>`` is split into sub-words and often translated or dropped) or
rare Unicode brackets (``⟨1⟩`` is often outside the vocabulary). ``restore`` tolerates what
models do to them: spaces inside (``[ [ 1 ] ]``), full-width brackets (``［［1］］``), a lost
bracket (``[[1]``, ``[1]``; the single-bracket form only when the source text had no
``[digit]`` of its own) and digits of other scripts (``[[١]]``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from interpreter.logs import conversation_logger
from interpreter.repetition import DEFAULT_RULE, LoopRule, longest_repeat

logger = logging.getLogger(__name__)
#: Transcript or translation text: silent unless the debug option logs it (logs.py).
text_log = conversation_logger(__name__)

# ---------------------------------------------------------------------------------------------
# Placeholders and protected spans

_PLACEHOLDER_EXACT = re.compile(r"\[\[(\d+)\]\]")
_PLACEHOLDER_LOOSE = re.compile(r"[\[［](?:\s*[\[［])?\s*(\d{1,4})\s*[\]］](?:\s*[\]］])?")
_SINGLE_BRACKET_NUMBER = re.compile(r"(?<!\[)\[\s*\d+\s*\](?!\])")


def placeholder(index: int) -> str:
    """The placeholder text for ``index``: ``[[index]]``."""
    return f"[[{index}]]"


@dataclass(frozen=True)
class Span:
    """One masked span: what the source had, and what ``restore`` puts in its place."""

    index: int
    source: str
    replacement: str
    kind: str


@dataclass(frozen=True)
class Masked:
    """Text with spans replaced by placeholders, and how to put them back."""

    text: str
    spans: Mapping[int, Span] = field(default_factory=dict)

    @property
    def next_index(self) -> int:
        """The first placeholder index not used here (to mask more of ``text`` later)."""
        return max(self.spans, default=0) + 1

    def merge(self, later: Masked) -> Masked:
        """Combine with a masking of ``self.text`` that used indices from ``next_index`` on."""
        clash = set(self.spans) & set(later.spans)
        if clash:
            raise ValueError(f"placeholder indices used twice: {sorted(clash)}")
        return Masked(later.text, {**self.spans, **later.spans})

    def restore(self, translated: str, append_missing: bool = True) -> tuple[str, list[str]]:
        """Put the spans back into ``translated``; returns the text and a list of problems.

        Problems: a placeholder missing (its span is appended at the end, after a space,
        when ``append_missing``), one placed more than once (each copy is restored), or a
        placeholder index that was never issued (left as it is).
        """
        single_ok = not _SINGLE_BRACKET_NUMBER.search(_PLACEHOLDER_EXACT.sub("", self.text))
        problems: list[str] = []
        seen: dict[int, int] = {}

        def substitute(match: re.Match[str]) -> str:
            brackets = sum(ch in "[]［］" for ch in match.group(0))
            if brackets < 3 and not single_ok:
                return match.group(0)
            index = int(match.group(1))
            span = self.spans.get(index)
            if span is None:
                problems.append(f"mangled placeholder {match.group(0)!r}: no such span")
                return match.group(0)
            seen[index] = seen.get(index, 0) + 1
            return span.replacement

        restored = _PLACEHOLDER_LOOSE.sub(substitute, translated)
        for index, span in sorted(self.spans.items()):
            count = seen.get(index, 0)
            if count == 0:
                problems.append(f"missing {span.kind} {span.source!r} (placeholder {index})")
                if append_missing:
                    restored = f"{restored.rstrip()} {span.replacement}".lstrip()
            elif count > 1:
                problems.append(f"duplicated {span.kind} {span.source!r} ({count} times)")
        if problems:
            logger.debug("%d placeholder problem(s) on restoring", len(problems))
            text_log.debug("restore problems: %s", problems)
        return restored, problems


#: The result of ``protect`` (the same shape as the glossary's masking).
Protected = Masked

_NOT_WORD_BEFORE = r"(?<![A-Za-zÀ-ɏ0-9_])"
_NOT_WORD_AFTER = r"(?![A-Za-zÀ-ɏ0-9_])"
_AMOUNT = r"\d{1,3}(?:[  ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_TLDS = "fi|com|org|net|eu|se|ee|info"
#: Chinese and Japanese punctuation, which follows a URL without a space.
_CJK_PUNCTUATION = "。、，！？；：（）「」『』【】"
_SPAN_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "url",
        rf"(?:https?://|www\.)[^\s<>\"{_CJK_PUNCTUATION}]+[^\s<>\".,;:!?)\]'”’{_CJK_PUNCTUATION}]",
    ),
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    (
        "url",
        r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fi|com|org|net|eu|se|ee|info)\b(?:/[^\s<>\"]*[\w/])?",
    ),
    ("money", rf"(?:€|EUR)\s?(?:{_AMOUNT})|(?:{_AMOUNT})\s?(?:€|EUR\b)"),
    ("date", r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}/\d{1,2}/\d{2,4}"),
    ("time", r"\d{1,2}[:.][0-5]\d(?!\d|[.,]\d)"),
    ("phone", r"(?:\+\d{1,3}[ -]?|0)\d{1,3}(?:[ -]?\d{2,8}){1,4}"),
    ("number", _AMOUNT),
)
_SPANS = re.compile(
    "|".join(
        f"(?P<{kind}{i}>{_NOT_WORD_BEFORE}(?:{pattern}){_NOT_WORD_AFTER if kind != 'url' else ''})"
        for i, (kind, pattern) in enumerate(_SPAN_PATTERNS)
    ),
    re.IGNORECASE,
)


def _valid(kind: str, span: str) -> bool:
    if kind == "phone":
        digits = sum(ch.isdigit() for ch in span)
        return 7 <= digits <= 15
    return True


def find_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, kind)`` of every protected span, skipping existing placeholders."""
    taken = [m.span() for m in _PLACEHOLDER_EXACT.finditer(text)]
    pos = 0
    while pos < len(text):
        match = _SPANS.search(text, pos)
        if match is None:
            return
        kind = re.sub(r"\d+$", "", match.lastgroup or "")
        start, end = match.span()
        inside = any(a <= start < b for a, b in taken)
        if not inside and not _valid(kind, match.group(0)):
            # A phone-like run that is not a phone number: take its first amount only.
            number = re.compile(_AMOUNT).match(text, start)
            kind, end = "number", number.end() if number else end
        if not inside:
            yield start, end, kind
        pos = max(end, start + 1)


def protected_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every placeholder (kind ``placeholder``) and protected span."""
    placeholders = [(m.start(), m.end(), "placeholder") for m in _PLACEHOLDER_EXACT.finditer(text)]
    return sorted(placeholders + list(find_spans(text)))


def protect(text: str, first_index: int = 1) -> Masked:
    """Replace numbers, times, dates, money, phone numbers, e-mail addresses and URLs.

    Existing ``[[N]]`` placeholders are left alone, so this can run after the glossary's
    ``apply`` with ``first_index=masked.next_index`` and the two results ``merge``-d.
    Currency words (``100 euroa``) keep their word outside the span so that it is
    translated; symbols and codes (``12,50 €``, ``30 EUR``) are kept inside.
    """
    parts: list[str] = []
    spans: dict[int, Span] = {}
    index, pos = first_index, 0
    for start, end, kind in find_spans(text):
        parts.append(text[pos:start] + placeholder(index))
        spans[index] = Span(index, text[start:end], text[start:end], kind)
        index, pos = index + 1, end
    parts.append(text[pos:])
    return Masked("".join(parts), spans)


def _normalise_spaces(text: str) -> str:
    return re.sub(r"[\s  ]+", " ", text)


def verify_spans(source: str, translation: str) -> list[str]:
    """Return the protected spans of ``source`` that do not occur verbatim in ``translation``.

    White space inside a span may differ (a no-break space for a space); a number must not
    be part of a longer number in the translation.
    """
    target = _normalise_spaces(translation)
    missing: list[str] = []
    for start, end, _kind in find_spans(source):
        span = source[start:end]
        wanted = _normalise_spaces(span)
        pattern = rf"(?<!\d){re.escape(wanted)}(?!\d)"
        if not re.search(pattern, target) and span not in missing:
            missing.append(span)
    return missing


# ---------------------------------------------------------------------------------------------
# Degenerate output

#: Length ratio bounds (translation / source, in weighted characters) and the shortest source
#: they apply to. Han, kana and Hangul characters weigh 3, since one carries about as much as
#: three letters of an alphabetic script.
MAX_LENGTH_RATIO = 3.0
MIN_LENGTH_RATIO = 0.2
MIN_RATIO_SOURCE_CHARS = 20
#: Repetition loops are found by the rule the recogniser uses (a word 4+ times in a row, a
#: group of 2-4 words 3+ times ...); so is a phrase of LONG_PHRASE_TOKENS tokens that
#: occurs twice anywhere. Neither counts when the source repeats the same way. Where
#: characters are the units (Chinese, Japanese), a loop needs more repeats.
LONG_PHRASE_TOKENS = 8
_WIDE_LOOP_RULE = LoopRule(word_repeats=6, group_repeats=4, doubled_phrase=8)
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _weighted_length(text: str) -> int:
    stripped = text.strip()
    return len(stripped) + 2 * len(_WIDE.findall(stripped))


def _tokens(text: str) -> list[str]:
    words = re.findall(r"\w+", text.casefold())
    wide = len(_WIDE.findall(text))
    if wide > len(text) // 3:  # mostly CJK: characters are the units
        return [ch for ch in text.casefold() if ch.isalnum()]
    return words


def _has_repeated_phrase(tokens: list[str], size: int) -> bool:
    seen: dict[tuple[str, ...], int] = {}
    for i in range(len(tokens) - size + 1):
        gram = tuple(tokens[i : i + size])
        if gram in seen and i - seen[gram] >= size:
            return True
        seen.setdefault(gram, i)
    return False


def is_degenerate(source: str, translation: str) -> str | None:
    """Return why ``translation`` looks broken (empty, looping, implausible length), or None."""
    if not source.strip():
        return None
    if not translation.strip():
        return "empty translation for non-empty input"
    src_tokens, out_tokens = _tokens(source), _tokens(translation)
    rule = _WIDE_LOOP_RULE if _WIDE.search(translation) else DEFAULT_RULE
    run = longest_repeat(out_tokens, rule)
    if run and not longest_repeat(src_tokens, rule):
        return f"repetition loop: a unit repeated {run} times"
    size = LONG_PHRASE_TOKENS * (2 if _WIDE.search(translation) else 1)
    if _has_repeated_phrase(out_tokens, size) and not _has_repeated_phrase(src_tokens, size):
        return f"a phrase of {size} tokens occurs twice"
    src_len, out_len = _weighted_length(source), _weighted_length(translation)
    if len(source.strip()) >= MIN_RATIO_SOURCE_CHARS:
        ratio = out_len / src_len
        if ratio > MAX_LENGTH_RATIO:
            return f"translation {ratio:.1f}x as long as the source"
        if ratio < MIN_LENGTH_RATIO:
            return f"translation only {ratio:.2f}x as long as the source"
    return None
