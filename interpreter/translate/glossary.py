"""User-editable glossary: loading, inflection-aware matching, enforcement with placeholders.

File format (see ``docs/glossary.md``): UTF-8 TSV (CSV for a ``.csv`` file) with a header
row; column ``fi`` first, then one column per target language code and an optional
``note``. ``=`` in a language cell keeps the Finnish term as it is, an empty cell means no
rule. Lines starting with ``#`` and blank lines are ignored.

Finnish matching: every word of the text is compared with every word of a term by its
base forms, from libvoikko where it is installed and a suffix heuristic for words it does
not know (``interpreter.translate.finnish``). Other languages match the rendering
case-insensitively at word boundaries (English also with a plural ``s``/``es``).
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from interpreter.translate.finnish import (
    FinnishLemmatizer,
    FinnishTermMatcher,
    LemmatizerLoader,
    load_voikko,
)
from interpreter.translate.text import Masked, Span, placeholder

logger = logging.getLogger(__name__)

KEEP = "="
NOTE_COLUMN = "note"
#: ISO 639-1 codes accepted as language columns.
LANGUAGE_CODES = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho "
    "hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku "
    "kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn "
    "no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm "
    "sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
    "vo wa wo xh yi yo za zh zu".split()
)

_WORD = re.compile(r"\w+(?:[-'’:]\w+)*")


class GlossaryError(Exception):
    """A glossary file could not be loaded; ``problems`` lists each with its line number."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"glossary {source} has {len(problems)} problem(s):\n{listing}")


@dataclass(frozen=True)
class Entry:
    """One glossary row: the Finnish base form and its renderings per language."""

    fi: str
    renderings: dict[str, str] = field(default_factory=dict)
    note: str = ""
    line: int = 0

    def rendering(self, lang: str) -> str | None:
        """The text for ``lang`` (the Finnish term for ``=`` or ``fi``), or None: no rule."""
        if lang == "fi":
            return self.fi
        value = self.renderings.get(lang, "")
        if value == KEEP:
            return self.fi
        return value or None


@dataclass(frozen=True)
class Match:
    """A term found in a text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    entry: Entry


class Glossary:
    """Loaded glossary entries with matching and placeholder enforcement.

    ``lemmatizer`` makes the Finnish lemmatizer on the first Finnish match (default:
    libvoikko where it is installed, else the suffix heuristic alone; see
    ``interpreter.translate.finnish``). The glossary owns what it makes: ``close`` (or
    garbage collection, or the end of the process) releases it.
    """

    def __init__(
        self,
        entries: Iterable[Entry],
        source: str = "<memory>",
        lemmatizer: LemmatizerLoader = load_voikko,
    ) -> None:
        self.entries = list(entries)
        self.source = source
        self._load_lemmatizer = lemmatizer
        self._matcher: FinnishTermMatcher | None = None
        self._lemmatizer: FinnishLemmatizer | None = None
        self._release: weakref.finalize | None = None
        self._lock = threading.Lock()
        digest = hashlib.sha256()
        for e in self.entries:
            digest.update(repr((e.fi, sorted(e.renderings.items()))).encode())
        self.version = digest.hexdigest()[:16]

    @classmethod
    def load(cls, path: Path | str, lemmatizer: LemmatizerLoader = load_voikko) -> Glossary:
        """Load a ``.tsv`` (or ``.csv``) file; raises ``GlossaryError`` listing every problem."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise GlossaryError(str(path), [f"cannot read the file: {exc.strerror}"]) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problem = f"line {line}: not UTF-8 (byte {raw[exc.start]:#04x}); save as UTF-8"
            raise GlossaryError(str(path), [problem]) from exc
        delimiter = "," if path.suffix.lower() == ".csv" else "\t"
        return cls(parse(text, str(path), delimiter), str(path), lemmatizer)

    def terms(self, lang: str = "fi") -> list[str]:
        """Hotwords: Finnish base forms for ``fi``, else the renderings for ``lang``."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            value = entry.rendering(lang)
            if value:
                seen.setdefault(value, None)
        return list(seen)

    def lemmatizer_name(self) -> str:
        """What finds Finnish base forms: e.g. ``libvoikko 4.3.1``, or ``suffix heuristic``."""
        self._finnish()
        return self._lemmatizer.name if self._lemmatizer is not None else "suffix heuristic"

    def close(self) -> None:
        """Release the lemmatizer; Finnish matching falls back to the suffix heuristic."""
        with self._lock:
            release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> Glossary:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _finnish(self) -> FinnishTermMatcher:
        with self._lock:
            if self._matcher is None:
                self._lemmatizer = self._load_lemmatizer()
                if self._lemmatizer is not None:
                    self._release = weakref.finalize(self, self._lemmatizer.close)
                words = {w.casefold() for e in self.entries for w in _WORD.findall(e.fi)}
                self._matcher = FinnishTermMatcher(words, self._lemmatizer)
            return self._matcher

    def find(self, text: str, lang: str = "fi") -> list[Match]:
        """Non-overlapping term occurrences, left to right, longest term first at a place."""
        if not text or not self.entries:
            return []
        found = self._find_finnish(text) if lang == "fi" else self._find_rendering(text, lang)
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        result: list[Match] = []
        for m in found:
            if not result or m.start >= result[-1].end:
                result.append(m)
        return result

    def _find_finnish(self, text: str) -> list[Match]:
        matcher = self._finnish()
        tokens = list(_WORD.finditer(text))
        by_word: dict[str, set[str]] = {}  # each distinct word is analysed once
        for token in tokens:
            if token.group(0) not in by_word:
                by_word[token.group(0)] = matcher.candidates(token.group(0))
        cands = [by_word[t.group(0)] for t in tokens]
        found: list[Match] = []
        for entry in self.entries:
            words = [w.casefold() for w in _WORD.findall(entry.fi)]
            if not words:
                continue
            for i in range(len(tokens) - len(words) + 1):
                if words[0] not in cands[i]:
                    continue
                ok = all(
                    words[j] in cands[i + j]
                    and not text[tokens[i + j - 1].end() : tokens[i + j].start()].strip()
                    for j in range(1, len(words))
                )
                if ok:
                    start, end = tokens[i].start(), tokens[i + len(words) - 1].end()
                    found.append(Match(start, end, text[start:end], entry))
        return found

    def _find_rendering(self, text: str, lang: str) -> list[Match]:
        plural = r"(?:s|es)?" if lang == "en" else ""
        found: list[Match] = []
        for entry in self.entries:
            value = entry.rendering(lang)
            if not value:
                continue
            pattern = rf"(?<!\w){re.escape(value)}{plural}(?!\w)"
            for m in re.finditer(pattern, text, re.IGNORECASE):
                found.append(Match(m.start(), m.end(), m.group(0), entry))
        return found

    def apply(self, text: str, source_lang: str, target_lang: str, first_index: int = 1) -> Masked:
        """Replace matched terms with placeholders; ``restore`` inserts the target rendering.

        Terms without a rule for the pair are left in the text. Finnish -> X inserts the
        rendering (the Finnish base form for ``=``); X -> Finnish inserts the base form.
        """
        parts: list[str] = []
        spans: dict[int, Span] = {}
        index, pos = first_index, 0
        for m in self.find(text, source_lang):
            replacement = m.entry.rendering(target_lang)
            if replacement is None or m.entry.rendering(source_lang) is None:
                continue
            parts.append(text[pos : m.start] + placeholder(index))
            spans[index] = Span(index, m.surface, replacement, "term")
            index, pos = index + 1, m.end
        parts.append(text[pos:])
        return Masked("".join(parts), spans)


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return [cell.strip() for cell in line.split("\t")]
    return [cell.strip() for cell in next(csv.reader([line]), [])]


def parse(text: str, source: str = "<memory>", delimiter: str = "\t") -> list[Entry]:
    """Parse glossary text; raises ``GlossaryError`` naming ``source`` with every problem."""
    problems: list[str] = []
    header: list[str] | None = None
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = _split(line, delimiter)
        if header is None:
            header = [cell.lower() for cell in cells]
            problems += _check_header(header, number, delimiter)
            if header[0] != "fi":  # rows cannot be read against this header
                break
            continue
        if len(cells) != len(header):
            problems.append(
                f"line {number}: {len(cells)} columns, the header has {len(header)}"
                + (" (a TSV file needs tabs, not spaces)" if len(cells) == 1 else "")
            )
            continue
        row = dict(zip(header, cells, strict=True))
        term = row.get("fi", "")
        if not term:
            problems.append(f"line {number}: empty Finnish term (column fi)")
            continue
        key = term.casefold()
        if key in first_line:
            problems.append(f"line {number}: duplicate term {term!r} (first on line "
                            f"{first_line[key]})")  # fmt: skip
            continue
        first_line[key] = number
        renderings = {k: v for k, v in row.items() if k not in ("fi", NOTE_COLUMN) and v}
        entries.append(Entry(term, renderings, row.get(NOTE_COLUMN, ""), number))
    if header is None:
        problems.append("no header row (fi, then language codes, optionally note)")
    if problems:
        raise GlossaryError(source, problems)
    logger.debug("parsed %d glossary entries from %s", len(entries), source)
    return entries


def _check_header(header: list[str], number: int, delimiter: str) -> list[str]:
    problems: list[str] = []
    if header[0] != "fi":
        hint = " (separate columns with tabs)" if delimiter == "\t" and " " in header[0] else ""
        problems.append(f"line {number}: the first column must be 'fi', not {header[0]!r}{hint}")
    for column in header[1:]:
        if column != NOTE_COLUMN and column not in LANGUAGE_CODES:
            problems.append(f"line {number}: unknown language code column {column!r}")
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates:
        problems.append(f"line {number}: repeated column(s) {', '.join(duplicates)}")
    return problems
