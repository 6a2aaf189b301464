"""Tokenizer folders laid out like the hub repositories of opus-mt, M2M100 and NLLB.

Unlike the tiny models of ``tiny_models.py`` (one 300-piece model shared by everything,
files written by transformers itself), these use sentencepiece models trained on the
phrase sets in ``interpreter/phrases/sets`` (seven languages, four scripts), separate
source and target models for opus-mt as on the hub, and the older hub file layouts
(``special_tokens_map.json``, a ``tokenizer_config.json`` without saved added tokens).
They hold tokenizer files only: tests compare the project's tokenizers with
transformers' on them. Training takes about a second per model.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tiny_models import corpus_lines

SETS_DIR = Path(__file__).resolve().parents[1] / "interpreter" / "phrases" / "sets"
#: opus-mt multi-target tokens placed at the start of the vocabulary, as on the hub.
TARGET_TOKENS = (">>est<<", ">>fin<<", ">>swe<<")
#: The source language of the NLLB folders.
NLLB_SOURCE = "fin_Latn"


def phrase_texts(languages: Iterable[str] | None = None) -> list[str]:
    """Every sentence of the phrase sets in ``languages`` (all languages when None)."""
    wanted = set(languages) if languages is not None else None
    texts: list[str] = []
    for path in sorted(SETS_DIR.glob("*.tsv")):
        rows = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
        for row in csv.DictReader(rows, delimiter="\t"):
            cells = [(row.get("lang") or "", row.get("text") or "")]
            cells += [
                (key[4:], value or "") for key, value in row.items() if key.startswith("ref:")
            ]
            texts += [text for lang, text in cells if text and (wanted is None or lang in wanted)]
    return texts


def train_spm(lines: Sequence[str], model_type: str, vocab_size: int, **special_ids: int) -> bytes:
    """A sentencepiece model trained on ``lines`` (the sizes of small real models' pieces)."""
    import sentencepiece

    buffer = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines) * 2),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type=model_type,
        character_coverage=0.9995,  # rare characters stay unknown, as in real models
        minloglevel=2,
        **special_ids,
    )
    return buffer.getvalue()


def pieces(model: bytes) -> list[str]:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def write_opus_mt(folder: Path, *, separate_vocabs: bool = False, **config: Any) -> Path:
    """An opus-mt folder: Finnish source.spm, English target.spm, a joint vocab.json
    (``</s>``, ``<unk>``, the multi-target tokens, both models' pieces, ``<pad>`` last),
    or one vocabulary per side; tokenizer_config.json holds ``config``."""
    folder.mkdir(parents=True)
    unigram = {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1}
    source = train_spm(phrase_texts(["fi"]), "unigram", 900, **unigram)
    target = train_spm(phrase_texts(["en"]), "unigram", 700, **unigram)
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)

    def vocabulary(*models: bytes) -> dict[str, int]:
        vocab = {"</s>": 0, "<unk>": 1}
        for piece in [*TARGET_TOKENS, *(p for model in models for p in pieces(model))]:
            if piece not in vocab and piece != "<s>":
                vocab[piece] = len(vocab)
        vocab["<pad>"] = len(vocab)
        return vocab

    if separate_vocabs:
        _write_json(folder / "vocab.json", vocabulary(source))
        _write_json(folder / "target_vocab.json", vocabulary(target))
        config["separate_vocabs"] = True
    else:
        _write_json(folder / "vocab.json", vocabulary(source, target))
    _write_json(
        folder / "tokenizer_config.json", {"source_lang": "fi", "target_lang": "en", **config}
    )
    _write_json(
        folder / "special_tokens_map.json",
        {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"},
    )
    _write_json(folder / "config.json", {"model_type": "marian", "max_position_embeddings": 512})
    return folder


def write_m2m100(folder: Path, *, languages_are_special: bool = True) -> Path:
    """An M2M100 folder in the older hub layout: vocab.json (``<s> <pad> </s> <unk>``, then
    the pieces), sentencepiece.bpe.model, and the language tokens listed in
    special_tokens_map.json, or nowhere."""
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    folder.mkdir(parents=True)
    model = train_spm(
        phrase_texts() + corpus_lines(), "bpe", 1500, unk_id=3, bos_id=0, eos_id=2, pad_id=1
    )
    (folder / "sentencepiece.bpe.model").write_bytes(model)
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in pieces(model):
        vocab.setdefault(piece, len(vocab))
    _write_json(folder / "vocab.json", vocab)
    _write_json(
        folder / "tokenizer_config.json",
        {"src_lang": None, "tgt_lang": None, "language_codes": "m2m100", "model_max_length": 1024},
    )
    special = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "pad_token": "<pad>"}
    special["unk_token"] = "<unk>"
    if languages_are_special:
        languages = [f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
        special["additional_special_tokens"] = languages  # type: ignore[assignment]
    _write_json(folder / "special_tokens_map.json", special)
    _write_json(folder / "config.json", {"model_type": "m2m_100", "max_position_embeddings": 1024})
    return folder


def write_nllb(folder: Path, *, legacy_behaviour: bool = False) -> Path:
    """An NLLB folder: tokenizer.json written by transformers from a sentencepiece model in
    NLLB's layout (``<unk> <s> </s>`` first, shifted behind ``<pad>``), all 202 language
    codes, ``<mask>``; ``legacy_behaviour`` puts the language token after ``</s>``."""
    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    folder.mkdir(parents=True)
    model = train_spm(
        phrase_texts() + corpus_lines(), "bpe", 1500, unk_id=0, bos_id=1, eos_id=2, pad_id=-1
    )
    (folder / "sentencepiece.bpe.model").write_bytes(model)
    tokenizer = NllbTokenizer.from_pretrained(
        str(folder),
        src_lang=NLLB_SOURCE,
        legacy_behaviour=legacy_behaviour,
        model_max_length=1024,
        extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES),  # from a bare .model it adds none
    )
    tokenizer.save_pretrained(folder)
    (folder / "sentencepiece.bpe.model").unlink()  # the project reads tokenizer.json only
    _write_json(folder / "config.json", {"model_type": "m2m_100", "max_position_embeddings": 1024})
    return folder
