"""Repetition loops: the same word or group of words over and over, beyond what people say.

Whisper and translation models both fall into loops on hard input (a decoder forced into
the wrong language, a long number, noise). People do repeat themselves ("no, no, no"),
so the rule is about counts: one word four or more times in a row, a group of two to four
words three or more times, or a long phrase twice. Words are compared case-folded and
without punctuation, so "Kiitos. Kiitos, kiitos kiitos" is a loop.

A single token can loop too ("2222222222", "hahahahahaha"): a character repeated eight
or more times, or a group of two to four characters five or more times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoopRule:
    """How many repeats in a row make a loop (counts include the first occurrence)."""

    #: One word repeated this many times in a row.
    word_repeats: int = 4
    #: A group of 2..``max_group`` words repeated this many times in a row.
    group_repeats: int = 3
    max_group: int = 4
    #: A phrase of at least this many words (and at most ``max_phrase``) said twice in a row.
    doubled_phrase: int = 5
    max_phrase: int = 12

    def min_repeats(self, unit: int) -> int:
        if unit == 1:
            return self.word_repeats
        if unit <= self.max_group:
            return self.group_repeats
        return 2 if unit >= self.doubled_phrase else self.group_repeats


DEFAULT_RULE = LoopRule()

_CHAR_LOOP = re.compile(r"(.)\1{7,}|(..{1,3}?)\2{4,}")


@dataclass(frozen=True)
class Loop:
    """``repeats`` copies of ``words[start:start + unit]`` in a row."""

    start: int
    unit: int
    repeats: int

    @property
    def end(self) -> int:
        return self.start + self.unit * self.repeats


def _key(word: str) -> str:
    key = "".join(ch for ch in word.casefold() if ch.isalnum())
    return key or word


def find_loops(words: Sequence[str], rule: LoopRule = DEFAULT_RULE) -> list[Loop]:
    """Every loop in ``words``, left to right, non-overlapping (the longest span wins)."""
    keys = [_key(w) for w in words]
    loops: list[Loop] = []
    position = 0
    while position < len(keys):
        best: Loop | None = None
        for unit in range(1, min(rule.max_phrase, (len(keys) - position) // 2) + 1):
            unit_keys = keys[position : position + unit]
            repeats = 1
            while keys[position + repeats * unit : position + (repeats + 1) * unit] == unit_keys:
                repeats += 1
            if repeats >= rule.min_repeats(unit):
                loop = Loop(position, unit, repeats)
                if best is None or loop.end > best.end:
                    best = loop
        if best is None:
            position += 1
        else:
            loops.append(best)
            position = best.end
    return loops


def has_loop(words: Sequence[str], rule: LoopRule = DEFAULT_RULE) -> bool:
    return bool(find_loops(words, rule)) or any(_CHAR_LOOP.search(_key(w)) for w in words)


def longest_repeat(words: Sequence[str], rule: LoopRule = DEFAULT_RULE) -> int:
    """The most repeats in a row of any loop in ``words`` (0: none)."""
    return max((loop.repeats for loop in find_loops(words, rule)), default=0)


def remove_loops(
    words: Sequence[str], fixed: int = 0, rule: LoopRule = DEFAULT_RULE
) -> tuple[list[str], bool]:
    """``words`` with every loop cut down to one copy, and whether any was found.

    The first ``fixed`` words are already shown and cannot change (committed text): only
    copies after them are removed, so a loop that starts in the committed text and goes
    on in the new words loses its new copies. A looping token is cut to one copy of what
    it repeats.
    """
    found = False
    kept: list[str] = []
    position = 0
    for loop in find_loops(words, rule):
        kept += words[position : loop.start]
        copies_end = max(loop.start + loop.unit, min(loop.end, fixed))
        kept += words[loop.start : copies_end]
        position = loop.end
        found = True
    kept += words[position:]
    cleaned: list[str] = []
    for index, word in enumerate(kept):
        if index >= fixed:
            shortened = _CHAR_LOOP.sub(lambda m: m.group(1) or m.group(2), word)
            found = found or shortened != word
            word = shortened
        cleaned.append(word)
    return cleaned, found


def longest_shared_run(words: Sequence[str], earlier: Sequence[str]) -> int:
    """How many words in a row of ``words`` also stand, in that order, in ``earlier``.

    Whisper sometimes copies its previous-text prompt into the new reading instead of
    transcribing hard audio; a long shared run is the sign. Words compare as in loops.
    """
    keys, earlier_keys = [_key(w) for w in words], [_key(w) for w in earlier]
    best = 0
    # Classic longest common substring over words: runs[j] ends at earlier_keys[j - 1].
    runs = [0] * (len(earlier_keys) + 1)
    for key in keys:
        previous = 0
        for j, other in enumerate(earlier_keys, start=1):
            current = runs[j]
            runs[j] = previous + 1 if key == other else 0
            best = max(best, runs[j])
            previous = current
    return best
