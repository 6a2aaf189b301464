"""Tiny translation models of the real architectures (random weights) for backend tests.

Each builder writes a folder laid out like the Hugging Face hub repository of the real model
(opus-mt Marian, M2M100, NLLB) with a sentencepiece model trained on the small bilingual text
below, then converts it with CTranslate2 to float32 (for exact comparisons with transformers)
and int8. Weights are random but seeded, so outputs are arbitrary yet deterministic.

Built models are cached in ``.test-cache/translation-models`` at the repository root (or
``$DESK_TEST_CACHE_DIR/translation-models``), keyed by a hash of this file and the library
versions; the cache is written atomically and safe to delete. Session fixtures copy the
cached folders into the session's temporary folder, so tests may damage their copies.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from model_cache import cached_build, library_fingerprint

from interpreter.translate.base import ModelSpec

logger = logging.getLogger(__name__)

#: Finnish / English customer-service phrases, with a few lines in other scripts.
CORPUS = """\
Hyvää huomenta, miten voin auttaa?|Good morning, how can I help?
Tarvitsen uuden henkilökortin.|I need a new identity card.
Passin hakeminen maksaa viisikymmentä euroa.|Applying for a passport costs fifty euros.
Ottakaa vuoronumero ja odottakaa hetki.|Take a queue number and wait a moment.
Onko teillä ajanvaraus?|Do you have an appointment?
Täyttäkää tämä lomake, kiitos.|Please fill in this form.
Palvelu on avoinna arkisin kahdeksasta neljään.|We are open on weekdays from eight to four.
Tarvitsemme kopion vuokrasopimuksesta.|We need a copy of the rental agreement.
Voitteko puhua hitaammin?|Could you speak more slowly?
Päätös lähetetään postitse kahden viikon kuluessa.|The decision is posted within two weeks.
Muuttoilmoituksen voi tehdä verkossa.|The notice of move can be made online.
Kelan toimisto on toisessa kerroksessa.|The Kela office is on the second floor.
Päivähoitopaikka vahvistetaan ensi kuussa.|The day care place is confirmed next month.
Tulkki on paikalla puhelimen välityksellä.|The interpreter is present by telephone.
Allekirjoittakaa tähän, olkaa hyvä.|Please sign here.
Kiitos käynnistä ja hyvää päivänjatkoa.|Thank you for visiting and have a nice day.
Asuntohakemus käsitellään kolmessa kuukaudessa.|The housing application takes three months.
Tarvitsen todistuksen tuloistani.|I need a certificate of my income.
Missä on lähin terveysasema?|Where is the nearest health centre?
Maksu suoritetaan pankkikortilla tai käteisellä.|Payment is made by bank card or cash.
Henkilöllisyys on todistettava ennen asiointia.|Identity must be proven before the service.
Valitusaika on kolmekymmentä päivää.|The appeal period is thirty days.
Saatte vastauksen sähköpostiin.|You will receive the answer by email.
Onko teillä kysyttävää?|Do you have any questions?
مرحبا، كيف يمكنني مساعدتك؟|Hello, how can I help you?
أحتاج إلى بطاقة هوية جديدة.|I need a new identity card.
Здравствуйте, чем я могу помочь?|Hello, how can I help?
Мне нужна новая карта.|I need a new card.
Subax wanaagsan, sideen kuu caawin karaa?|Good morning, how can I help you?
Tere hommikust, kuidas saan aidata?|Good morning, how can I help?
"""

#: Languages (NLLB codes) the tiny NLLB tokenizer knows; M2M100 uses all its 100 codes.
NLLB_LANGUAGES = ("eng_Latn", "fin_Latn", "est_Latn", "arb_Arab", "rus_Cyrl", "som_Latn")
#: opus-mt multi-target prefixes in the tiny Marian vocabulary.
MARIAN_TARGETS = (">>eng<<", ">>est<<", ">>fin<<")
#: Small dimensions shared by all tiny models.
TINY_DIMS = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "max_position_embeddings": 128,
}
MAX_TOKENS = TINY_DIMS["max_position_embeddings"]
SEED = 1234
FAMILIES = ("marian", "m2m100", "nllb")


def corpus_lines() -> list[str]:
    """A few hundred lines: each phrase, and each phrase followed by another."""
    phrases = [part for line in CORPUS.splitlines() for part in line.split("|")]
    pairs = [f"{a} {b}" for a, b in zip(phrases, phrases[7:] + phrases[:7], strict=True)]
    return phrases * 3 + pairs


def train_sentencepiece(model_type: str, special_ids: dict[str, int]) -> bytes:
    """Train a ~300-piece sentencepiece model on the corpus; returns the model bytes."""
    import sentencepiece

    buffer = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus_lines()),
        model_writer=buffer,
        vocab_size=300,
        hard_vocab_limit=False,
        model_type=model_type,
        character_coverage=1.0,
        minloglevel=2,
        **special_ids,
    )
    return buffer.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def write_marian_tokenizer(
    folder: Path,
    source_spm: bytes,
    target_spm: bytes,
    *,
    lead: Sequence[str] = (),
    pad_to: int = 0,
    **tokenizer_args: Any,
) -> Any:
    """opus-mt tokenizer files: source.spm, target.spm, tokenizer_config.json and a joint
    vocab.json with ``</s>`` 0, ``<unk>`` 1, then ``lead`` and the pieces of both models,
    dummy pieces up to ``pad_to`` entries (a real-sized embedding), and ``<pad>`` last."""
    from transformers import MarianTokenizer

    (folder / "source.spm").write_bytes(source_spm)
    (folder / "target.spm").write_bytes(target_spm)
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in [*lead, *_pieces(source_spm), *_pieces(target_spm)]:
        if piece not in vocab and piece != "<s>":
            vocab[piece] = len(vocab)
    filler = 0
    while len(vocab) < pad_to - 1:
        vocab[f"▁dummy{filler:05d}"] = len(vocab)
        filler += 1
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        **tokenizer_args,
    )
    tokenizer.save_pretrained(folder)
    return tokenizer


def marian_config(tokenizer: Any, dims: dict[str, Any]) -> Any:
    """A MarianConfig sized to the tokenizer's full vocabulary (special tokens included,
    ``<pad>`` last, which is also the decoder start, as in opus-mt)."""
    from transformers import MarianConfig

    pad = tokenizer.pad_token_id
    return MarianConfig(
        vocab_size=len(tokenizer),
        pad_token_id=pad,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=pad,
        forced_eos_token_id=tokenizer.eos_token_id,
        **dims,
    )


def save_random_marian(folder: Path, tokenizer: Any, dims: dict[str, Any], seed: int) -> None:
    """A Marian model with seeded random weights, saved in hub layout beside its tokenizer."""
    import torch
    from transformers import MarianMTModel

    torch.manual_seed(seed)
    network = MarianMTModel(marian_config(tokenizer, dims)).eval()
    network.generation_config.bad_words_ids = [[tokenizer.pad_token_id]]
    network.save_pretrained(folder)


def build_marian(folder: Path) -> None:
    """An opus-mt style model: source.spm, target.spm, vocab.json, <pad> as last token."""

    model = train_sentencepiece("unigram", {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1})
    tokenizer = write_marian_tokenizer(
        folder, model, model, lead=MARIAN_TARGETS, model_max_length=MAX_TOKENS
    )
    save_random_marian(folder, tokenizer, TINY_DIMS, SEED)


def _m2m100_model(folder: Path, vocab_size: int, tokenizer: object) -> None:
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    config = M2M100Config(
        vocab_size=vocab_size,
        pad_token_id=tokenizer.pad_token_id,  # type: ignore[attr-defined]
        bos_token_id=tokenizer.bos_token_id,  # type: ignore[attr-defined]
        eos_token_id=tokenizer.eos_token_id,  # type: ignore[attr-defined]
        decoder_start_token_id=tokenizer.eos_token_id,  # type: ignore[attr-defined]
        scale_embedding=True,
        **TINY_DIMS,
    )
    torch.manual_seed(SEED)
    M2M100ForConditionalGeneration(config).eval().save_pretrained(folder)


def build_m2m100(folder: Path) -> None:
    """An M2M100 model: vocab.json + sentencepiece.bpe.model, ``__fi__``-style language tokens.

    transformers 5 registers the language tokens only when they are passed as
    ``extra_special_tokens``; the model vocabulary adds the 8 ``madeupword`` slots like the
    real checkpoints.
    """
    from transformers import M2M100Tokenizer
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    special = {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3}
    model = train_sentencepiece("bpe", special)
    (folder / "sentencepiece.bpe.model").write_bytes(model)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _pieces(model):
        vocab.setdefault(piece, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    languages = [f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
    tokenizer = M2M100Tokenizer(
        vocab_file=str(folder / "vocab.json"),
        spm_file=str(folder / "sentencepiece.bpe.model"),
        src_lang="fi",
        tgt_lang="en",
        model_max_length=MAX_TOKENS,
        extra_special_tokens=languages,
    )
    tokenizer.save_pretrained(folder)
    _m2m100_model(folder, len(tokenizer) + tokenizer.num_madeup_words, tokenizer)


def build_nllb(folder: Path) -> None:
    """An NLLB model: tokenizer.json (+ sentencepiece.bpe.model) with a few language codes."""
    from transformers import NllbTokenizer

    special = {"bos_id": 0, "pad_id": 1, "eos_id": 2, "unk_id": 3}
    (folder / "sentencepiece.bpe.model").write_bytes(train_sentencepiece("bpe", special))
    tokenizer = NllbTokenizer.from_pretrained(
        str(folder),
        src_lang="fin_Latn",
        model_max_length=MAX_TOKENS,
        extra_special_tokens=list(NLLB_LANGUAGES),
    )
    tokenizer.save_pretrained(folder)
    _m2m100_model(folder, len(tokenizer), tokenizer)


BUILDERS: dict[str, Callable[[Path], None]] = {
    "marian": build_marian,
    "m2m100": build_m2m100,
    "nllb": build_nllb,
}


def build_family(family: str, root: Path) -> None:
    """Write ``root/model``, ``root/ct2-float32`` and ``root/ct2-int8`` for one family."""
    from models.conversion import convert_to_ctranslate2

    (root / "model").mkdir(parents=True)
    BUILDERS[family](root / "model")
    for quantization in ("float32", "int8"):
        convert_to_ctranslate2(root / "model", root / f"ct2-{quantization}", quantization)


def cached_family(family: str) -> Path:
    """The cached build of ``family``, building it when missing."""
    return cached_build(
        "translation-models",
        family,
        library_fingerprint(Path(__file__)),
        lambda folder: build_family(family, folder),
    )


def tiny_spec(family: str, root: Path) -> ModelSpec:
    """The spec of a tiny model copied to ``root`` (ct2_path is the float32 conversion)."""
    shutil.copytree(cached_family(family), root, dirs_exist_ok=True)
    codes = {
        "marian": {"target_prefix": ">>est<<"},
        "m2m100": {"source_code": "fi", "target_code": "en"},
        "nllb": {"source_code": "fin_Latn", "target_code": "eng_Latn"},
    }[family]
    return ModelSpec(path=root / "model", family=family, ct2_path=root / "ct2-float32", **codes)


def int8_variant(spec: ModelSpec) -> ModelSpec:
    """The same tiny model with ``ct2_path`` pointing at its int8 conversion."""
    assert spec.ct2_path is not None
    return replace(spec, ct2_path=spec.ct2_path.parent / "ct2-int8")


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> ModelSpec:
    """Tiny opus-mt style Finnish->Estonian multi-target model (``>>est<<`` prefix)."""
    return tiny_spec("marian", tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> ModelSpec:
    """Tiny M2M100 model translating ``fi`` -> ``en``."""
    return tiny_spec("m2m100", tmp_path_factory.mktemp("tiny-m2m100"))


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> ModelSpec:
    """Tiny NLLB model translating ``fin_Latn`` -> ``eng_Latn``."""
    return tiny_spec("nllb", tmp_path_factory.mktemp("tiny-nllb"))
