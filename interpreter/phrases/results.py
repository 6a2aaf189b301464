"""Results of a phrase-set run and their JSON form (ratings included)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from interpreter.phrases.format import Phrase
from interpreter.phrases.ratings import Rating

FORMAT_VERSION = 1
#: Per-stage latency keys, seconds.
ASR_STAGE = "speech_end->committed"
MT_STAGE = "committed->translation"
TOTAL = "total"
STAGES = (ASR_STAGE, MT_STAGE, TOTAL)


class RunFileError(Exception):
    """A run JSON file that cannot be read; the message names the file and the fix."""


@dataclass
class PhraseResult:
    """One phrase through the pipeline: what was heard and said, how fast, how good.

    ``latency`` maps each of :data:`STAGES` to seconds, or None where it was not measured
    (text mode has no recognition stage; audio replayed faster than real time has no
    honest latency). ``scores`` holds the per-phrase metrics (see ``metrics.py``).
    """

    phrase_id: str
    side: str
    source_lang: str
    target_lang: str
    source_text: str
    transcript: str | None
    translation: str
    references: tuple[str, ...]
    flags: tuple[str, ...] = ()
    latency: dict[str, float | None] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)
    audio: str | None = None
    synthesized: bool = False
    error: str | None = None
    detected_lang: str | None = None
    route: str = ""
    backend: str = ""
    tags: tuple[str, ...] = ()

    @classmethod
    def empty(cls, phrase: Phrase, target: str, **values: Any) -> PhraseResult:
        """The result of ``phrase`` into ``target`` before anything was heard or translated."""
        return cls(
            phrase_id=phrase.id,
            side=phrase.side,
            source_lang=phrase.lang,
            target_lang=target,
            source_text=phrase.text,
            transcript=values.pop("transcript", ""),
            translation="",
            references=phrase.references[target],
            tags=phrase.tags,
            **values,
        )

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("references", "flags", "tags"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhraseResult:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("references", "flags", "tags"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


@dataclass
class RunResult:
    """A whole run: options, machine and models it ran with, results, and ratings."""

    set_name: str
    set_path: str
    options: dict[str, Any]
    machine: dict[str, Any]
    models: dict[str, Any]
    started_at: str
    finished_at: str
    results: list[PhraseResult]
    cancelled: bool = False
    ratings: dict[str, Rating] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Phrases of the set left out of this run (not in the pair), by id with the reason.
    skipped: dict[str, str] = field(default_factory=dict)
    total_phrases: int = 0

    @property
    def mode(self) -> str:
        return "audio" if self.options.get("audio") else "text"

    def result(self, phrase_id: str) -> PhraseResult | None:
        for result in self.results:
            if result.phrase_id == phrase_id:
                return result
        return None

    def to_dict(self) -> dict[str, Any]:
        from interpreter.phrases.metrics import summarize

        return {
            "format": "desk-interpreter-phrase-run",
            "version": FORMAT_VERSION,
            "set_name": self.set_name,
            "set_path": self.set_path,
            "options": self.options,
            "machine": self.machine,
            "models": self.models,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "cancelled": self.cancelled,
            "total_phrases": self.total_phrases,
            "notes": list(self.notes),
            "skipped": dict(self.skipped),
            "summary": summarize(self),
            "results": [r.to_dict() for r in self.results],
            "ratings": {k: v.to_dict() for k, v in self.ratings.items()},
        }

    def to_json(self, path: Path | str) -> Path:
        """Write atomically, so an interrupted write never loses an earlier file."""
        path = Path(path)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            partial.write_text(
                json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        return cls(
            set_name=data["set_name"],
            set_path=data.get("set_path", ""),
            options=dict(data.get("options") or {}),
            machine=dict(data.get("machine") or {}),
            models=dict(data.get("models") or {}),
            started_at=data.get("started_at", ""),
            finished_at=data.get("finished_at", ""),
            results=[PhraseResult.from_dict(r) for r in data.get("results", [])],
            cancelled=bool(data.get("cancelled", False)),
            ratings={k: Rating.from_dict(v) for k, v in (data.get("ratings") or {}).items()},
            notes=list(data.get("notes") or []),
            skipped=dict(data.get("skipped") or {}),
            total_phrases=int(data.get("total_phrases") or 0),
        )

    @classmethod
    def from_json(cls, path: Path | str) -> RunResult:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise RunFileError(f"cannot read run file {path}: {exc.strerror}") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RunFileError(
                f"{path} is not a phrase-run JSON file ({exc}); give the file written by "
                "'interpreter phrases run --json'"
            ) from exc
        if not isinstance(data, dict) or data.get("format") != "desk-interpreter-phrase-run":
            raise RunFileError(
                f"{path} is not a phrase-run JSON file; give the file written by "
                "'interpreter phrases run --json'"
            )
        try:
            return cls.from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise RunFileError(f"{path} is damaged: {exc}") from exc
