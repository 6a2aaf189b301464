"""Phrase-set files: loading, metadata, and every problem reported with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run_cli

from interpreter.phrases.format import (
    PhraseSetError,
    builtin_sets,
    load_phrase_set,
)

HEADER = "id\tside\tlang\ttext\tref:en\tref:en:2\tref:fi\taudio\ttags\n"


def write(folder: Path, text: str, name: str = "set.tsv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path) -> list[tuple[int, str]]:
    with pytest.raises(PhraseSetError) as caught:
        load_phrase_set(path)
    assert caught.value.path == path
    return caught.value.problems


def test_a_valid_set_loads_with_metadata_references_audio_and_tags(tmp_path):
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "k1.wav").write_bytes(b"RIFF")
    (tmp_path / "terms.tsv").write_text("fi\ten\nKela\t=\n", encoding="utf-8")
    path = write(
        tmp_path,
        "# name: Kela desk\n"
        "# languages: fi en\n"
        "# glossary: terms.tsv\n"
        "# just a comment, not metadata\n"
        "\n" + HEADER + "k1\tstaff\tfi\tKelan päätös tulee postissa.\tKela's decision comes by "
        "post.\tThe Kela decision arrives by mail.\t\tclips/k1.wav\tkela, post\n"
        "# a comment between rows\n"
        "k2\tclient\ten\tWhere is room 12?\t\t\tMissä on huone 12?\t\t\n",
    )
    phrase_set = load_phrase_set(path)
    assert phrase_set.name == "Kela desk"
    assert phrase_set.languages == ("fi", "en")
    assert phrase_set.glossary == (tmp_path / "terms.tsv").resolve()
    assert phrase_set.metadata["languages"] == "fi en"
    first, second = phrase_set.phrases
    assert first.references == {
        "en": ("Kela's decision comes by post.", "The Kela decision arrives by mail.")
    }
    assert first.audio == (tmp_path / "clips" / "k1.wav").resolve()
    assert first.tags == ("kela", "post")
    assert first.line == 7
    assert (second.side, second.lang, second.audio, second.tags) == ("client", "en", None, ())
    assert second.references == {"fi": ("Missä on huone 12?",)}
    assert second.targets(phrase_set.languages) == ["fi"]


def test_csv_sets_are_comma_separated_with_quoting(tmp_path):
    path = write(
        tmp_path,
        'id,side,lang,text,ref:en\nc1,staff,fi,"Kiitos, näkemiin.","Thank you, goodbye."\n',
        name="set.csv",
    )
    (phrase,) = load_phrase_set(path).phrases
    assert phrase.text == "Kiitos, näkemiin."
    assert phrase.references["en"] == ("Thank you, goodbye.",)


def test_every_row_problem_is_reported_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "# name: broken\n"
        + HEADER
        + "a1\tstaff\tfi\tHyvää päivää.\tGood afternoon.\t\t\t\t\n"  # line 3: fine
        + "a1\tstaff\tfi\tKiitos.\tThank you.\t\t\t\t\n"  # 4: duplicate id
        + "a3\tcustomer\tfi\tKiitos.\tThank you.\t\t\t\t\n"  # 5: bad side
        + "a4\tstaff\tfi\t\tThank you.\t\t\t\t\n"  # 6: empty text
        + "a5\tstaff\tfi\tKiitos.\t\t\t\t\t\n"  # 7: no reference
        + "a6\tstaff\tfi\tKiitos.\tThank you.\t\t\tmissing.wav\t\n"  # 8: missing audio
        + "a7\tstaff\tfi\tKiitos.\tThank you.\t\t\tnotes.txt\t\n"  # 9: not audio
        + "a8\tstaff\txx\tKiitos.\tThank you.\t\t\t\t\n"  # 10: unknown language
        + "a9 staff fi Kiitos. Thank you.\n"  # 11: spaces instead of tabs
        + "a10\tclient\tfi\tKiitos.\tThank you.\t\t\t\t\n",  # 12: client speaking Finnish
    )
    found = problems(path)
    lines = [line for line, _ in found]
    assert lines == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    text = dict(found)
    assert "duplicate id 'a1' (first on line 3)" in text[4]
    assert "'staff' or 'client'" in text[5]
    assert "empty text" in text[6]
    assert "no reference" in text[7]
    assert str((tmp_path / "missing.wav").resolve()) in text[8] and "does not exist" in text[8]
    assert "not a wav, flac, mp3 or ogg" in text[9]
    assert "unknown language code 'xx'" in text[10]
    assert "tabs, not spaces" in text[11]
    assert "client's language" in text[12]


def test_wrong_columns_are_reported_on_the_header_line(tmp_path):
    path = write(
        tmp_path, "\n# name: x\nid\tspeaker\tlang\ttext\ttranslation\nq\tstaff\tfi\tHei\tHi\n"
    )
    found = problems(path)
    assert [line for line, _ in found] == [3, 3, 3, 3]
    joined = " ".join(text for _, text in found)
    assert "no 'side' column" in joined
    assert "unknown column 'speaker'" in joined and "unknown column 'translation'" in joined
    assert "no reference columns" in joined


def test_broken_encoding_names_the_line(tmp_path):
    text = (
        HEADER
        + "a1\tstaff\tfi\tKiitos.\tThank you.\t\t\t\t\na2\tstaff\tfi\tHyvää.\tGood.\t\t\t\t\n"
    )
    path = write(tmp_path, text, encoding="latin-1")
    ((line, problem),) = problems(path)
    assert line == 3
    assert "not UTF-8" in problem and "save the file as UTF-8" in problem


def test_missing_glossary_empty_and_missing_files(tmp_path):
    glossary = write(
        tmp_path, "# glossary: nowhere.tsv\n" + HEADER + "a\tstaff\tfi\tK.\tT.\t\t\t\t\n"
    )
    ((line, problem),) = problems(glossary)
    assert line == 1 and "nowhere.tsv" in problem
    empty = write(tmp_path, "# name: nothing yet\n", name="empty.tsv")
    assert "no header row" in problems(empty)[0][1]
    header_only = write(tmp_path, HEADER, name="header.tsv")
    assert "no phrases" in problems(header_only)[0][1]
    missing = tmp_path / "absent.tsv"
    ((line, problem),) = problems(missing)
    assert line == 0 and "does not exist" in problem and "fi-en-customer-service" in problem
    assert str(missing) in str(PhraseSetError(missing, [(0, problem)]))


def test_builtin_sets_are_valid_and_load_by_name():
    sets = builtin_sets()
    assert sets, "the package ships starter sets"
    assert all("glossary" not in path.name for path in sets)
    for path in sets:
        by_name = load_phrase_set(path.stem)
        assert by_name.path == path
        assert by_name.phrases and "fi" in by_name.languages


def test_validate_command_lists_problems_and_exits_2(tmp_path):
    bad = write(tmp_path, HEADER + "a\tboss\tfi\tKiitos.\tThank you.\t\t\t\t\n")
    result = run_cli("phrases", "validate", str(bad))
    assert result.returncode == 2
    assert f"phrase set {bad}" in result.stderr and "line 2: side must be" in result.stderr
    assert "Nothing was run" in result.stderr
    good = write(tmp_path, HEADER + "a\tstaff\tfi\tKiitos.\tThank you.\t\t\t\t\n", "good.tsv")
    result = run_cli("phrases", "validate", str(good))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: good") and "1 phrases (fi-en: 1)" in result.stdout
