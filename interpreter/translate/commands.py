"""``interpreter translate``: written text through the same engine as speech."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from interpreter.translate.engine import TranslationEngine, TranslationResult
from interpreter.translate.glossary import Glossary


def load_glossary(path: Path | None) -> Glossary | None:
    return Glossary.load(path) if path is not None else None


def result_record(result: TranslationResult) -> dict:
    """The ``--jsonl`` object of one translated input."""
    return {
        "text": result.text,
        "translation": result.translation,
        "route": result.route,
        "backend": result.backend,
        "tokens_out": result.tokens_out,
        "ms": round(result.ms, 1),
        "flags": list(result.flags),
    }


def translate_lines(
    engine: TranslationEngine, lines: Iterable[str], out: TextIO, jsonl: bool
) -> int:
    """Translate each line; flagged results are marked. Returns how many were flagged."""
    flagged = 0
    for line in lines:
        text = line.rstrip("\n")
        result = engine.translate(text)
        flagged += bool(result.flags)
        if jsonl:
            out.write(json.dumps(result_record(result), ensure_ascii=False) + "\n")
        else:
            mark = "[untranslated] " if result.untranslated else ""
            out.write(f"{mark}{result.translation}\n")
        out.flush()
    return flagged
