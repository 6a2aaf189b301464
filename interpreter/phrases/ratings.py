"""A tester's own judgement of each translation, kept in the run's JSON file.

Ratings are keyed by phrase id in :attr:`RunResult.ratings` and written with the run,
so a rated run is one file; :func:`write_ratings_csv` exports them for spreadsheets.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interpreter.phrases.runner import RunResult

ADEQUACY_SCALE = (1, 2, 3, 4, 5)
#: What the adequacy points mean, for the UI and the report.
ADEQUACY_LABELS = {
    1: "none of the meaning",
    2: "little of the meaning",
    3: "much of the meaning",
    4: "most of the meaning",
    5: "all of the meaning",
}
CSV_COLUMNS = ("phrase_id", "adequacy", "misleading", "comment", "rated_at")


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Rating:
    """Adequacy 1-5 (None: not rated), whether the translation misleads, a free comment."""

    adequacy: int | None = None
    misleading: bool = False
    comment: str = ""
    rated_at: str = field(default_factory=now_iso)

    def __post_init__(self) -> None:
        if self.adequacy is not None and self.adequacy not in ADEQUACY_SCALE:
            raise ValueError(f"adequacy must be 1 to 5 or empty, not {self.adequacy!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rating:
        adequacy = data.get("adequacy")
        return cls(
            adequacy=int(adequacy) if adequacy not in (None, "") else None,
            misleading=bool(data.get("misleading", False)),
            comment=str(data.get("comment", "")),
            rated_at=str(data.get("rated_at", "")),
        )


def rate(run: RunResult, phrase_id: str, rating: Rating) -> None:
    """Set (or replace) the rating of one phrase of ``run``; unknown ids are refused."""
    if phrase_id not in {r.phrase_id for r in run.results}:
        raise KeyError(f"phrase {phrase_id!r} is not in this run")
    run.ratings[phrase_id] = rating


def write_ratings_csv(run: RunResult, path: Path | str) -> Path:
    """One row per rated phrase, in the run's order (UTF-8, comma-separated)."""
    path = Path(path)
    order = [r.phrase_id for r in run.results]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for phrase_id in order:
            rating = run.ratings.get(phrase_id)
            if rating is None:
                continue
            adequacy = "" if rating.adequacy is None else rating.adequacy
            writer.writerow(
                [phrase_id, adequacy, int(rating.misleading), rating.comment, rating.rated_at]
            )
    return path


def summarize_ratings(run: RunResult) -> dict[str, Any]:
    """How many phrases are rated, mean adequacy and how many were judged misleading."""
    scores = [r.adequacy for r in run.ratings.values() if r.adequacy is not None]
    return {
        "rated": len(run.ratings),
        "mean_adequacy": sum(scores) / len(scores) if scores else None,
        "misleading": sum(r.misleading for r in run.ratings.values()),
    }
