"""Text normalisation for comparing transcripts (WER, silence phrases).

Documented rule: Unicode NFKC, case-folded, every character that is not a letter, digit
or white space becomes a space (so "Kelan," and "kelan" match, "TE-toimisto" becomes
"te toimisto" on both sides), runs of white space collapse to one space.
"""

from __future__ import annotations

import re
import unicodedata


def normalise_for_wer(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()
