"""User-editable glossary: loading, inflection-aware matching, enforcement with placeholders.

File format (see ``docs/glossary.md``): UTF-8 TSV (CSV for a ``.csv`` file) with a header
row; column ``fi`` first, then one column per target language code and an optional
``note``. ``=`` in a language cell keeps the Finnish term as it is, an empty cell means no
rule. Lines starting with ``#`` and blank lines are ignored.

Finnish matching: every word of the text is compared with every word of a term by lemma.
Lemmas come from libvoikko when it can be loaded, and always also from a heuristic: the
word must be one of the term word's stems followed by a Finnish case or number ending and
an optional clitic (see ``_stems`` and ``ENDINGS``). Other languages match the rendering
case-insensitively at word boundaries (English also with a plural ``s``/``es``).
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

_VOWELS = "aeiouyäö"
#: Case and number endings the heuristic accepts after a stem (both vowel-harmony forms).
_BASE_ENDINGS = (
    "",
    *(
        "n t a ta tta na ssa sta lla lta lle ksi an en in on un yn hin han hen hon hun hyn "
        "seen siin ja jen ia ien ita iin ihin issa ista illa ilta ille ina iksi itta ine ineen "
        "ten iden itten"
    ).split(),
)
_CLITICS = ("", "kin", "kaan", "han", "ko", "pa")
#: Possessive suffixes (henkilötunnuksenne, asumistukeani, talossaan); a genitive -n or a
#: plural -t before them drops, so they also follow the bare stem.
_POSSESSIVES = ("", "ni", "si", "mme", "nne", "nsa", "an", "en", "in", "on", "un")


def _harmony(ending: str) -> set[str]:
    return {ending, ending.replace("a", "ä").replace("o", "ö").replace("u", "y")}


ENDINGS = frozenset(
    form
    for base in _BASE_ENDINGS
    for possessive in _POSSESSIVES
    for clitic in _CLITICS
    for form in _harmony(base + possessive + clitic)
)
_MAX_ENDING = max(map(len, ENDINGS))
#: Consonant gradation of the last syllable, strong -> weak (longest first).
_WEAKEN = (
    ("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("lt", "ll"),
    ("nt", "nn"), ("rt", "rr"), ("k", ""), ("p", "v"), ("t", "d"),
)  # fmt: skip
#: Weak -> strong, for words whose base form is in the weak grade (``liite`` -> ``liitteen``).
_STRENGTHEN = (
    ("ng", "nk"), ("mm", "mp"), ("ll", "lt"), ("nn", "nt"), ("rr", "rt"), ("d", "t"),
    ("v", "p"), ("t", "tt"), ("k", "kk"), ("p", "pp"),
)  # fmt: skip
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


def _regrade(word: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """Apply the first matching gradation rule to the consonants before the final vowels."""
    match = re.search(rf"([^{_VOWELS}]+)([{_VOWELS}]+)$", word)
    if not match:
        return None
    cluster, vowels = match.groups()
    if cluster.endswith(("st", "sk", "sp", "tk")):  # these clusters do not alternate
        return None
    for strong, weak in table:
        if cluster.endswith(strong):
            return word[: match.start()] + cluster[: -len(strong)] + weak + vowels
    return None


def _stems(word: str) -> set[str]:
    """Heuristic stems of a Finnish base form (lower case); each takes an ending."""
    stems = {word}
    if word.endswith("nen"):  # sosiaalinen -> sosiaalise-n, sosiaalis-ta
        stems |= {word[:-3] + "se", word[:-3] + "s"}
    elif word.endswith(("us", "ys")):
        # henkilötunnus -> henkilötunnukse-n, -tunnuks-ia; etuus -> etuude-n, etuut-ta
        head = word[:-1]
        stems |= {head + "kse", head + "ks", head + "de", head + "t"}
    elif word[-1:] in _VOWELS:
        if word.endswith("i"):  # tuki -> tuke-a, (weak) tue-n; kaupunki -> kaupungi-ssa
            stems.add(word[:-1] + "e")
        stems |= {stem[:-1] for stem in list(stems) if len(stem) > 3}  # tuk-ia, toimisto-j-
        for stem in list(stems):
            if stem[-1:] in _VOWELS:
                weak = _regrade(stem, _WEAKEN)
                if weak:
                    stems.add(weak)
        if word.endswith("e"):  # liite -> liitte-en, liitee-n
            strong = _regrade(word, _STRENGTHEN)
            stems |= {word + "e"} | ({strong} if strong else set())
    return {stem for stem in stems if len(stem) >= 2}


def _load_voikko() -> Any | None:
    try:
        import libvoikko  # type: ignore[import-not-found]

        return libvoikko.Voikko("fi")
    except Exception as exc:  # missing module, library or dictionary
        logger.info("libvoikko not available (%s); using the suffix heuristic", exc)
        return None


class _FinnishMatcher:
    """Maps a surface word to the term words (lower case) it may be an inflection of."""

    def __init__(self, term_words: Iterable[str], use_voikko: bool | None) -> None:
        self._by_stem: dict[str, set[str]] = {}
        for word in term_words:
            for stem in _stems(word):
                self._by_stem.setdefault(stem, set()).add(word)
        self._voikko = _load_voikko() if use_voikko is not False else None
        self._lock = threading.Lock()

    def candidates(self, surface: str) -> set[str]:
        word = surface.casefold()
        base, _, tail = word.partition(":")  # Kela:n, TE:hen
        if tail and tail in ENDINGS:
            word = base
        found: set[str] = set()
        for cut in range(min(_MAX_ENDING, len(word)) + 1):
            if word[len(word) - cut :] in ENDINGS:
                found |= self._by_stem.get(word[: len(word) - cut], set())
        if self._voikko is not None:
            with self._lock:
                analyses = self._voikko.analyze(surface)
            found |= {a["BASEFORM"].casefold() for a in analyses if "BASEFORM" in a}
        return found


class Glossary:
    """Loaded glossary entries with matching and placeholder enforcement."""

    def __init__(
        self, entries: Iterable[Entry], source: str = "<memory>", use_voikko: bool | None = None
    ) -> None:
        self.entries = list(entries)
        self.source = source
        self._use_voikko = use_voikko
        self._matcher: _FinnishMatcher | None = None
        self._lock = threading.Lock()
        digest = hashlib.sha256()
        for e in self.entries:
            digest.update(repr((e.fi, sorted(e.renderings.items()))).encode())
        self.version = digest.hexdigest()[:16]

    @classmethod
    def load(cls, path: Path | str, use_voikko: bool | None = None) -> Glossary:
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
        return cls(parse(text, str(path), delimiter), str(path), use_voikko)

    def terms(self, lang: str = "fi") -> list[str]:
        """Hotwords: Finnish base forms for ``fi``, else the renderings for ``lang``."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            value = entry.rendering(lang)
            if value:
                seen.setdefault(value, None)
        return list(seen)

    def _finnish(self) -> _FinnishMatcher:
        with self._lock:
            if self._matcher is None:
                words = {w.casefold() for e in self.entries for w in _WORD.findall(e.fi)}
                self._matcher = _FinnishMatcher(words, self._use_voikko)
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
