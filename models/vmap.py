"""Vocabulary maps: the target tokens a CTranslate2 model may choose from for a source text.

With ``use_vmap`` CTranslate2 computes the decoder's output layer only over the candidate
tokens a vocabulary map gives for the batch's source tokens, instead of the whole
vocabulary (58,101 rows in the opus-mt models, the largest single matrix product of every
decoding step). The map is a text file, ``vmap.txt`` in the converted model folder (the
converter's ``vmap`` option copies it there), one rule per line::

    <source token or n-gram, tokens separated by spaces> TAB <target token> <target token> ...

A line with an empty source part lists tokens that are always candidates; CTranslate2 adds
the unknown, start, end and padding tokens itself. A line without a tab would be read as
that always-line and replace it, so :meth:`VocabularyMap.read` refuses such files.

How a map is built here, from the model's own files (no aligned training data is needed,
and none ships with the models):

* always: the ``frequent`` most probable pieces of the target sentencepiece model (its
  scores are log-probabilities for unigram models and merge ranks for BPE models, so the
  highest scores are the most frequent pieces), every target piece without letters
  (digits and punctuation, so numbers and the ``[[N]]`` placeholders can be written);
* per source piece: the identical target piece, when the target vocabulary has it, and the
  pieces the target model splits the source piece's text into, so names, codes and other
  words that pass through untranslated can still be copied.

Limits: a target word outside the frequent pieces that does not occur in the source can
only be spelled with smaller pieces, which the model was not trained to do. Whether a
given ``frequent`` keeps translations intact must be checked with the real weights (run a
phrase set with and without the map and compare the two runs); random weights show the
speed only. The method needs a separate target sentencepiece model (opus-mt); a
multilingual model's shared vocabulary has no per-language frequencies, so no map is built
for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from models.errors import TranslationError

logger = logging.getLogger(__name__)

#: File name CTranslate2 loads the map from, inside a converted model folder.
VMAP_FILE = "vmap.txt"
#: Target pieces that are always candidates, by frequency (about a quarter of an opus-mt
#: target vocabulary); see the module docstring for what this trades.
DEFAULT_FREQUENT_TOKENS = 8000
#: Sentencepiece's word-boundary mark.
WORD_START = "\u2581"


@dataclass(frozen=True)
class VocabularyMap:
    """Always-candidate target tokens and per-source-token candidates."""

    always: tuple[str, ...]
    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def candidates(self, source_tokens: Iterable[str]) -> set[str]:
        """The target tokens allowed for a source text, as CTranslate2 computes them for
        single-token rules (without the special tokens it adds itself)."""
        allowed = set(self.always)
        for token in source_tokens:
            allowed.update(self.rules.get(token, ()))
        return allowed

    def write(self, path: Path) -> Path:
        """Write the map in CTranslate2's format (always-line first) and return ``path``."""
        for token in chain(self.always, self.rules, *self.rules.values()):
            if not token or any(character.isspace() for character in token):
                raise ValueError(f"vocabulary map token {token!r} is empty or has white space")
        lines = ["\t" + " ".join(self.always)]
        lines += [f"{source}\t{' '.join(targets)}" for source, targets in self.rules.items()]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        return Path(path)

    @classmethod
    def read(cls, path: Path) -> VocabularyMap:
        """Read a map file; a line without a tab is an error naming the file and line."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TranslationError(
                f"Cannot read the vocabulary map {path} ({exc}). Convert the model again."
            ) from exc
        always: tuple[str, ...] = ()
        rules: dict[str, tuple[str, ...]] = {}
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()  # the end of the last line
        for number, line in enumerate(lines, start=1):
            source, tab, targets = line.partition("\t")
            if not tab:
                raise TranslationError(
                    f"Line {number} of the vocabulary map {path} has no tab between source "
                    "and target tokens. Convert the model again or remove the file."
                )
            if source:
                rules[source] = tuple(targets.split())
            else:
                always = tuple(targets.split())
        return cls(always=always, rules=rules)


def _sentencepiece(path: Path) -> Any:
    import sentencepiece

    if not path.is_file():
        raise TranslationError(
            f"Cannot build a vocabulary map: {path} is missing. Download the model again "
            "with all its files, or convert it without a vocabulary map."
        )
    try:
        return sentencepiece.SentencePieceProcessor(model_file=str(path))
    except (OSError, RuntimeError) as exc:
        raise TranslationError(
            f"Cannot build a vocabulary map: {path} is not a readable sentencepiece model "
            f"({exc}). Download the model again."
        ) from exc


def _pieces(processor: Any) -> list[tuple[str, float]]:
    """The ordinary pieces of a sentencepiece model with their scores (no control tokens)."""
    return [
        (processor.id_to_piece(i), processor.get_score(i))
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i) or processor.is_unused(i))
    ]


def _has_no_letters(piece: str) -> bool:
    surface = piece.replace(WORD_START, "")
    return not any(character.isalpha() for character in surface)


def build_vocabulary_map(
    source_spm: Path,
    target_spm: Path,
    frequent: int = DEFAULT_FREQUENT_TOKENS,
) -> VocabularyMap:
    """A map from a model's source and target sentencepiece models (method: module doc)."""
    if frequent < 0:
        raise ValueError(f"frequent must be 0 or more, not {frequent}")
    source = _sentencepiece(Path(source_spm))
    target = _sentencepiece(Path(target_spm))
    target_pieces = _pieces(target)
    by_score = sorted(target_pieces, key=lambda item: -item[1])  # stable: ties keep id order
    always = dict.fromkeys(piece for piece, _ in by_score[:frequent])
    always.update(dict.fromkeys(piece for piece, _ in target_pieces if _has_no_letters(piece)))
    known = {piece for piece, _ in target_pieces}
    rules: dict[str, tuple[str, ...]] = {}
    for piece, _ in _pieces(source):
        if any(character.isspace() for character in piece):
            continue  # cannot be written in the map's format
        surface = piece.replace(WORD_START, " ")
        found = [piece] if piece in known else []
        if surface.strip():
            found += target.encode(surface, out_type=str)
        targets = tuple(t for t in dict.fromkeys(found) if t not in always and t in known)
        if targets:
            rules[piece] = targets
    logger.debug(
        "vocabulary map: %d always-candidates, %d source rules, %d target pieces",
        len(always),
        len(rules),
        len(known),
    )
    return VocabularyMap(always=tuple(always), rules=rules)


def model_vocabulary_map(
    model_dir: Path, frequent: int = DEFAULT_FREQUENT_TOKENS
) -> VocabularyMap | None:
    """The map for an opus-mt (Marian) model folder; None for models it does not suit."""
    model_dir = Path(model_dir)
    if not (model_dir / "target.spm").is_file() and not (model_dir / "source.spm").is_file():
        logger.info("no vocabulary map for %s: it has no separate target vocabulary", model_dir)
        return None
    return build_vocabulary_map(model_dir / "source.spm", model_dir / "target.spm", frequent)


def has_vocabulary_map(ct2_dir: Path) -> bool:
    """Whether a converted model folder carries a vocabulary map."""
    return (Path(ct2_dir) / VMAP_FILE).is_file()
