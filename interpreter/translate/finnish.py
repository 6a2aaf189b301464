"""Finnish word matching for the glossary: libvoikko's base forms, a suffix heuristic besides.

A word of a text may be an inflection of a glossary term's word (lower case, as the
glossary writes it) when it is that word (``Helsingin`` of "Helsingin kaupunki"), or:

* when a lemmatizer knows the word: one of its base forms is the term word. libvoikko
  analyses the word (``asumistuen`` -> ``asumistuki``, ``toimeentulotukea`` ->
  ``toimeentulotuki``); a hyphenated compound it does not know is analysed by its last
  part, which is the part that inflects (``TE-toimistoon`` -> ``te-toimisto``);
* when the lemmatizer does not know the word (names and abbreviations such as ``Omniassa``
  or ``Kela:n``), or there is none because libvoikko or its Finnish dictionary is not
  installed: the suffix heuristic, by which the word is one of the term word's stems
  followed by a Finnish case or number ending, a possessive suffix and a clitic (see
  ``_stems`` and ``ENDINGS``).

libvoikko (Debian ``libvoikko1`` and ``voikko-fi``, PyPI ``libvoikko``) is loaded by
``load_voikko``; the glossary takes the loader as a parameter, so that tests can choose.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Suffix heuristic

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


def suffix_candidates(word: str, by_stem: dict[str, set[str]]) -> set[str]:
    """Term words (values of ``by_stem``, keyed by their stems) that ``word`` may inflect."""
    base, _, tail = word.partition(":")  # Kela:n, TE:hen
    if tail and tail in ENDINGS:
        word = base
    found: set[str] = set()
    for cut in range(min(_MAX_ENDING, len(word)) + 1):
        if word[len(word) - cut :] in ENDINGS:
            found |= by_stem.get(word[: len(word) - cut], set())
    return found


# ---------------------------------------------------------------------------------------------
# Lemmatizers


class FinnishLemmatizer(Protocol):
    """Base forms of Finnish words; must be safe to call from several threads."""

    name: str

    def lemmas(self, word: str) -> frozenset[str]:
        """The lower-case base forms ``word`` may be an inflection of; empty when unknown."""
        ...

    def close(self) -> None:
        """Release what the lemmatizer holds; ``lemmas`` knows no word afterwards."""
        ...


#: Makes the lemmatizer a glossary uses (None: the suffix heuristic only); called once.
LemmatizerLoader = Callable[[], FinnishLemmatizer | None]


class VoikkoHandle(Protocol):
    """What is used of a ``libvoikko.Voikko`` object."""

    def analyze(self, word: str) -> list[dict[str, str]]: ...

    def terminate(self) -> None: ...


class VoikkoLemmatizer:
    """Base forms from libvoikko's morphological analysis (``BASEFORM``), cached.

    A libvoikko handle must not be used from two threads at once, so calls take a lock;
    an analysis takes tens of microseconds and the same words come back in every
    utterance, so results are kept in an LRU cache. ``close`` terminates the handle.
    """

    def __init__(
        self, voikko: VoikkoHandle, name: str = "libvoikko", cache_size: int = 8192
    ) -> None:
        self.name = name
        self._voikko: VoikkoHandle | None = voikko
        self._lock = threading.Lock()
        self._cached = functools.lru_cache(maxsize=cache_size)(self._analyse)

    def lemmas(self, word: str) -> frozenset[str]:
        return self._cached(word)

    def _analyse(self, word: str) -> frozenset[str]:
        found = self._base_forms(word)
        head, _, last = word.rpartition("-")
        if not found and head and last:
            found = frozenset(f"{head.casefold()}-{base}" for base in self._base_forms(last))
        return found

    def _base_forms(self, word: str) -> frozenset[str]:
        with self._lock:
            if self._voikko is None:
                return frozenset()
            analyses = self._voikko.analyze(word)
        return frozenset(a["BASEFORM"].casefold() for a in analyses if a.get("BASEFORM"))

    def close(self) -> None:
        with self._lock:  # waits for an analysis in progress
            voikko, self._voikko = self._voikko, None
        if voikko is not None:
            voikko.terminate()
        self._cached.cache_clear()


@functools.cache  # each reason once per process: every glossary load would repeat it
def _log_missing(reason: str) -> None:
    logger.info(
        "libvoikko cannot be used (%s); Finnish glossary terms are matched by their endings. "
        "Install the Debian packages libvoikko1 and voikko-fi for Finnish base forms.",
        reason,
    )


def load_voikko() -> VoikkoLemmatizer | None:
    """libvoikko with its Finnish dictionary, or None when either is missing (logged once)."""
    try:
        import libvoikko  # type: ignore[import-not-found]
    except ImportError as exc:
        _log_missing(f"no Python module: {exc}")
        return None
    try:
        voikko = libvoikko.Voikko("fi")
    except OSError as exc:  # libvoikko.so.1 not found
        _log_missing(f"no library: {exc}")
        return None
    except libvoikko.VoikkoException as exc:  # no Finnish dictionary
        _log_missing(str(exc))
        return None
    return VoikkoLemmatizer(voikko, f"libvoikko {libvoikko.Voikko.getVersion()}")


def no_lemmatizer() -> None:
    """A ``LemmatizerLoader`` for the suffix heuristic alone."""
    return None


class FinnishTermMatcher:
    """Maps a word of a text to the term words (lower case) it may be an inflection of."""

    def __init__(self, term_words: Iterable[str], lemmatizer: FinnishLemmatizer | None) -> None:
        self._words = frozenset(term_words)
        self._lemmatizer = lemmatizer
        self._by_stem: dict[str, set[str]] = {}
        for word in self._words:
            for stem in _stems(word):
                self._by_stem.setdefault(stem, set()).add(word)

    def candidates(self, surface: str) -> set[str]:
        word = surface.casefold()
        found = {word} & self._words
        lemmas = self._lemmatizer.lemmas(surface) if self._lemmatizer is not None else frozenset()
        if lemmas:
            return found | (lemmas & self._words)
        return found | suffix_candidates(word, self._by_stem)
