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
            ids = array("q", [-1]) * processor.GetPieceSize()
            for index in range(len(ids)):
                piece = processor.IdToPiece(index)
                token_id = vocab.get(piece)
                if token_id is not None and token_id >= 0:  # -1 marks a piece left out
                    ids[index] = token_id
                    found.add(piece)
            self._ids_by_piece.append(ids)

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

        values = np.fromiter(vocab.values(), dtype=np.int64, count=self._size)
        unique, counts = np.unique(values, return_counts=True)
        shared = set(unique[counts > 1].tolist())
        self._other_ids: dict[str, int] = {}
        self._other_tokens: dict[int, str] = {}
        for token, token_id in vocab.items():
            if token not in found:
                self._other_ids[token] = token_id
            if token not in found or token_id in shared or not 0 <= token_id < limit:
                self._other_tokens[token_id] = token  # the last one listed wins

    def get(self, token: str, default: Any = None) -> Any:
        """The id of ``token``, ``default`` when the vocabulary lacks it."""
        token_id = self._other_ids.get(token)
        if token_id is not None:
            return token_id
        for processor, ids in zip(self._processors, self._ids_by_piece, strict=True):
            index = processor.PieceToId(token)
            token_id = ids[index]
            if token_id >= 0 and processor.IdToPiece(index) == token:
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
                if not any(self._holds(other, piece) for other in range(number)):
                    yield piece

    def _holds(self, number: int, piece: str) -> bool:
        processor = self._processors[number]
        index = processor.PieceToId(piece)
        return self._ids_by_piece[number][index] >= 0 and processor.IdToPiece(index) == piece
