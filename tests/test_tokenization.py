"""The project's tokenizers give exactly the ids and text of transformers' tokenizers.

Compared on the tiny test models (files written by transformers) and on folders in the
hub layouts with sentencepiece models trained on the phrase sets
(``realistic_tokenizers.py``), for the calls the desk makes: ``tokenizer(texts,
truncation=True, max_length=N)`` and ``decode(ids, skip_special_tokens=True)``.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from realistic_tokenizers import (
    NLLB_SOURCE,
    phrase_texts,
    write_m2m100,
    write_nllb,
    write_opus_mt,
)
from tiny_models import cached_family

from interpreter.translate.base import TranslationError
from interpreter.translate.loading import DEFAULT_MAX_POSITION_EMBEDDINGS, max_positions
from interpreter.translate.tokenization import Tokenizer, load_tokenizer

#: Texts that exercise the rules: unknown pieces, special and language tokens typed in
#: the text, opus-mt target tokens, punctuation Moses would rewrite, other scripts,
#: Unicode that sentencepiece normalises, odd spaces, empty input.
EDGE_TEXTS = [
    "Hyvää huomenta, miten voin auttaa?",
    "Good morning, how can I help you?",
    "",
    " ",
    "\n\t ",
    "Kelan toimisto 😀 你好世界 § ¤ © ✓",
    "</s> ja <unk> ja <pad> ja <s> ja <mask>",
    "__fi__ Hyvää __en__ ja fin_Latn eng_Latn",
    ">>est<< Hyvää huomenta",
    ">>xyz<< Hyvää huomenta",
    ">>est<<",
    "Hyvää >>est<< huomenta",
    "„Hei“, hän sanoi – «selvä» … ‘joo’ ！ ？ 5\u00a0000\u00a0€ “quoted” ``x''",
    "Mr . Smith , please ; wait !",
    "مرحبا، كيف يمكنني مساعدتك؟",
    "Здравствуйте, чем я могу помочь? Мені потрібна довідка.",
    "नमस्ते Καλημέρα שלום",
    "ﬁnanssi ＡＢＣ ① Ⅻ",
    "  many   spaces\tand\ttabs\nand lines  ",
    "Passin hakeminen maksaa viisikymmentä euroa. " * 60,
]


def reference_tokenizer(folder: Path, source: str | None) -> object:
    """transformers' tokenizer for ``folder``, as the app used to load it."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    if source is not None:
        tokenizer.src_lang = source
    return tokenizer


def reference_ids(reference, text: str, max_length: int) -> list[int]:
    return list(reference([text], truncation=True, max_length=max_length)["input_ids"][0])


def reference_text(reference, ids: list[int]) -> str:
    # Marian decodes the target with target.spm (its own default for shared vocabularies
    # is source.spm in transformers 5; both give the same text on these models).
    return reference.decode(ids, skip_special_tokens=True, use_source_tokenizer=False)


def _tiny(family: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        shutil.copytree(cached_family(family) / "model", folder)
        return folder

    return build


#: Folder builders: (family, source language argument, transformers' ``src_lang``).
FOLDERS: dict[str, tuple[str, str | None, str | None, Callable[[Path], Path]]] = {
    "tiny-marian": ("marian", None, None, _tiny("marian")),
    "tiny-m2m100": ("m2m100", "__fi__", "fi", _tiny("m2m100")),
    "tiny-nllb": ("nllb", "fin_Latn", "fin_Latn", _tiny("nllb")),
    "opus-mt": ("marian", None, None, write_opus_mt),
    "opus-mt-separate-vocabs": (
        "marian",
        None,
        None,
        lambda folder: write_opus_mt(folder, separate_vocabs=True),
    ),
    "opus-mt-left-cut-clean-up": (
        "marian",
        None,
        None,
        lambda folder: write_opus_mt(
            folder,
            truncation_side="left",
            clean_up_tokenization_spaces=True,
            model_max_length=64,
        ),
    ),
    "m2m100": ("m2m100", "__fi__", "fi", write_m2m100),
    "m2m100-plain-languages": (
        "m2m100",
        "__fi__",
        "fi",
        lambda folder: write_m2m100(folder, languages_are_special=False),
    ),
    "nllb": ("nllb", NLLB_SOURCE, NLLB_SOURCE, write_nllb),
    "nllb-legacy": (
        "nllb",
        NLLB_SOURCE,
        NLLB_SOURCE,
        lambda folder: write_nllb(folder, legacy_behaviour=True),
    ),
}


@pytest.fixture(scope="module", params=sorted(FOLDERS))
def pair(request, tmp_path_factory) -> tuple[Tokenizer, object, str | None, str]:
    """(ours, transformers', our source-language argument, label) for one folder."""
    family, source, reference_source, build = FOLDERS[request.param]
    folder = build(tmp_path_factory.mktemp(request.param) / "model")
    return (
        load_tokenizer(folder, family),
        reference_tokenizer(folder, reference_source),
        source,
        request.param,
    )


def target_ids(pair) -> list[int]:
    """Ids a decoder may produce: the whole vocabulary, or the target side's when the
    model has separate vocabularies (transformers fails on others)."""
    ours, reference, _, label = pair
    if label == "opus-mt-separate-vocabs":
        return sorted(set(reference.decoder) | set(reference.all_special_ids))
    return list(range(len(ours)))


def test_vocabulary_facts_match(pair) -> None:
    ours, reference, _, _ = pair
    assert len(ours) == len(reference)
    assert ours.special_ids == frozenset(reference.all_special_ids)
    assert (ours.eos_id, ours.pad_id, ours.unk_id) == (
        reference.eos_token_id,
        reference.pad_token_id,
        reference.unk_token_id,
    )
    if reference.model_max_length < 1_000_000:
        assert ours.model_max_length == reference.model_max_length
    else:
        assert ours.model_max_length is None


@pytest.mark.parametrize("max_length", [512, 24, 5])
def test_ids_match_on_edge_cases(pair, max_length: int) -> None:
    ours, reference, source, label = pair
    for text in EDGE_TEXTS:
        expected = reference_ids(reference, text, max_length)
        assert ours.encode(text, max_length, source) == expected, (label, text)
        tokens = ours.tokens(expected)
        assert [ours.token_id(token) for token in tokens] == expected
        if label != "opus-mt-separate-vocabs":  # transformers names source ids by the
            assert tokens == reference.convert_ids_to_tokens(expected), text  # target vocab


def test_ids_match_on_every_phrase(pair) -> None:
    ours, reference, source, _ = pair
    for text in phrase_texts():
        assert ours.encode(text, 512, source) == reference_ids(reference, text, 512), text


def test_long_inputs_are_cut_to_the_bound(pair) -> None:
    ours, _, source, label = pair
    text = EDGE_TEXTS[-1]
    ids = ours.encode(text, 16, source)
    assert len(ids) == 16
    if label == "nllb-legacy":
        assert ids[-2] == ours.eos_id
    else:
        assert ids[-1] == ours.eos_id
    assert len(ours.encode(text, 10_000, source)) < 10_000


def test_decoding_matches(pair) -> None:
    ours, reference, _, label = pair
    # Encoded texts as generated ids (source ids mean nothing to a separate target vocabulary).
    texts = [] if label == "opus-mt-separate-vocabs" else EDGE_TEXTS + phrase_texts()[:80]
    for text in texts:
        ids = reference_ids(reference, text, 512)
        assert ours.decode(ids) == reference_text(reference, ids), (label, text)
    draw = random.Random(7)
    specials = sorted(ours.special_ids)
    pool = target_ids(pair)
    for _ in range(400):
        ids = draw.sample(pool, k=draw.randrange(1, 16))
        ids += draw.sample(specials, k=min(2, len(specials)))
        draw.shuffle(ids)
        assert ours.decode(ids) == reference_text(reference, ids), (label, ids)


def test_known_text_survives_a_round_trip(pair) -> None:
    ours, _, source, label = pair
    if label == "opus-mt-separate-vocabs":
        pytest.skip("source ids are not target ids when the vocabularies are separate")
    framing = set(ours.special_ids) | ({ours.token_id(source)} if source else set())
    for text in ("Hyvää huomenta, miten voin auttaa?", "Tarvitsen uuden henkilökortin."):
        ids = [i for i in ours.encode(text, 512, source) if i not in framing]
        assert ours.decode(ids) == text


def test_language_tokens_are_known() -> None:
    tiny_m2m100 = load_tokenizer(cached_family("m2m100") / "model", "m2m100")
    assert tiny_m2m100.knows("__fi__") and not tiny_m2m100.knows("__xx__")
    assert tiny_m2m100.encode("moi", 16, "__fi__")[0] == tiny_m2m100.token_id("__fi__")
    with pytest.raises(TranslationError, match="__xx__"):
        tiny_m2m100.encode("moi", 16, "__xx__")
    tiny_nllb = load_tokenizer(cached_family("nllb") / "model", "nllb")
    assert tiny_nllb.knows("est_Latn") and not tiny_nllb.knows("xxx_Latn")
    with pytest.raises(TranslationError, match="xxx_Latn"):
        tiny_nllb.encode("moi", 16, "xxx_Latn")
    tiny_marian = load_tokenizer(cached_family("marian") / "model", "marian")
    assert tiny_marian.knows(">>est<<") and not tiny_marian.knows(">>xyz<<")


def test_moses_punctuation_reaches_sentencepiece_unchanged(tmp_path) -> None:
    """transformers sets up opus-mt's Moses punctuation normaliser but never applies it."""
    from sacremoses import MosesPunctNormalizer

    folder = write_opus_mt(tmp_path / "model")
    ours, reference = load_tokenizer(folder, "marian"), reference_tokenizer(folder, None)
    text = "„Hei“, hän sanoi – «selvä» … 5\u00a0000\u00a0€"
    normalised = MosesPunctNormalizer("fi").normalize(text)
    assert normalised != text
    assert ours.encode(text, 512) == reference_ids(reference, text, 512)
    assert ours.encode(text, 512) != ours.encode(normalised, 512)


@pytest.mark.parametrize(
    ("family", "damage", "named"),
    [
        ("marian", lambda f: (f / "vocab.json").write_text("{not json"), "vocab.json"),
        (
            "marian",
            lambda f: (f / "vocab.json").write_text('{"<unk>": 9' + "0" * 30 + "}"),
            "vocab.json",
        ),
        (
            "m2m100",
            lambda f: (f / "vocab.json").write_text('{"<unk>": -9' + "0" * 30 + "}"),
            "vocab.json",
        ),
        ("marian", lambda f: (f / "source.spm").write_bytes(b"not a model"), "damaged"),
        ("m2m100", lambda f: (f / "sentencepiece.bpe.model").write_bytes(b"x"), "damaged"),
        ("nllb", lambda f: (f / "tokenizer.json").unlink(), "tokenizer.json"),
        ("nllb", lambda f: (f / "tokenizer.json").write_text("[]"), "damaged"),
    ],
)
def test_damaged_files_are_named(tmp_path, family, damage, named) -> None:
    folder = shutil.copytree(cached_family(family) / "model", tmp_path / "model")
    damage(folder)
    with pytest.raises(TranslationError, match=named) as caught:
        load_tokenizer(folder, family)
    assert str(folder) in str(caught.value)


def test_length_bound_is_the_smaller_of_config_and_tokenizer(tmp_path) -> None:
    from transformers import M2M100Config, MarianConfig

    config = tmp_path / "config.json"
    config.write_text('{"model_type": "marian", "max_position_embeddings": 256}')
    assert max_positions(tmp_path, 512) == 256
    assert max_positions(tmp_path, 128) == 128
    assert max_positions(tmp_path, None) == 256
    config.write_text('{"model_type": "marian"}')  # transformers' default applies
    default = DEFAULT_MAX_POSITION_EMBEDDINGS
    assert MarianConfig().max_position_embeddings == M2M100Config().max_position_embeddings
    assert max_positions(tmp_path, None) == default == MarianConfig().max_position_embeddings
    config.write_text("{broken")
    with pytest.raises(TranslationError, match=r"config\.json"):
        max_positions(tmp_path, 512)
