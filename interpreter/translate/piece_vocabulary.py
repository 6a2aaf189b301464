"""A model's token <-> id table, kept as indexes into its sentencepiece models.

An opus-mt vocabulary has about 60,000 tokens. As Python dictionaries (token -> id and
id -> token) it takes about 11 MB for each translation direction. Nearly all of its
tokens are pieces of the model's own sentencepiece models, which are in memory anyway.
So the table keeps two kinds of small array. Per sentencepiece model: piece index ->
model id. Per model id: which sentencepiece model holds its token, and at which index.
Python objects are kept only for the few tokens that no sentencepiece model has
(special tokens, ``>>fin<<``-style target tokens, padding words) and for ids that
several tokens share.

Lookups give exactly what the dictionaries gave, including on odd vocabularies: for an
id listed under several tokens, the token listed last (as inverting the dictionary
does).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from itertools import compress
from typing import Any

import numpy as np

#: Room for ids beyond the vocabulary's size (a gap in its numbering) in the id arrays;
#: an id further out is kept in the Python table.
_ID_SLACK = 1024


class PieceVocabulary(Mapping[str, int]):
    """Token -> id (a read-only mapping) and id -> token (:meth:`token_at`).

    ``vocab`` is the model's ``vocab.json`` as read; ``processors`` are the loaded
    sentencepiece models whose pieces make up most of it, the one that should answer
    :meth:`token_at` for a piece they share first. ``vocab`` is not kept.
    """

    def __init__(self, vocab: Mapping[str, int], processors: Sequence[Any]) -> None:
        self._processors = tuple(processors)
        self._size = len(vocab)
        found: set[str] = set()
        # Python arrays, not numpy ones: reading one element is several times faster.
        self._ids_by_piece: list[array[int]] = []
        for processor in self._processors:
            pieces = processor.IdToPiece(list(range(processor.GetPieceSize())))
            ids = np.array([vocab.get(piece, -1) for piece in pieces], dtype=np.int64)
            ids[ids < 0] = -1  # marks a piece the vocabulary leaves out (or numbers < 0)
            found.update(compress(pieces, (ids >= 0).tolist()))
            self._ids_by_piece.append(array("q", ids.tobytes()))

        limit = self._size + _ID_SLACK
        owner = np.full(limit, -1, dtype=np.int8)
        piece_index = np.zeros(limit, dtype=np.int32)
        for number in reversed(range(len(self._processors))):  # the first one wins
            ids_of = np.frombuffer(self._ids_by_piece[number], dtype=np.int64)
            held = np.flatnonzero((ids_of >= 0) & (ids_of < limit))
            owner[ids_of[held]] = number
            piece_index[ids_of[held]] = held
        self._owner = array("b", owner.tobytes())
        self._piece_index = array("i", piece_index.tobytes())

        missing = vocab.keys() - found
        self._other_ids: dict[str, int] = {token: vocab[token] for token in missing}
        self._other_tokens: dict[int, str] = {vocab[token]: token for token in missing}
        # Ids several tokens share, and ids outside the arrays: the token listed last.
        values = np.fromiter(vocab.values(), dtype=np.int64, count=self._size)
        unique, counts = np.unique(values, return_counts=True)
        odd = set(unique[(counts > 1) | (unique < 0) | (unique >= limit)].tolist())
        if odd:
            for token, token_id in vocab.items():
                if token_id in odd:
                    self._other_tokens[token_id] = token

    def get(self, token: str, default: Any = None) -> Any:
        """The id of ``token``, ``default`` when the vocabulary lacks it."""
        token_id = self._other_ids.get(token)
        if token_id is not None:
            return token_id
        for number in range(len(self._processors)):
            token_id = self._id_in(number, token)
            if token_id >= 0:
                return token_id
        return default

    def token_at(self, token_id: int) -> str | None:
        """The token of ``token_id``, None when no token has it."""
        token = self._other_tokens.get(token_id)
        if token is not None or not 0 <= token_id < len(self._owner):
            return token
        number = self._owner[token_id]
        if number < 0:
            return None
        return self._processors[number].IdToPiece(self._piece_index[token_id])

    def tokens_upto(self, count: int) -> list[str | None]:
        """:meth:`token_at` of every id from 0 to ``count`` - 1, in one pass."""
        tokens: list[str | None] = [None] * count
        owner = np.frombuffer(self._owner, dtype=np.int8)[:count]
        piece_index = np.frombuffer(self._piece_index, dtype=np.int32)[:count]
        for number, processor in enumerate(self._processors):
            where = np.flatnonzero(owner == number)
            pieces = processor.IdToPiece(piece_index[where].tolist())
            for token_id, piece in zip(where.tolist(), pieces, strict=True):
                tokens[token_id] = piece
        for token_id, token in self._other_tokens.items():
            if 0 <= token_id < count:
                tokens[token_id] = token
        return tokens

    def __getitem__(self, token: str) -> int:
        token_id = self.get(token)
        if token_id is None:
            raise KeyError(token)
        return token_id

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self.get(token) is not None

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[str]:
        yield from self._other_ids
        tables = zip(self._processors, self._ids_by_piece, strict=True)
        for number, (processor, ids) in enumerate(tables):
            for index in (i for i, token_id in enumerate(ids) if token_id >= 0):
                piece = processor.IdToPiece(index)
                if all(self._id_in(other, piece) < 0 for other in range(number)):
                    yield piece

    def _id_in(self, number: int, token: str) -> int:
        """The id of ``token`` as a piece of sentencepiece model ``number``; -1 if not."""
        processor = self._processors[number]
        index = processor.PieceToId(token)
        token_id = self._ids_by_piece[number][index]
        return token_id if token_id >= 0 and processor.IdToPiece(index) == token else -1
