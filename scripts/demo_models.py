"""Tiny Finnish <-> Arabic Marian models for the right-to-left screenshots.

No Arabic translation weights can be downloaded where the screenshots are made, so this
trains the real opus-mt architecture (a 2+2 layer Marian network, sentencepiece
tokenizers, CTranslate2 int8 conversion) on a handful of desk phrases until it
reproduces them, exactly as ``tests/trained_marian.py`` does for Finnish <-> English.
The models know only :data:`PHRASES_FI_AR`; the README says so under the screenshot.

Built models are cached in ``.test-cache/demo-marian`` (safe to delete).
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import speech  # noqa: E402
from model_cache import cached_build, library_fingerprint  # noqa: E402
from tiny_models import marian_config, write_marian_tokenizer  # noqa: E402
from trained_marian import (  # noqa: E402
    DIMS,
    LEARNING_RATE,
    MAX_STEPS,
    NOISY_SOURCES,
    SEED,
    TARGET_LOSS,
    greedy_outputs,
    plain_form,
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


def _spm(lines: list[str]) -> bytes:
    import sentencepiece

    buffer = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines * 4),
        model_writer=buffer,
        vocab_size=SPM_VOCAB_SIZE,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
    )
    return buffer.getvalue()


def train(folder: Path, direction: str) -> None:
    """Train ``direction`` (fi-ar or ar-fi) into ``folder`` and convert it to CTranslate2."""
    import torch
    from transformers import MarianMTModel

    from interpreter.translate.backends import convert_to_ctranslate2
    from interpreter.translate.specs import CT2_SUBFOLDER

    folder.mkdir(parents=True)
    source, target = direction.split("-")
    pairs = training_pairs(direction)
    texts: dict[str, list[str]] = {"fi": [], "ar": []}
    for fi, ar in training_pairs("fi-ar"):
        texts["fi"] += [fi, plain_form(fi)]
        texts["ar"].append(ar)
    tokenizer: Any = write_marian_tokenizer(
        folder,
        _spm(texts[source]),
        _spm(texts[target]),
        source_lang=source,
        target_lang=target,
        model_max_length=DIMS["max_position_embeddings"],
    )
    sources = [s for s, _ in pairs]
    targets = [t for _, t in pairs]
    batch = tokenizer(sources, text_target=targets, padding=True, return_tensors="pt")
    pad = tokenizer.pad_token_id
    labels = batch["labels"].masked_fill(batch["labels"] == pad, -100)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    model = MarianMTModel(marian_config(tokenizer, DIMS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0)
    for step in range(1, MAX_STEPS + 1):
        model.train()
        loss = model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels
        ).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 20 == 0 and loss.item() < TARGET_LOSS:
            model.eval()
            if greedy_outputs(model, tokenizer, sources) == targets:
                break
    model.eval()
    wrong = [
        (s, t, got)
        for s, t, got in zip(
            sources, targets, greedy_outputs(model, tokenizer, sources), strict=True
        )
        if t != got
    ]
    if wrong:
        raise RuntimeError(f"demo {direction} model still mistranslates {wrong}")
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.num_beams = 1
    model.save_pretrained(folder)
    convert_to_ctranslate2(folder, folder / CT2_SUBFOLDER, quantization="int8")
    logger.info("trained demo %s model in %d steps", direction, step)


def demo_model(direction: str) -> Path:
    """The cached ``fi-ar`` or ``ar-fi`` model folder, trained when missing (about a minute)."""
    key = library_fingerprint(Path(__file__), repr(PHRASES_FI_AR))
    return cached_build("demo-marian", direction, key, lambda folder: train(folder, direction))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for name in ("fi-ar", "ar-fi"):
        print(demo_model(name))
