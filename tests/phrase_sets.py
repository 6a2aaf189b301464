"""Phrase sets for tests, written from the trained models' phrase pairs."""

from __future__ import annotations

from collections.abc import Sequence
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
