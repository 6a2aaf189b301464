"""The compact vocabulary table answers exactly as the ``vocab.json`` dictionaries did."""

from __future__ import annotations

import pytest
from realistic_tokenizers import phrase_texts, train_spm

from interpreter.translate.piece_vocabulary import PieceVocabulary


@pytest.fixture(scope="module")
def processors():
    import sentencepiece

    unigram = {"unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1}
    finnish = train_spm(phrase_texts(["fi"]), "unigram", 400, **unigram)
    english = train_spm(phrase_texts(["en"]), "unigram", 300, **unigram)
    return tuple(sentencepiece.SentencePieceProcessor(model_proto=m) for m in (finnish, english))


def _pieces(processor) -> list[str]:
    return [processor.IdToPiece(i) for i in range(processor.GetPieceSize())]


def _agrees(table: PieceVocabulary, vocab: dict[str, int], probes: list[str]) -> None:
    inverted = {index: token for token, index in vocab.items()}
    assert len(table) == len(vocab)
    assert sorted(table) == sorted(vocab)
    for token in [*vocab, *probes]:
        assert table.get(token) == vocab.get(token), token
        assert (token in table) == (token in vocab), token
    for index in range(-3, max(vocab.values()) + 1100):
        assert table.token_at(index) == inverted.get(index), index


def test_a_joint_opus_mt_vocabulary(processors) -> None:
    finnish, english = processors
    vocab = {"</s>": 0, "<unk>": 1, ">>fin<<": 2}
    for piece in _pieces(finnish) + _pieces(english):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    table = PieceVocabulary(vocab, processors)
    _agrees(table, vocab, ["▁nowhere-at-all", "", "<s>", "▁" + "x" * 40])
    # Only tokens that neither model holds are Python objects.
    assert set(table._other_ids) == {">>fin<<", "<pad>"}


def test_odd_vocabularies(processors) -> None:
    """Ids shared by tokens, gaps, negative and far-out ids, pieces left out."""
    finnish, english = processors
    fi, en = _pieces(finnish), _pieces(english)
    vocab = {piece: index for index, piece in enumerate(fi[:200])}
    vocab[fi[5]] = 7  # two tokens share id 7; the later one is its token
    vocab[en[100]] = 3  # a piece of the second model shares an id of the first's
    vocab["made-up"] = 7  # and a token of neither model takes it last
    vocab[en[101]] = -4
    vocab[en[102]] = 10**7
    vocab[en[103]] = 400  # a gap in the numbering
    vocab["far"] = 10**6
    table = PieceVocabulary(vocab, processors)
    _agrees(table, vocab, fi[200:210] + en[:10])
    with pytest.raises(KeyError):
        table["▁nowhere-at-all"]


def test_the_first_model_names_a_piece_both_hold(processors) -> None:
    finnish, english = processors
    shared = sorted(set(_pieces(finnish)) & set(_pieces(english)) - {"<unk>", "<s>", "</s>"})
    assert shared, "the two models share no piece"
    vocab = {piece: index for index, piece in enumerate(shared)}
    for order in (processors, processors[::-1]):
        table = PieceVocabulary(vocab, order)
        _agrees(table, vocab, [])


def test_tokens_listed_by_id_in_one_pass(processors) -> None:
    finnish, english = processors
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(english) + _pieces(finnish):
        vocab.setdefault(piece, len(vocab) + 3)  # a gap of three ids at every piece
    vocab["shared"] = 9
    table = PieceVocabulary(vocab, processors)
    count = max(vocab.values()) + 5
    assert table.tokens_upto(count) == [table.token_at(index) for index in range(count)]
