"""Stable-prefix commit policy in the spirit of LocalAgreement-2.

Each decode of the growing utterance gives a hypothesis for the words after the
committed text. Words on which two consecutive hypotheses agree are committed; the rest
stays tentative. After a pause (or at the end of the utterance) everything is committed,
because no later audio can change words that were followed by silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
        newly: list[str] = []
        voters = [*self.recent_tails, tail]
        if len(voters) >= self.agreement:
            for words in zip(*voters, strict=False):
                if any(word != words[0] for word in words):
                    break
                newly.append(words[0])
        self.committed.extend(newly)
        # Keep the earlier hypotheses aligned with what is still uncommitted.
        self.recent_tails = [t[len(newly) :] for t in voters][-(self.agreement - 1) :]
        return newly, tail[len(newly) :]

    def commit_all(self, tail: list[str]) -> list[str]:
        """Commit a whole hypothesis tail (after a pause or at the end); return it."""
        self.committed.extend(tail)
        self.recent_tails = []
        return list(tail)
