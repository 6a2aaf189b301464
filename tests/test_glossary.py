"""Glossary loading, inflection-aware matching, hotwords and placeholder enforcement."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from glossary_material import GLOSSARY_TSV, INFLECTED, NOT_TERMS, carrier

from interpreter.translate.finnish import load_voikko, no_lemmatizer
from interpreter.translate.glossary import Glossary, GlossaryError, parse
from interpreter.translate.text import protect


@pytest.fixture(params=["suffix-heuristic", "libvoikko"])
def glossary(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Glossary]:
    """The suffix heuristic alone (no libvoikko), and libvoikko with the heuristic for the
    words it does not know."""
    path = tmp_path / "sanasto.tsv"
    path.write_text(GLOSSARY_TSV, encoding="utf-8")
    if request.param == "libvoikko":
        request.getfixturevalue("require_voikko")
    with Glossary.load(
        path, no_lemmatizer if request.param == "suffix-heuristic" else load_voikko
    ) as loaded:
        yield loaded


def test_load_entries_and_version(glossary: Glossary) -> None:
    assert [e.fi for e in glossary.entries][:3] == ["Kela", "asumistuki", "TE-toimisto"]
    kela = glossary.entries[0]
    assert (kela.line, kela.note) == (3, "Social Insurance Institution")
    assert kela.rendering("en") == "Kela" and kela.rendering("ru") == "Кела"
    assert glossary.entries[1].rendering("ru") is None  # empty cell: no rule
    assert len(glossary.version) == 16
    other = Glossary(parse(GLOSSARY_TSV.replace("bostadsbidrag", "bidrag")))
    assert other.version != glossary.version


def test_csv_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "sanasto.csv"
    path.write_text('fi,en,note\nKela,=,"Kela, the agency"\nasumistuki,housing allowance,\n')
    loaded = Glossary.load(path, no_lemmatizer)
    assert loaded.entries[0].note == "Kela, the agency"
    assert loaded.terms("en") == ["Kela", "housing allowance"]


def _problems(tmp_path: Path, content: bytes, name: str = "bad.tsv") -> tuple[str, list[str]]:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(GlossaryError) as info:
        Glossary.load(path, no_lemmatizer)
    return str(info.value), info.value.problems


def test_errors_listed_with_line_numbers(tmp_path: Path) -> None:
    content = (
        b"# comment\n"
        b"fi\ten\txx\tnote\n"  # line 2: unknown code xx
        b"Kela\t=\t\t\n"
        b"Kela\tKela\t\t\n"  # line 4: duplicate
        b"\tfoo\t\t\n"  # line 5: empty term
        b"asumistuki\thousing allowance\n"  # line 6: wrong column count
        b"kela\t=\t\t\n"  # line 7: duplicate, case-insensitive
    )
    message, problems = _problems(tmp_path, content)
    assert "bad.tsv" in message
    assert problems == [
        "line 2: unknown language code column 'xx'",
        "line 4: duplicate term 'Kela' (first on line 3)",
        "line 5: empty Finnish term (column fi)",
        "line 6: 2 columns, the header has 4",
        "line 7: duplicate term 'kela' (first on line 3)",
    ]


def test_header_and_encoding_errors(tmp_path: Path) -> None:
    _, problems = _problems(tmp_path, b"en\tfi\nKela\tKela\n")
    assert problems == ["line 1: the first column must be 'fi', not 'en'"]
    _, problems = _problems(tmp_path, b"fi\ten\ten\n")
    assert problems == ["line 1: repeated column(s) en"]
    _, problems = _problems(tmp_path, b"# only comments\n")
    assert "no header row" in problems[0]
    _, problems = _problems(tmp_path, b"fi en\nKela =\n")  # spaces instead of tabs
    assert problems == [
        "line 1: the first column must be 'fi', not 'fi en' (separate columns with tabs)"
    ]
    message, problems = _problems(tmp_path, "fi\ten\nKela\t=\nTöölö\t=\n".encode("latin-1"))
    assert "bad.tsv" in message and problems[0].startswith("line 3: not UTF-8")
    message, _ = _problems(tmp_path, b"", name="empty.tsv")
    assert "empty.tsv" in message and "no header row" in message
    with pytest.raises(GlossaryError, match="cannot read"):
        Glossary.load(tmp_path / "nowhere.tsv")


@pytest.mark.parametrize(("surface", "term"), INFLECTED)
def test_inflected_matches(glossary: Glossary, surface: str, term: str) -> None:
    text = carrier(surface)
    matches = glossary.find(text)
    assert [(m.surface, m.entry.fi) for m in matches] == [(surface, term)]
    assert text[matches[0].start : matches[0].end] == surface


def test_no_false_matches(glossary: Glossary) -> None:
    assert glossary.find(NOT_TERMS) == []
    assert glossary.find("") == []


def test_terms_for_hotwords(glossary: Glossary) -> None:
    assert glossary.terms("fi")[:3] == ["Kela", "asumistuki", "TE-toimisto"]
    assert glossary.terms("sv") == [
        "Kela",
        "bostadsbidrag",
        "TE-toimisto",
        "utkomststöd",
        "Helsingfors stad",
    ]
    assert glossary.terms("ru") == ["Кела"]
    assert glossary.terms("de") == []


def test_apply_and_restore_fi_to_target(glossary: Glossary) -> None:
    masked = glossary.apply("Hain asumistukea Kelasta ja TE-toimistosta.", "fi", "en")
    assert masked.text == "Hain [[1]] [[2]] ja [[3]]."
    restored, problems = masked.restore("I applied for [[1]] from [[2]] and the [ [3] ].")
    assert restored == "I applied for housing allowance from Kela and the TE Office."
    assert problems == []
    # keep-as-is in Swedish inserts the base form; no Russian rule for asumistuki
    masked = glossary.apply("Kelan asumistuki", "fi", "ru")
    assert masked.text == "[[1]] asumistuki"
    assert masked.restore("[[1]] жилищное пособие")[0] == "Кела жилищное пособие"
    masked = glossary.apply("TE-toimistoon", "fi", "sv")
    assert masked.restore("till [[1]]") == ("till TE-toimisto", [])


def test_restore_reports_missing_term(glossary: Glossary) -> None:
    masked = glossary.apply("Omniassa on kurssi.", "fi", "en")
    restored, problems = masked.restore("There is a course.")
    assert restored == "There is a course. Omnia"
    assert problems == ["missing term 'Omniassa' (placeholder 1)"]


def test_apply_reverse_direction(glossary: Glossary) -> None:
    text = "You can get Housing Allowances from Kela or the TE office."
    masked = glossary.apply(text, "en", "fi")
    assert masked.text == "You can get [[1]] from [[2]] or the [[3]]."
    restored, problems = masked.restore("Voit saada [[1]] [[2]] tai [[3]].")
    assert (restored, problems) == ("Voit saada asumistuki Kela tai TE-toimisto.", [])
    assert glossary.find("Kelavirasto housing allowancex", "en") == []
    masked = glossary.apply("Bostadsbidrag från Helsingfors stad", "sv", "en")
    assert masked.restore("[[1]] from [[2]]")[0] == "housing allowance from City of Helsinki"


def test_glossary_and_protected_spans_share_numbering(glossary: Glossary) -> None:
    terms = glossary.apply("Kela maksaa 12,50 € 1.2.2025 asumistukea.", "fi", "en")
    spans = protect(terms.text, first_index=terms.next_index)
    assert spans.text == "[[1]] maksaa [[3]] [[4]] [[2]]."
    both = terms.merge(spans)
    restored, problems = both.restore("[[1]] pays [[3]] of [[2]] on [[4]].")
    assert restored == "Kela pays 12,50 € of housing allowance on 1.2.2025."
    assert problems == []


def test_long_mixed_and_rtl_input(glossary: Glossary) -> None:
    unit = "Hain asumistukea Kelasta 12.30. مرحبا بكم في كيلا؟ 你好。 TE-toimistoon! "
    text = unit * 150
    assert len(text) > 10_000
    started = time.perf_counter()
    matches = glossary.find(text)
    masked = glossary.apply(text, "fi", "en")
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    assert len(matches) == 3 * 150
    assert masked.restore(masked.text)[1] == []
    assert glossary.find("مرحبا بكم", "ar") == []
