"""Tiny Finnish <-> Arabic Marian models for the right-to-left screenshots.

No Arabic translation weights can be downloaded where the screenshots are made, so this
trains the real opus-mt architecture (a 2+2 layer Marian network, sentencepiece
tokenizers, CTranslate2 int8 conversion) on a handful of desk phrases until it
reproduces them, exactly as ``tests/trained_marian.py`` does for Finnish <-> English.
The models know only :data:`PHRASES_FI_AR`; the README says so under the screenshot.

Built models are cached in ``.test-cache/demo-marian`` (safe to delete).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import speech  # noqa: E402
from model_cache import cached_build, library_fingerprint  # noqa: E402
from tiny_models import write_marian_tokenizer  # noqa: E402
from trained_marian import (  # noqa: E402
    DIMS,
    NOISY_SOURCES,
    fit_marian,
    plain_form,
    train_sentencepiece,
)

logger = logging.getLogger(__name__)

#: Finnish -> Arabic desk phrases (Modern Standard Arabic), the only ones the models know.
PHRASES_FI_AR: tuple[tuple[str, str], ...] = (
    (speech.FINNISH_SENTENCES[0], "مساء الخير وأهلاً بك، كيف يمكنني مساعدتك اليوم؟"),
    (speech.FINNISH_SENTENCES[1], "أحتاج إلى مساعدة في طلب إعانة السكن لأن إيجاري ارتفع."),
    (speech.FINNISH_SENTENCES[2], "هل معك بطاقة هوية أو جواز سفر اليوم؟"),
    ("Hyvää päivää.", "مساء الخير."),
    ("Kiitos.", "شكراً."),
    ("Ottakaa vuoronumero, olkaa hyvä.", "من فضلك خذ رقم الدور."),
    ("Allekirjoittakaa tähän.", "من فضلك وقّع هنا."),
    ("Näkemiin!", "مع السلامة!"),
)
#: What Whisper base makes of some Festival sentences (index into PHRASES_FI_AR, as heard).
HEARD_AS: tuple[tuple[int, str], ...] = (
    *NOISY_SOURCES,
    (2, "Anko teillä henkilöllisyystodistusta ei passi mukana tänään?"),
)
SPM_VOCAB_SIZE = 200


def training_pairs(direction: str) -> list[tuple[str, str]]:
    """fi-ar also learns the plain and mis-heard forms Whisper gives; ar-fi the reverse."""
    if direction == "ar-fi":
        return [(ar, fi) for fi, ar in PHRASES_FI_AR]
    pairs = list(PHRASES_FI_AR)
    seen = {fi for fi, _ in pairs}
    extra = [(plain_form(fi), ar) for fi, ar in PHRASES_FI_AR]
    extra += [(heard, PHRASES_FI_AR[index][1]) for index, heard in HEARD_AS]
    for fi, ar in extra:
        if fi not in seen:
            seen.add(fi)
            pairs.append((fi, ar))
    return pairs


def train(folder: Path, direction: str) -> None:
    """Train ``direction`` (fi-ar or ar-fi) into ``folder`` and convert it to CTranslate2."""
    from interpreter.translate.specs import CT2_SUBFOLDER
    from models.conversion import convert_to_ctranslate2

    folder.mkdir(parents=True)
    source, target = direction.split("-")
    texts: dict[str, list[str]] = {"fi": [], "ar": []}
    for fi, ar in training_pairs("fi-ar"):
        texts["fi"] += [fi, plain_form(fi)]
        texts["ar"].append(ar)
    tokenizer: Any = write_marian_tokenizer(
        folder,
        train_sentencepiece(texts[source] * 4, SPM_VOCAB_SIZE),
        train_sentencepiece(texts[target] * 4, SPM_VOCAB_SIZE),
        source_lang=source,
        target_lang=target,
        model_max_length=DIMS["max_position_embeddings"],
    )
    fit_marian(folder, tokenizer, training_pairs(direction), f"demo {direction}")
    convert_to_ctranslate2(folder, folder / CT2_SUBFOLDER, quantization="int8")


def demo_model(direction: str) -> Path:
    """The cached ``fi-ar`` or ``ar-fi`` model folder, trained when missing (about a minute)."""
    key = library_fingerprint(Path(__file__), repr(PHRASES_FI_AR))
    return cached_build("demo-marian", direction, key, lambda folder: train(folder, direction))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for name in ("fi-ar", "ar-fi"):
        print(demo_model(name))
