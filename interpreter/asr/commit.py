"""Stable-prefix commit policy in the spirit of LocalAgreement-2.

Each decode of the growing utterance gives a hypothesis for the words after the
committed text. Words on which two consecutive hypotheses agree are committed; the rest
stays tentative. After a pause (or at the end of the utterance) everything is committed,
because no later audio can change words that were followed by silence.

Agreement is read on aligned words, not on exact strings: case and punctuation do not
count ("viikossa," agrees with "viikossa."), and a short disagreement (one or two words
read differently, or split differently) between agreeing words does not stop the
commit; the newest reading of it is taken, since it heard the most audio. Without this,
one unsure word early in a long utterance would keep everything after it uncommitted,
and every later decode would pay for re-reading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from interpreter.textnorm import normalise_for_wer

#: A disagreement of at most this many words on either side is bridged ...
MAX_BRIDGED_WORDS = 2
#: ... when at least this many agreeing words follow it.
MIN_AGREEING_AFTER = 2


@dataclass
class CommitState:
    """The committed words of one utterance and the recent uncommitted hypotheses.

    ``agreement`` is how many consecutive hypotheses must share a word before it is
    committed (2 is LocalAgreement-2; 3 is more cautious on short, unclear audio).
    """

    agreement: int = 2
    committed: list[str] = field(default_factory=list)
    recent_tails: list[list[str]] = field(default_factory=list)

    @property
    def committed_text(self) -> str:
        return " ".join(self.committed)

    def forget_hypotheses(self) -> None:
        """Earlier hypotheses no longer count (e.g. they were in another language)."""
        self.recent_tails = []

    def remember(self, tail: list[str]) -> None:
        """Record a hypothesis without committing from it (it takes part in the next vote)."""
        self.recent_tails = [*self.recent_tails, list(tail)][-(self.agreement - 1) :]

    def agree(self, tail: list[str]) -> tuple[list[str], list[str]]:
        """Feed a new hypothesis tail; return (newly committed words, still tentative words)."""
        earlier = self.recent_tails
        agreed = 0
        if len(earlier) + 1 >= self.agreement:
            agreed = min(supported_prefix(older, tail)[1] for older in earlier)
        newly = tail[:agreed]
        self.committed.extend(newly)
        # Keep the earlier hypotheses aligned with what is still uncommitted.
        kept = [older[supported_prefix(older, newly)[0] :] for older in earlier]
        self.recent_tails = [*kept, tail[agreed:]][-(self.agreement - 1) :]
        return newly, tail[agreed:]

    def commit_all(self, tail: list[str]) -> list[str]:
        """Commit a whole hypothesis tail (after a pause or at the end); return it."""
        self.committed.extend(tail)
        self.recent_tails = []
        return list(tail)


def supported_prefix(older: list[str], newer: list[str]) -> tuple[int, int]:
    """How far ``older`` supports ``newer`` from the start: (words of older, of newer).

    Words agree when they are the same once case and punctuation are ignored. A short
    disagreement is bridged when enough agreeing words follow it; anything else ends
    the support.
    """
    keys_old = [_key(w) for w in older]
    keys_new = [_key(w) for w in newer]
    opcodes = SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes()
    support = (0, 0)
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            support = (i2, j2)
            continue
        following = opcodes[index + 1] if index + 1 < len(opcodes) else None
        bridged = (
            max(i2 - i1, j2 - j1) <= MAX_BRIDGED_WORDS
            and following is not None
            and following[0] == "equal"
            and following[2] - following[1] >= MIN_AGREEING_AFTER
        )
        if not bridged:
            break
    return support


def _key(word: str) -> str:
    return normalise_for_wer(word) or word
