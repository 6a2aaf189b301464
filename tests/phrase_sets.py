"""Phrase sets for tests, written from the trained models' phrase pairs, and a reader
for the HTML reports."""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from trained_marian import PHRASE_PAIRS

HEADER = "id\tside\tlang\ttext\tref:en\tref:en:2\tref:fi\taudio\ttags\n"
#: A second English reference that must come out escaped in the HTML report.
MARKUP_REFERENCE = "Thanks <script>alert(1)</script> & goodbye"
GLOSSARY = "fi\ten\tnote\npassi\tpassport\tthe document\n"


def write_trained_set(
    folder: Path,
    fi_en: Sequence[int] = range(len(PHRASE_PAIRS)),
    en_fi: Sequence[int] = (4, 6, 7),
    audio: dict[int, Path] | None = None,
    glossary: bool = True,
    name: str = "trained.tsv",
) -> Path:
    """A set of ``PHRASE_PAIRS`` (Finnish staff phrases, then English client phrases),
    with the glossary beside it; ``audio`` maps a fi-en index to its recording."""
    lines = ["# name: trained phrases\n", "# languages: fi en\n"]
    if glossary:
        (folder / "terms.tsv").write_text(GLOSSARY, encoding="utf-8")
        lines.append("# glossary: terms.tsv\n")
    lines.append(HEADER)
    audio = audio or {}
    for index in fi_en:
        finnish, english = PHRASE_PAIRS[index]
        second = MARKUP_REFERENCE if index == 4 else ""
        clip = str(audio[index]) if index in audio else ""
        lines.append(
            f"fi-{index:02d}\tstaff\tfi\t{finnish}\t{english}\t{second}\t\t{clip}\tt{index}\n"
        )
    for index in en_fi:
        finnish, english = PHRASE_PAIRS[index]
        lines.append(f"en-{index:02d}\tclient\ten\t{english}\t\t\t{finnish}\t\t\n")
    path = folder / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


class ReportParser(HTMLParser):
    """Tables (rows of cell texts), images, scripts and all text of an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.images: list[dict[str, str]] = []
        self.scripts = 0
        self.text: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(dict(attrs))
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_report(path: Path) -> ReportParser:
    parser = ReportParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser
