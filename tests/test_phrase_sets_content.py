"""The starter phrase sets and their glossary: they load, meet the issue's minimums, cover its
topics, mark their review status, and use the city's terms consistently with the glossary.

The glossary checks use their own table of Finnish word forms (``TERM_FORMS``) rather than
the glossary's matcher, so that a term the matcher misses in an inflected form (possessive
suffixes, ``-us``/``-uus`` stems) is still required to be in the glossary.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from interpreter.phrases.format import (
    Phrase,
    PhraseSet,
    builtin_dir,
    builtin_sets,
    load_phrase_set,
)
from interpreter.translate.glossary import Glossary

MAIN_SET = "fi-en-customer-service"
SMALL_LANGUAGES = ("sv", "ru", "et", "uk", "ar")
SETS = (MAIN_SET, *(f"fi-{lang}-customer-service" for lang in SMALL_LANGUAGES))
GLOSSARY = "city-services-glossary.tsv"
MINIMUM_ROWS = {MAIN_SET: 100} | {f"fi-{lang}-customer-service": 20 for lang in SMALL_LANGUAGES}
AWAITING_REVIEW = "references awaiting review by a native speaker"

#: Tags for the topics the issue names for the Finnish-English set.
MAIN_TOPICS = (
    "employment", "kela", "housing-allowance", "residence-permit", "daycare", "health",
    "greeting", "identification", "documents", "dates", "times", "addresses", "phones", "money",
)  # fmt: skip
#: Terms the issue and the glossary documentation name; the glossary must have them.
REQUIRED_TERMS = (
    "Kela", "TE-toimisto", "asumistuki", "toimeentulotuki", "oleskelulupa", "päivähoito",
    "varhaiskasvatus", "terveysasema", "Maahanmuuttovirasto", "Migri", "henkilötunnus",
)  # fmt: skip
#: Finnish word forms (lower case, from the start of a word) of each city service term.
TERM_FORMS = {
    "Kela": r"kela(?!-)",
    "Kela-kortti": r"kela-kor[td]",
    "OmaKela": r"omakela",
    "TE-toimisto": r"te-toimisto",
    "työllisyyspalvelu": r"työllisyyspalvelu",
    "työnhakija": r"työnhakij",
    "työllistymissuunnitelma": r"työllistymissuunnitelm",
    "kotoutumiskoulutus": r"kotoutumiskoulutu",
    "työttömyysetuus": r"työttömyysetuu",
    "työttömyyskassa": r"työttömyyskas",
    "työmarkkinatuki": r"työmarkkinatu",
    "asumistuki": r"asumistu",
    "toimeentulotuki": r"toimeentulotu",
    "perustoimeentulotuki": r"perustoimeentulotu",
    "sosiaaliohjaaja": r"sosiaaliohjaa",
    "oleskelulupa": r"oleskelulu[pv]a(?!kort)",
    "oleskelulupakortti": r"oleskelulupakor[td]",
    "Maahanmuuttovirasto": r"maahanmuuttoviras",
    "Migri": r"migri",
    "kotikunta": r"kotikun",
    "henkilötunnus": r"henkilötunnu",
    "henkilöllisyystodistus": r"henkilöllisyystodistu",
    "palvelupiste": r"palvelupiste",
    "vuoronumero": r"vuoronumero",
    "Helsingin kaupunki": r"helsingin kaupun",
    "päivähoito": r"päivähoi[td]",
    "varhaiskasvatus": r"varhaiskasvatu",
    "päiväkoti": r"päiväko[td]",
    "asiakasmaksu": r"asiakasmaksu",
    "terveysasema": r"terveysasem",
}
_FORMS = {
    term: re.compile(rf"(?<![\w-]){form}", re.IGNORECASE) for term, form in TERM_FORMS.items()
}
#: Languages whose references must contain the glossary rendering: English as a whole word,
#: Swedish and Estonian as the start of a word (they add case and definiteness endings).
#: Russian, Ukrainian and Arabic decline the rendering itself, so they are not checked.
RENDERING_CHECKED = {"en": "word", "sv": "prefix", "et": "prefix"}


@pytest.fixture(scope="module")
def phrase_sets() -> dict[str, PhraseSet]:
    return {name: load_phrase_set(name) for name in SETS}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(builtin_dir() / GLOSSARY)


def finnish_texts(phrase: Phrase) -> list[str]:
    """What the phrase says in Finnish: its text or its Finnish references."""
    return [phrase.text] if phrase.lang == "fi" else list(phrase.references.get("fi", ()))


def terms_in_finnish(text: str) -> set[str]:
    return {term for term, form in _FORMS.items() if form.search(text)}


def renderings_in(text: str, glossary: Glossary, lang: str) -> set[str]:
    """Terms whose ``lang`` rendering occurs in ``text``, longest first where they overlap
    ("daycare centre" is one term, not also "daycare")."""
    tail = r"(?:s|es)?(?!\w)" if RENDERING_CHECKED[lang] == "word" else ""
    spans = []
    for entry in glossary.entries:
        rendering = entry.rendering(lang)
        if rendering:
            pattern = rf"(?<!\w){re.escape(rendering)}{tail}"
            spans += [(m.start(), -m.end(), entry.fi) for m in re.finditer(pattern, text, re.I)]
    found, end = set(), 0
    for start, negative_end, term in sorted(spans):
        if start >= end:
            found.add(term)
            end = -negative_end
    return found


def test_every_starter_set_is_built_in_and_loads(phrase_sets: dict[str, PhraseSet]) -> None:
    for name, phrase_set in phrase_sets.items():
        assert phrase_set.path.parent == builtin_dir()
        assert phrase_set.glossary == (builtin_dir() / GLOSSARY).resolve(), name
        assert phrase_set.languages[0] == "fi" and len(phrase_set.languages) == 2, name


def test_builtin_sets_lists_the_sets_but_not_the_glossary() -> None:
    names = {path.stem for path in builtin_sets()}
    assert set(SETS) <= names
    assert GLOSSARY.removesuffix(".tsv") not in names


def test_row_counts_and_unique_ids(phrase_sets: dict[str, PhraseSet]) -> None:
    for name, phrase_set in phrase_sets.items():
        ids = [p.id for p in phrase_set.phrases]
        assert len(ids) >= MINIMUM_ROWS[name], name
        assert len(set(ids)) == len(ids), name


def test_both_sides_with_more_staff_than_client(phrase_sets: dict[str, PhraseSet]) -> None:
    for name, phrase_set in phrase_sets.items():
        client_lang = phrase_set.languages[1]
        sides = Counter(p.side for p in phrase_set.phrases)
        share = sides["staff"] / len(phrase_set.phrases)
        assert 0.5 <= share <= 0.7, (name, sides)
        for phrase in phrase_set.phrases:
            expected = "fi" if phrase.side == "staff" else client_lang
            assert phrase.lang == expected, (name, phrase.id)


def test_every_phrase_has_a_reference_in_the_other_language(
    phrase_sets: dict[str, PhraseSet],
) -> None:
    for name, phrase_set in phrase_sets.items():
        for phrase in phrase_set.phrases:
            other = next(lang for lang in phrase_set.languages if lang != phrase.lang)
            refs = phrase.references.get(other, ())
            assert refs and all(r.strip() for r in refs), (name, phrase.id)
            assert phrase.text not in refs, (name, phrase.id)


def test_finnish_phrases_are_desk_length(phrase_sets: dict[str, PhraseSet]) -> None:
    for name, phrase_set in phrase_sets.items():
        for phrase in phrase_set.phrases:
            for text in finnish_texts(phrase):
                assert 2 <= len(text.split()) <= 20, (name, phrase.id, text)


def test_main_set_covers_the_issue_topics(phrase_sets: dict[str, PhraseSet]) -> None:
    tags = Counter(t for p in phrase_sets[MAIN_SET].phrases for t in p.tags)
    for topic in MAIN_TOPICS:
        assert tags[topic] >= 3, f"topic {topic!r} has {tags[topic]} phrase(s)"
    for side in ("staff", "client"):
        side_tags = {t for p in phrase_sets[MAIN_SET].phrases if p.side == side for t in p.tags}
        assert {"dates", "times", "addresses", "phones", "money"} <= side_tags, side


def test_review_status_is_marked(phrase_sets: dict[str, PhraseSet]) -> None:
    for name, phrase_set in phrase_sets.items():
        review = phrase_set.metadata.get("review", "")
        assert review, f"{name} has no '# review:' line"
        if name != MAIN_SET:
            assert review == AWAITING_REVIEW, name
        for key in ("name", "languages", "description"):
            assert phrase_set.metadata.get(key), (name, key)


def test_smaller_sets_reuse_the_main_set_finnish(phrase_sets: dict[str, PhraseSet]) -> None:
    """The same id means the same Finnish, so results compare across languages."""
    main = {p.id: finnish_texts(p) for p in phrase_sets[MAIN_SET].phrases}
    for name, phrase_set in phrase_sets.items():
        for phrase in phrase_set.phrases:
            assert main.get(phrase.id) == finnish_texts(phrase), (name, phrase.id)


def test_glossary_loads_and_has_the_issue_terms(glossary: Glossary) -> None:
    terms = {e.fi for e in glossary.entries}
    assert set(REQUIRED_TERMS) <= terms
    assert set(TERM_FORMS) == terms, "TERM_FORMS and the glossary must list the same terms"
    for entry in glossary.entries:
        for lang in ("en", "sv"):
            assert entry.rendering(lang), (entry.fi, lang)
        assert sum(bool(entry.rendering(lang)) for lang in SMALL_LANGUAGES) >= 3, entry.fi
    # Renderings into a language are unique, so that translating into Finnish is unambiguous.
    for lang in ("en", *SMALL_LANGUAGES):
        renderings = Counter(
            e.renderings[lang].casefold()
            for e in glossary.entries
            if e.renderings.get(lang) not in (None, "", "=")
        )
        assert not [r for r, n in renderings.items() if n > 1], lang


def test_every_city_term_in_the_sets_is_in_the_glossary(
    phrase_sets: dict[str, PhraseSet], glossary: Glossary
) -> None:
    terms = {e.fi for e in glossary.entries}
    used: set[str] = set()
    for phrase_set in phrase_sets.values():
        for phrase in phrase_set.phrases:
            for text in finnish_texts(phrase):
                found = terms_in_finnish(text)
                assert found <= terms, (phrase.id, found - terms)
                used |= found
    assert used == terms, f"glossary terms no set uses: {sorted(terms - used)}"


def test_glossary_matcher_finds_every_term_in_some_phrase(
    phrase_sets: dict[str, PhraseSet], glossary: Glossary
) -> None:
    matched = {
        m.entry.fi
        for phrase_set in phrase_sets.values()
        for phrase in phrase_set.phrases
        for text in finnish_texts(phrase)
        for m in glossary.find(text, "fi")
    }
    assert matched == {e.fi for e in glossary.entries}


@pytest.mark.parametrize("name", [n for n in SETS if n.split("-")[1] in RENDERING_CHECKED])
def test_references_use_the_glossary_renderings(
    name: str, phrase_sets: dict[str, PhraseSet], glossary: Glossary
) -> None:
    """Staff phrases: each Finnish term's rendering is in the reference. Client phrases:
    each rendering said by the client comes back as the Finnish term in the reference."""
    lang = name.split("-")[1]
    problems = []
    for phrase in phrase_sets[name].phrases:
        if phrase.side == "staff":
            expected = terms_in_finnish(phrase.text)
            found = set().union(
                *(renderings_in(r, glossary, lang) for r in phrase.references[lang])
            )
        else:
            expected = renderings_in(phrase.text, glossary, lang)
            found = set().union(*map(terms_in_finnish, finnish_texts(phrase)))
        if expected - found:
            problems.append(f"{phrase.id}: {sorted(expected - found)} missing from the reference")
    assert not problems, "\n".join(problems)
