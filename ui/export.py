"""Transcript export: the current conversation as bilingual TXT, JSON and SRT.

Qt-free; the desk window runs :func:`write_transcript` on a worker thread. Export is off
by default (a setting) because a transcript holds a client's personal matters.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ui.conversation import Utterance

logger = logging.getLogger(__name__)

FORMATS = ("txt", "json", "srt")
#: SRT needs a visible duration even for typed lines, which have no audio.
MIN_SUBTITLE_SECONDS = 2.0


class ExportError(Exception):
    """The transcript could not be written; the message names the folder and the fix."""


@dataclass(frozen=True)
class TranscriptLine:
    """One utterance as exported: both languages, its side and its times."""

    side: str
    lang: str
    text: str
    translation_lang: str
    translation: str
    start: float
    end: float
    flags: tuple[str, ...]
    typed: bool


def transcript_lines(utterances: Sequence[Utterance]) -> list[TranscriptLine]:
    """Utterances with text, committed text only (tentative text was never final)."""
    lines = []
    for utt in utterances:
        if not utt.committed:
            continue
        lines.append(
            TranscriptLine(
                side=utt.side or "unknown",
                lang=utt.lang or "",
                text=utt.committed,
                translation_lang=utt.translation_lang or "",
                translation=utt.translation,
                start=utt.start,
                end=max(utt.end, utt.start),
                flags=utt.flags,
                typed=utt.typed,
            )
        )
    return lines


def _stamp(seconds: float, separator: str = ",") -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_txt(lines: Sequence[TranscriptLine], pair: str) -> str:
    out = [f"Transcript ({pair})", ""]
    for line in lines:
        how = "typed" if line.typed else _stamp(line.start, ".")[:8]
        mark = f" [{', '.join(line.flags)}]" if line.flags else ""
        out.append(f"[{how}] {line.side} ({line.lang}): {line.text}")
        if line.translation:
            out.append(f"{'':11}-> ({line.translation_lang}){mark}: {line.translation}")
        out.append("")
    return "\n".join(out)


def to_json(lines: Sequence[TranscriptLine], pair: str) -> str:
    data = {
        "pair": pair,
        "utterances": [
            {
                "side": line.side,
                "lang": line.lang,
                "text": line.text,
                "translation_lang": line.translation_lang,
                "translation": line.translation,
                "start": round(line.start, 3),
                "end": round(line.end, 3),
                "flags": list(line.flags),
                "typed": line.typed,
            }
            for line in lines
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def to_srt(lines: Sequence[TranscriptLine]) -> str:
    """One cue per utterance: the original, then the translation on the next line."""
    cues = []
    for number, line in enumerate(lines, start=1):
        end = max(line.end, line.start + MIN_SUBTITLE_SECONDS)
        text = line.text if not line.translation else f"{line.text}\n{line.translation}"
        cues.append(f"{number}\n{_stamp(line.start)} --> {_stamp(end)}\n{text}\n")
    return "\n".join(cues)


def write_transcript(
    utterances: Sequence[Utterance], folder: Path, pair: str, stem: str | None = None
) -> list[Path]:
    """Write TXT, JSON and SRT into ``folder``; returns the paths (file I/O: worker thread)."""
    lines = transcript_lines(utterances)
    stem = stem or f"transcript-{pair}-{datetime.now():%Y%m%d-%H%M%S}"
    contents = {"txt": to_txt(lines, pair), "json": to_json(lines, pair), "srt": to_srt(lines)}
    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for extension in FORMATS:
            path = folder / f"{stem}.{extension}"
            path.write_text(contents[extension], encoding="utf-8")
            paths.append(path)
    except OSError as exc:
        raise ExportError(
            f"Could not write the transcript to {folder}: {exc.strerror or exc}. "
            "Choose a folder you can write to."
        ) from exc
    logger.info("transcript of %d utterances written to %s", len(lines), folder)
    return paths
