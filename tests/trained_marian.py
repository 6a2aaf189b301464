"""Small opus-mt style Marian models trained in the test setup to translate a few phrases.

Unlike the random-weight models of ``tiny_models.py``, these models give *meaningful*
output: a 2+2 layer Marian network is trained on CPU until greedy decoding reproduces every
pair of :data:`PHRASE_PAIRS` exactly, so tests can check real translations end to end
(speech -> Whisper -> translation). The Finnish sources include the first sentences of
``speech.FINNISH_SENTENCES`` and, as extra training sources for the same English, their
lower-case punctuation-free forms and a few mis-recognitions Whisper actually produces.

Each model folder is laid out like an opus-mt hub repository (``config.json``,
``source.spm``, ``target.spm``, ``vocab.json``, ``tokenizer_config.json``, weights) with a
CTranslate2 int8 conversion in its ``ctranslate2`` sub-folder, so
:func:`interpreter.translate.specs.spec_from_folder` finds both backends.

Built models are cached in ``.test-cache/trained-marian`` at the repository root (or
``$DESK_TEST_CACHE_DIR/trained-marian``), keyed by a hash of this file (phrases and builder)
and the library versions; the cache is written atomically and safe to delete. Building one
direction takes about ten seconds on one CPU thread; later runs only copy the folder.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import speech
from model_cache import cached_build, library_fingerprint
from tiny_models import CORPUS, marian_config, write_marian_tokenizer

logger = logging.getLogger(__name__)

#: Finnish -> English customer-service phrases the models learn (the canonical pairs).
PHRASE_PAIRS: tuple[tuple[str, str], ...] = (
    (speech.FINNISH_SENTENCES[0], "Good afternoon and welcome, how can I help you today?"),
    (
        speech.FINNISH_SENTENCES[1],
        "I need help applying for housing allowance because my rent went up.",
    ),
    (speech.FINNISH_SENTENCES[2], "Do you have an identity card or a passport with you today?"),
    ("Hyvää päivää.", "Good afternoon."),
    ("Kiitos.", "Thank you."),
    ("Huone 12 on toisessa kerroksessa.", "Room 12 is on the second floor."),
    ("Ottakaa vuoronumero, olkaa hyvä.", "Please take a queue number."),
    ("Voitteko puhua hitaammin?", "Could you speak more slowly?"),
    ("Allekirjoittakaa tähän.", "Please sign here."),
    ("Näkemiin!", "Goodbye!"),
)

#: Recognizer output seen for some sources (index into PHRASE_PAIRS, Finnish as heard).
NOISY_SOURCES: tuple[tuple[int, str], ...] = (
    (1, "Tarvitse napua asumistuen hakemisessa, koska uokranin nousi."),
    (2, "Onko teillä henkilöllisyystodistustai passi mukana tänään?"),
    (2, "Anko teillä henkilöllisyystadistusta ei passi mukana tänään?"),
)

#: Network size: small enough to train in about a minute on two CPU threads.
DIMS = {
    "d_model": 128,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 256,
    "decoder_ffn_dim": 256,
    "max_position_embeddings": 512,
    "dropout": 0.0,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
}
SEED = 20240607
SPM_VOCAB_SIZE = 250
LEARNING_RATE = 2e-3
MAX_STEPS = 800
#: Steps before the first check, and between checks, of greedy decoding.
FIRST_CHECK, CHECK_EVERY = 60, 20
#: Training continues after every pair decodes exactly until the mean loss is this low,
#: so that the int8 CTranslate2 conversion keeps the same greedy choices.
TARGET_LOSS = 0.02
#: One thread: on a shared two-core machine two torch threads were up to 50 times slower
#: per step (busy cores stall the thread pool), and one thread makes training reproducible.
TRAIN_THREADS = 1
DIRECTIONS = ("fi-en", "en-fi")


def plain_form(text: str) -> str:
    """Lower case without punctuation: ``"Kiitos."`` -> ``"kiitos"``."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def training_pairs(direction: str = "fi-en") -> list[tuple[str, str]]:
    """Every (source, target) pair the ``direction`` model learns, canonical pairs first.

    fi-en also learns the plain form and the recognizer mistakes of each Finnish side;
    en-fi learns only the canonical pairs (reversed).
    """
    if direction == "en-fi":
        return [(en, fi) for fi, en in PHRASE_PAIRS]
    pairs = list(PHRASE_PAIRS)
    seen = {fi for fi, _ in pairs}
    extra = [(plain_form(fi), en) for fi, en in PHRASE_PAIRS]
    extra += [(heard, PHRASE_PAIRS[index][1]) for index, heard in NOISY_SOURCES]
    for fi, en in extra:
        if fi not in seen:
            seen.add(fi)
            pairs.append((fi, en))
    return pairs


def _language_text(language: str) -> list[str]:
    """Training text for one language's sentencepiece model: phrases plus filler."""
    index = 0 if language == "fi" else 1
    filler = [line.split("|")[index] for line in CORPUS.splitlines() if line]
    ours = [pair[index] for pair in training_pairs("fi-en")]
    ours += [plain_form(text) for text in ours]
    return ours * 3 + filler


def train_sentencepiece(lines: list[str], vocab_size: int = SPM_VOCAB_SIZE) -> bytes:
    import sentencepiece

    buffer = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
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


def write_tokenizer(folder: Path, direction: str) -> Any:
    """source.spm, target.spm (one per language, as in opus-mt), a joint vocab.json with
    ``</s>`` 0, ``<unk>`` 1 and ``<pad>`` last, and tokenizer_config.json."""
    source, target = direction.split("-")
    models = {language: train_sentencepiece(_language_text(language)) for language in ("fi", "en")}
    return write_marian_tokenizer(
        folder,
        models[source],
        models[target],
        source_lang=source,
        target_lang=target,
        model_max_length=DIMS["max_position_embeddings"],
    )


def greedy_outputs(model: Any, tokenizer: Any, sources: list[str]) -> list[str]:
    """Greedy translations of ``sources`` by the transformers model, as text."""
    import torch

    batch = tokenizer(sources, padding=True, return_tensors="pt")
    with torch.inference_mode():
        output = model.generate(
            **batch,
            num_beams=1,
            do_sample=False,
            max_new_tokens=64,
            bad_words_ids=[[tokenizer.pad_token_id]],
        )
    return [text.strip() for text in tokenizer.batch_decode(output, skip_special_tokens=True)]


def train_model(folder: Path, direction: str) -> dict[str, float]:
    """Train the ``direction`` model into ``folder`` (transformers layout); returns stats."""
    tokenizer = write_tokenizer(folder, direction)
    return fit_marian(folder, tokenizer, training_pairs(direction), direction)


def fit_marian(
    folder: Path, tokenizer: Any, pairs: list[tuple[str, str]], label: str
) -> dict[str, float]:
    """Train a Marian model on ``pairs`` until it reproduces every one, then save it into
    ``folder`` beside its tokenizer; returns training stats. ``label`` names it in errors."""
    import torch
    from transformers import MarianMTModel

    started = time.monotonic()
    sources = [source for source, _ in pairs]
    targets = [target for _, target in pairs]
    pad = tokenizer.pad_token_id
    config = marian_config(tokenizer, DIMS)
    batch = tokenizer(sources, text_target=targets, padding=True, return_tensors="pt")
    labels = batch["labels"].masked_fill(batch["labels"] == pad, -100)
    threads = torch.get_num_threads()
    torch.set_num_threads(TRAIN_THREADS)
    try:
        torch.manual_seed(SEED)
        model = MarianMTModel(config)
        optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0)
        exact_at = 0
        for step in range(1, MAX_STEPS + 1):
            model.train()
            loss = model(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels
            ).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if step < FIRST_CHECK or step % CHECK_EVERY or loss.item() > 0.5:
                continue
            if not exact_at:
                model.eval()
                if greedy_outputs(model, tokenizer, sources) == targets:
                    exact_at = step
            if exact_at and loss.item() < TARGET_LOSS:
                break
        model.eval()
        wrong = [
            (source, want, got)
            for source, want, got in zip(
                sources, targets, greedy_outputs(model, tokenizer, sources), strict=True
            )
            if want != got
        ]
    finally:
        torch.set_num_threads(threads)
    if wrong:
        raise RuntimeError(f"trained {label} model still mistranslates {wrong}")
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.num_beams = 1
    model.generation_config.max_length = DIMS["max_position_embeddings"]
    model.save_pretrained(folder)
    stats = {
        "steps": step,
        "exact_at": exact_at,
        "loss": round(loss.item(), 5),
        "seconds": round(time.monotonic() - started, 1),
    }
    logger.info("trained %s Marian model: %s", label, stats)
    return stats


def build_model(folder: Path, direction: str) -> None:
    """Train the ``direction`` model in ``folder`` and convert it to CTranslate2 int8."""
    from interpreter.translate.specs import CT2_SUBFOLDER
    from models.conversion import convert_to_ctranslate2

    folder.mkdir(parents=True)
    stats = train_model(folder, direction)
    convert_to_ctranslate2(folder, folder / CT2_SUBFOLDER, quantization="int8")
    (folder / "training.json").write_text(json.dumps(stats, indent=1), encoding="utf-8")


def cached_model(direction: str) -> Path:
    """The cached model folder for ``direction``, training it when missing."""
    key = library_fingerprint(Path(__file__), repr(training_pairs("fi-en")))
    return cached_build(
        "trained-marian", direction, key, lambda folder: build_model(folder, direction)
    )


def trained_model_copy(direction: str, root: Path) -> Path:
    """A copy of the cached ``direction`` model in ``root/opus-mt-<direction>``."""
    folder = root / f"opus-mt-{direction}"
    shutil.copytree(cached_model(direction), folder)
    return folder


@pytest.fixture(scope="session")
def trained_marian_fi_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of an opus-mt style Finnish->English model that translates every pair of
    ``training_pairs("fi-en")`` exactly, with its int8 conversion in ``ctranslate2/``."""
    return trained_model_copy("fi-en", tmp_path_factory.mktemp("trained-marian"))


@pytest.fixture(scope="session")
def trained_marian_en_fi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of an opus-mt style English->Finnish model that translates the reversed
    ``PHRASE_PAIRS`` exactly, with its int8 conversion in ``ctranslate2/``."""
    return trained_model_copy("en-fi", tmp_path_factory.mktemp("trained-marian"))
