"""Finnish base forms for the glossary: libvoikko, the suffix heuristic, and the choice.

Real libvoikko (Debian libvoikko1 and voikko-fi) is used where the tests need its answers;
a stand-in handle where they check what the wrapper does with one (locking, caching,
terminating), and a missing module, library or dictionary for the fallback.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import pytest
from glossary_material import GLOSSARY_TSV, INFLECTED, IRREGULAR, LOOKALIKES, carrier

from interpreter.doctor import check_finnish_lemmas
from interpreter.translate import finnish
from interpreter.translate.finnish import VoikkoLemmatizer, load_voikko, no_lemmatizer
from interpreter.translate.glossary import Glossary, parse


@pytest.fixture
def voikko(require_voikko: None) -> Iterator[VoikkoLemmatizer]:
    lemmatizer = load_voikko()
    assert lemmatizer is not None
    yield lemmatizer
    lemmatizer.close()


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("asumistuen", "asumistuki"),
        ("toimeentulotukea", "toimeentulotuki"),
        ("Kelasta", "kela"),
        ("henkilötunnuksenne", "henkilötunnus"),
        # compounds, inflected as a whole
        ("perustoimeentulotuesta", "perustoimeentulotuki"),
        ("oleskelulupakortilla", "oleskelulupakortti"),
        ("työttömyyskassoihin", "työttömyyskassa"),
        ("Maahanmuuttovirastoon", "maahanmuuttovirasto"),
        # hyphenated compounds libvoikko does not know whole: by their last part
        ("TE-toimistoon", "te-toimisto"),
        ("Kela-kortilla", "kela-kortti"),
    ],
)
def test_voikko_base_forms(voikko: VoikkoLemmatizer, word: str, lemma: str) -> None:
    assert lemma in voikko.lemmas(word)


def test_voikko_does_not_know_names_and_abbreviations(voikko: VoikkoLemmatizer) -> None:
    for word in ("Omniassa", "Migrissä", "Kela:n", "XY-zzyyx"):
        assert voikko.lemmas(word) == frozenset(), word
    assert voikko.name.startswith("libvoikko ")


def _glossary(loader: finnish.LemmatizerLoader) -> Glossary:
    return Glossary(parse(GLOSSARY_TSV), lemmatizer=loader)


def _found(glossary: Glossary, text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.entry.fi) for m in glossary.find(text)]


def test_unknown_words_fall_back_to_the_suffix_heuristic(require_voikko: None) -> None:
    with _glossary(load_voikko) as glossary:
        assert glossary.lemmatizer_name().startswith("libvoikko")
        text = "Omniassa ja Kela:n kautta"
        assert _found(glossary, text) == [("Omniassa", "Omnia"), ("Kela:n", "Kela")]


def test_voikko_knows_stem_changes_the_heuristic_misses(require_voikko: None) -> None:
    with _glossary(load_voikko) as voikko, _glossary(no_lemmatizer) as heuristic:
        for surface, term in IRREGULAR:
            assert _found(voikko, carrier(surface)) == [(surface, term)]
            assert _found(heuristic, carrier(surface)) == []


def test_voikko_tells_other_words_from_terms(require_voikko: None) -> None:
    with _glossary(load_voikko) as voikko, _glossary(no_lemmatizer) as heuristic:
        assert _found(voikko, LOOKALIKES) == []
        assert [term for _, term in _found(heuristic, LOOKALIKES)] == ["Kela"] * 3


def _without_libvoikko(monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    """Make ``import libvoikko`` fail, or its library or dictionary fail to load."""
    finnish._log_missing.cache_clear()
    if failure == "module":
        monkeypatch.setitem(sys.modules, "libvoikko", None)
        return

    class VoikkoException(Exception):
        pass

    def broken(language: str) -> Any:
        if failure == "library":
            raise OSError("libvoikko.so.1: cannot open shared object file")
        raise VoikkoException("Initialization of Voikko failed: No valid dictionaries were found")

    module = types.ModuleType("libvoikko")
    module.Voikko = broken  # type: ignore[attr-defined]
    module.VoikkoException = VoikkoException  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "libvoikko", module)


@pytest.mark.parametrize("failure", ["module", "library", "dictionary"])
def test_missing_voikko_falls_back_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    _without_libvoikko(monkeypatch, failure)
    with caplog.at_level(logging.INFO, logger=finnish.__name__):
        glossaries = [_glossary(load_voikko) for _ in range(3)]
        for glossary in glossaries:
            assert glossary.lemmatizer_name() == "suffix heuristic"
    notes = [r for r in caplog.records if "libvoikko cannot be used" in r.getMessage()]
    assert len(notes) == 1 and notes[0].levelno == logging.INFO
    assert "voikko-fi" in notes[0].getMessage()
    for surface, term in INFLECTED:
        assert _found(glossaries[0], carrier(surface)) == [(surface, term)]


#: The words the stand-in handle knows, with their base forms.
FAKE_BASE_FORMS = {"asumistuen": "asumistuki", "asumistukea": "asumistuki", "kelin": "keli"}


class FakeVoikko:
    """A libvoikko handle that knows a few words, counts its calls and notices overlaps."""

    def __init__(self, meet: threading.Barrier | None = None) -> None:
        self.calls: list[str] = []
        self.overlapped = False
        self.terminated = 0
        self._meet = meet

    def analyze(self, word: str) -> list[dict[str, str]]:
        if self.terminated:
            raise AssertionError("analyze after terminate")
        self.calls.append(word)
        if self._meet is not None:
            try:  # a second caller arriving while this one is inside gets through
                self._meet.wait(timeout=0.5)
                self.overlapped = True
            except threading.BrokenBarrierError:
                pass
        base = FAKE_BASE_FORMS.get(word.casefold())
        return [{"BASEFORM": base, "CLASS": "nimisana"}] if base else []

    def terminate(self) -> None:
        self.terminated += 1


def test_lemmas_are_cached() -> None:
    fake = FakeVoikko()
    with _glossary(lambda: VoikkoLemmatizer(fake)) as glossary:
        text = "Hain asumistukea ja asumistuen Kelasta, asumistukea."
        first = _found(glossary, text)
        assert first == [
            ("asumistukea", "asumistuki"),
            ("asumistuen", "asumistuki"),
            ("Kelasta", "Kela"),  # not known to the stand-in: the heuristic
            ("asumistukea", "asumistuki"),
        ]
        calls = len(fake.calls)
        assert _found(glossary, text) == first
        assert len(fake.calls) == calls  # the second utterance is answered from the cache
        assert fake.calls.count("asumistukea") == 1


def test_calls_into_one_handle_never_overlap() -> None:
    fake = FakeVoikko(meet=threading.Barrier(2))
    lemmatizer = VoikkoLemmatizer(fake)
    results: dict[str, frozenset[str]] = {}

    def look_up(word: str) -> None:
        results[word] = lemmatizer.lemmas(word)

    threads = [threading.Thread(target=look_up, args=(w,)) for w in ("asumistuen", "kelin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not fake.overlapped
    assert results == {"asumistuen": {"asumistuki"}, "kelin": {"keli"}}


def test_close_terminates_once_and_falls_back() -> None:
    fake = FakeVoikko()
    glossary = _glossary(lambda: VoikkoLemmatizer(fake))
    assert _found(glossary, "asumistuen") == [("asumistuen", "asumistuki")]
    glossary.close()
    glossary.close()
    assert fake.terminated == 1
    assert _found(glossary, "Kelasta") == [("Kelasta", "Kela")]  # the heuristic, no handle


def test_garbage_collection_terminates_the_handle() -> None:
    fake = FakeVoikko()
    glossary = _glossary(lambda: VoikkoLemmatizer(fake))
    glossary.find("asumistuen")
    del glossary
    gc.collect()
    assert fake.terminated == 1


def test_no_lemmatizer_is_never_loaded_for_other_languages() -> None:
    loaded: list[str] = []

    def loader() -> None:
        loaded.append("voikko")

    glossary = _glossary(loader)
    assert [m.entry.fi for m in glossary.find("housing allowance", "en")] == ["asumistuki"]
    assert loaded == []
    glossary.find("asumistuen")
    glossary.find("Kelan")
    assert loaded == ["voikko"]
    assert no_lemmatizer() is None


def test_doctor_says_when_the_desk_has_no_libvoikko(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_libvoikko(monkeypatch, "dictionary")
    (finding,) = check_finnish_lemmas()
    assert not finding.ok and "suffix heuristic" in finding.what
    assert "libvoikko1 voikko-fi" in finding.fix


def test_doctor_names_libvoikko(require_voikko: None) -> None:
    (finding,) = check_finnish_lemmas()
    assert finding.ok and finding.what.startswith("Finnish glossary matching: libvoikko 4.")
