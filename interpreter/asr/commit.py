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
    """The committed words of one utterance and the last uncommitted hypothesis."""

    committed: list[str] = field(default_factory=list)
    previous_tail: list[str] | None = None

    @property
    def committed_text(self) -> str:
        return " ".join(self.committed)

    def agree(self, tail: list[str]) -> tuple[list[str], list[str]]:
        """Feed a new hypothesis tail; return (newly committed words, still tentative words)."""
        previous = self.previous_tail
        newly: list[str] = []
        if previous is not None:
            for old, new in zip(previous, tail, strict=False):
                if old != new:
                    break
                newly.append(new)
        remaining = tail[len(newly) :]
        self.committed.extend(newly)
        self.previous_tail = remaining
        return newly, remaining

    def commit_all(self, tail: list[str]) -> list[str]:
        """Commit a whole hypothesis tail (after a pause or at the end); return it."""
        self.committed.extend(tail)
        self.previous_tail = None
        return list(tail)
