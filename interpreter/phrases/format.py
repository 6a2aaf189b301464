"""The phrase-set file: loading and validation with every problem's line number.

A phrase set is a UTF-8 TSV file (``.csv``: comma-separated with quoting, one row per
line). ``# key: value`` lines before the header are metadata (``name``, ``languages``,
``glossary``, ``review``, ``description``, ...); other ``#`` lines and blank lines are
comments. The header names the columns ``id side lang text ref:<lang>[:n] audio tags``;
see ``docs/phrase-sets.md``. Nothing runs on a broken file: :func:`load_phrase_set`
raises :class:`PhraseSetError` listing all problems.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from interpreter.events import SIDES
from interpreter.translate.glossary import LANGUAGE_CODES

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("id", "side", "lang", "text")
OPTIONAL_COLUMNS = ("audio", "tags")
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg")
SET_SUFFIXES = (".tsv", ".csv")
STAFF_LANGUAGE = "fi"
_REF = re.compile(r"^ref:([a-z]{2})(?::([1-9][0-9]*))?$")
_META = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$")


class PhraseSetError(Exception):
    """A phrase set that cannot be used; ``problems`` holds (line number, text) pairs.

    Line 0 means the whole file (missing, unreadable, no phrases).
    """

    def __init__(self, path: Path | str, problems: list[tuple[int, str]]) -> None:
        self.path = Path(path)
        self.problems = sorted(problems, key=lambda p: p[0])
        listing = "\n".join(
            f"  line {line}: {text}" if line else f"  {text}" for line, text in self.problems
        )
        super().__init__(f"phrase set {self.path} has {len(self.problems)} problem(s):\n{listing}")


@dataclass(frozen=True)
class Phrase:
    """One phrase: what is said, by whom, in which language, and how it should come out."""

    id: str
    side: str
    lang: str
    text: str
    references: dict[str, tuple[str, ...]]
    audio: Path | None
    tags: tuple[str, ...]
    line: int

    def targets(self, languages: tuple[str, ...]) -> list[str]:
        """Languages of the set this phrase has references in, other than its own."""
        return [lang for lang in languages if lang != self.lang and self.references.get(lang)]


@dataclass(frozen=True)
class PhraseSet:
    path: Path
    name: str
    metadata: dict[str, str]
    languages: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    glossary: Path | None

    def phrase(self, phrase_id: str) -> Phrase:
        for phrase in self.phrases:
            if phrase.id == phrase_id:
                return phrase
        raise KeyError(phrase_id)


def builtin_dir() -> Path:
    """The folder of the starter sets shipped with the package."""
    return Path(str(resources.files("interpreter.phrases") / "sets"))


def builtin_sets() -> list[Path]:
    """The starter phrase sets shipped with the package, sorted by name."""
    folder = builtin_dir()
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in SET_SUFFIXES and _is_phrase_set(p)
    )


def _is_phrase_set(path: Path) -> bool:
    """Whether the file's header starts with ``id`` (the folder also holds glossaries)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as lines:
            for line in lines:
                if line.strip() and not line.lstrip().startswith("#"):
                    return line.strip().lower().startswith("id")
    except OSError:
        return False
    return False


def resolve_set_path(path_or_name: str | Path) -> Path:
    """A file path as given, or a built-in set named without a path or suffix."""
    path = Path(path_or_name)
    if path.exists() or path.parent != Path("."):
        return path
    for candidate in builtin_sets():
        if candidate.stem == str(path_or_name) or candidate.name == str(path_or_name):
            return candidate
    return path


def load_phrase_set(path_or_name: str | Path) -> PhraseSet:
    """Load and validate a phrase set file or built-in set; raises :class:`PhraseSetError`."""
    path = resolve_set_path(path_or_name)
    if not path.is_file():
        names = ", ".join(p.stem for p in builtin_sets()) or "none installed"
        what = "is a folder" if path.is_dir() else "does not exist"
        raise PhraseSetError(
            path, [(0, f"{path} {what}: give a phrase-set file or a built-in set ({names})")]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PhraseSetError(path, [(0, f"cannot read the file: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = f"not UTF-8 (byte {raw[exc.start]:#04x}); save the file as UTF-8"
        raise PhraseSetError(path, [(line, problem)]) from exc
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    return _Parser(path, delimiter).parse(text)


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return [cell.strip() for cell in line.split("\t")]
    return [cell.strip() for cell in next(csv.reader([line]), [])]


class _Parser:
    """One pass over the lines, collecting every problem before giving up."""

    def __init__(self, path: Path, delimiter: str) -> None:
        self.path = path
        self.delimiter = delimiter
        self.problems: list[tuple[int, str]] = []
        self.metadata: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}

    def problem(self, line: int, text: str) -> None:
        self.problems.append((line, text))

    def parse(self, text: str) -> PhraseSet:
        header: list[str] | None = None
        header_line = 0
        rows: list[tuple[int, list[str]]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("#"):
                meta = _META.match(stripped)
                if header is None and meta:
                    key = meta.group(1).lower()
                    self.metadata[key] = meta.group(2)
                    self.meta_lines[key] = number
                continue
            cells = _split(line, self.delimiter)
            if header is None:
                header, header_line = [c.lower() for c in cells], number
                self._check_header(header, number)
            else:
                rows.append((number, cells))
        if header is None:
            self.problem(0, "no header row (id, side, lang, text, ref:<lang> ...)")
            raise PhraseSetError(self.path, self.problems)
        languages = self._languages(header, header_line, rows)
        phrases = self._phrases(header, rows, languages) if not self.problems else []
        if not self.problems and not phrases:
            self.problem(0, "no phrases: add rows below the header")
        glossary = self._glossary()
        if self.problems:
            raise PhraseSetError(self.path, self.problems)
        name = self.metadata.get("name") or self.path.stem
        logger.debug("loaded phrase set %s: %d phrases", self.path, len(phrases))
        return PhraseSet(self.path, name, dict(self.metadata), languages, tuple(phrases), glossary)

    def _check_header(self, header: list[str], number: int) -> None:
        for column in REQUIRED_COLUMNS:
            if column not in header:
                hint = ""
                if self.delimiter == "\t" and len(header) == 1:
                    hint = " (separate the columns with tabs)"
                self.problem(number, f"the header has no '{column}' column{hint}")
        refs = [c for c in header if _REF.match(c)]
        for column in header:
            match = _REF.match(column)
            if column in REQUIRED_COLUMNS or column in OPTIONAL_COLUMNS:
                continue
            if match and match.group(1) in LANGUAGE_CODES:
                continue
            self.problem(
                number,
                f"unknown column {column!r}: expected id, side, lang, text, "
                "ref:<language code>[:n], audio, tags",
            )
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            self.problem(number, f"repeated column(s): {', '.join(duplicates)}")
        if not refs:
            self.problem(number, "no reference columns: add at least one ref:<lang> column")

    def _languages(
        self, header: list[str], number: int, rows: list[tuple[int, list[str]]]
    ) -> tuple[str, ...]:
        """The ``# languages:`` line, else Finnish first, then every other language used."""
        declared = self.metadata.get("languages", "").replace(",", " ").split()
        for code in declared:
            if code not in LANGUAGE_CODES:
                line = self.meta_lines["languages"]
                self.problem(line, f"unknown language code {code!r} in '# languages:'")
        if declared:
            return tuple(dict.fromkeys(declared))
        found = [m.group(1) for c in header if (m := _REF.match(c))]
        if "lang" in header:
            column = header.index("lang")
            found += [
                cells[column]
                for _, cells in rows
                if len(cells) > column and cells[column] in LANGUAGE_CODES
            ]
        ordered = [STAFF_LANGUAGE] if STAFF_LANGUAGE in found else []
        return tuple(dict.fromkeys([*ordered, *found]))

    def _glossary(self) -> Path | None:
        value = self.metadata.get("glossary")
        if not value:
            return None
        path = (self.path.parent / value).resolve()
        if not path.is_file():
            self.problem(
                self.meta_lines["glossary"],
                f"glossary file {path} does not exist (paths are relative to the set file)",
            )
            return None
        return path

    def _phrases(
        self, header: list[str], rows: list[tuple[int, list[str]]], languages: tuple[str, ...]
    ) -> list[Phrase]:
        phrases: list[Phrase] = []
        first_line: dict[str, int] = {}
        for number, cells in rows:
            if len(cells) != len(header):
                hint = " (a TSV file needs tabs, not spaces)" if len(cells) == 1 else ""
                self.problem(number, f"{len(cells)} columns, the header has {len(header)}{hint}")
                continue
            row = dict(zip(header, cells, strict=True))
            phrase_id = row["id"]
            if phrase_id in first_line:
                self.problem(
                    number, f"duplicate id {phrase_id!r} (first on line {first_line[phrase_id]})"
                )
            elif phrase_id:
                first_line[phrase_id] = number
            phrase = self._phrase(number, row, languages)
            if phrase is not None and first_line.get(phrase.id) == number:
                phrases.append(phrase)
        return phrases

    def _phrase(
        self, number: int, row: dict[str, str], languages: tuple[str, ...]
    ) -> Phrase | None:
        before = len(self.problems)
        phrase_id, side, lang, text = (row[c] for c in REQUIRED_COLUMNS)
        if not phrase_id:
            self.problem(number, "empty id")
        if side not in SIDES:
            self.problem(number, f"side must be 'staff' or 'client', not {side!r}")
        if lang not in LANGUAGE_CODES:
            self.problem(number, f"unknown language code {lang!r} in column lang")
        elif lang not in languages:
            self.problem(
                number, f"language {lang!r} is not one of the set's ({' '.join(languages)})"
            )
        elif side == "staff" and lang != STAFF_LANGUAGE:
            self.problem(number, f"staff phrases are Finnish (fi), this one is {lang!r}")
        elif side == "client" and lang == STAFF_LANGUAGE:
            self.problem(number, "client phrases are in the client's language, this one is fi")
        if not text:
            self.problem(number, "empty text")
        references: dict[str, list[str]] = {}
        for column, value in row.items():
            match = _REF.match(column)
            if match and value:
                references.setdefault(match.group(1), []).append(value)
        if lang and not any(code != lang and code in languages for code in references):
            self.problem(number, "no reference translation into another language of the set")
        audio = self._audio(number, row.get("audio", ""))
        if len(self.problems) > before:
            return None
        tags = tuple(t.strip() for t in row.get("tags", "").split(",") if t.strip())
        refs = {code: tuple(values) for code, values in references.items()}
        return Phrase(phrase_id, side, lang, text, refs, audio, tags, number)

    def _audio(self, number: int, value: str) -> Path | None:
        if not value:
            return None
        path = (self.path.parent / value).resolve()
        if path.suffix.lower() not in AUDIO_SUFFIXES:
            self.problem(number, f"audio {value!r} is not a wav, flac, mp3 or ogg file")
        elif not path.is_file():
            self.problem(number, f"audio file {path} does not exist (relative to the set file)")
        return path
