"""The repetition-loop rule shared by recognition and translation (no model)."""

import pytest

from interpreter.repetition import find_loops, has_loop, remove_loops
from interpreter.translate.text import is_degenerate


@pytest.mark.parametrize(
    "text",
    [
        "hei hei hei",  # a word three times: people say that
        "no no no, not that one",
        "kiitos paljon kiitos paljon",  # a pair twice
        "yksi kaksi kolme neljä viisi kuusi",
        "one two, one two",
        "1 2 3 4 5 6 7 8 9 10",
        "puhelinnumero on 040 123 4567",
        "100000 euroa",
    ],
)
def test_ordinary_speech_is_not_a_loop(text):
    words = text.split()
    assert not has_loop(words)
    assert remove_loops(words) == (words, False)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("minne minne minne minne", "minne"),
        ("Kiitos. kiitos, KIITOS kiitos! ja hei", "Kiitos. ja hei"),
        (
            "the the the the the the the the the the the the the the the the the I need help",
            "the I need help",
        ),
        ("ja sitten ja sitten ja sitten loppu", "ja sitten loppu"),
        ("a b c a b c a b c", "a b c"),
        ("a b c d a b c d a b c d", "a b c d"),
        ("I don't have a license. I don't have a license.", "I don't have a license."),
        ("numero on 2 2 2 2 2 2 2 2 2 2 2", "numero on 2"),
        ("numero on 22222222222222", "numero on 2"),
        ("se on 1212121212121212 euroa", "se on 12 euroa"),
    ],
)
def test_loops_anywhere_are_cut_to_one_copy(text, kept):
    words, found = remove_loops(text.split())
    assert found
    assert " ".join(words) == kept
    assert not has_loop(words)


def test_committed_words_stay_and_only_new_copies_go():
    committed = "tervetuloa tervetuloa tervetuloa".split()  # three: allowed
    new = "tervetuloa tervetuloa miten voin auttaa".split()
    words, found = remove_loops(committed + new, fixed=len(committed))
    assert found
    assert words[: len(committed)] == committed
    assert words[len(committed) :] == "miten voin auttaa".split()


def test_loops_are_found_with_their_position():
    loops = find_loops("x y y y y z a b a b a b".split())
    assert [(loop.start, loop.unit, loop.repeats) for loop in loops] == [(1, 1, 4), (6, 2, 3)]


def test_translation_with_a_group_loop_is_degenerate_unless_the_source_loops():
    source = "Hakemus käsitellään kahden viikon kuluessa."
    assert is_degenerate(source, "The application is is is is processed.")
    assert is_degenerate(source, "within two weeks within two weeks within two weeks")
    assert is_degenerate(source, "The application is processed within two weeks.") is None
    chant = "hei hei hei hei"
    assert is_degenerate(chant, "hi hi hi hi") is None
