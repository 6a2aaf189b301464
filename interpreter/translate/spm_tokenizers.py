"""opus-mt (Marian) and M2M100 tokenizers: sentencepiece pieces, ids from ``vocab.json``.

Both give the ids and text of transformers' ``MarianTokenizer`` and ``M2M100Tokenizer``
(see :mod:`interpreter.translate.tokenization` for the shared rules). Loaded from a model
folder; sentencepiece is imported when one is created.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from interpreter.translate.base import TranslationError
from interpreter.translate.piece_vocabulary import PieceVocabulary
from interpreter.translate.tokenization import (
    AddedToken,
    TokenizerSettings,
    clean_up_spaces,
    complete_added_tokens,
    frame,
    read_json,
    read_settings,
    split_on_added,
)

logger = logging.getLogger(__name__)

#: The sentencepiece word-start mark, which decoding turns into a space.
WORD_START = "▁"
#: opus-mt's own length bound when its tokenizer configuration names none.
MARIAN_MAX_LENGTH = 512
#: Special tokens by role when the tokenizer configuration does not name them.
MARIAN_SPECIAL_TOKENS = MappingProxyType(
    {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
)
M2M100_SPECIAL_TOKENS = MappingProxyType(
    {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
    }
)

# fmt: off
#: M2M100's language codes in vocabulary order (``language_codes`` in tokenizer_config.json).
M2M100_LANGUAGES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "m2m100": (
        "af", "am", "ar", "ast", "az", "ba", "be", "bg", "bn", "br", "bs", "ca", "ceb", "cs",
        "cy", "da", "de", "el", "en", "es", "et", "fa", "ff", "fi", "fr", "fy", "ga", "gd",
        "gl", "gu", "ha", "he", "hi", "hr", "ht", "hu", "hy", "id", "ig", "ilo", "is", "it",
        "ja", "jv", "ka", "kk", "km", "kn", "ko", "lb", "lg", "ln", "lo", "lt", "lv", "mg",
        "mk", "ml", "mn", "mr", "ms", "my", "ne", "nl", "no", "ns", "oc", "or", "pa", "pl",
        "ps", "pt", "ro", "ru", "sd", "si", "sk", "sl", "so", "sq", "sr", "ss", "su", "sv",
        "sw", "ta", "th", "tl", "tn", "tr", "uk", "ur", "uz", "vi", "wo", "xh", "yi", "yo",
        "zh", "zu",
    ),
    "wmt21": ("en", "ha", "is", "ja", "cs", "ru", "zh", "de"),
})
# fmt: on


def _load_spm(path: Path) -> Any:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor()
    processor.Load(str(path))
    return processor


#: Token ids beyond this are a damaged file (the largest vocabularies have 256,000).
_MAX_TOKEN_ID = 2**31 - 1


def _read_vocab(path: Path) -> dict[str, int]:
    vocab = read_json(path)
    if not isinstance(vocab, dict) or not all(
        isinstance(i, int) and abs(i) <= _MAX_TOKEN_ID for i in vocab.values()
    ):
        raise TranslationError(
            f"{path} is missing or is not a token -> id mapping: download the model again."
        )
    return vocab


class _SentencePieceTokenizer:
    """What opus-mt and M2M100 share: added tokens over a ``vocab.json`` vocabulary."""

    def __init__(self, folder: Path, settings: TokenizerSettings, vocab: PieceVocabulary) -> None:
        self.folder = folder
        self.settings = settings
        self.vocab = vocab
        self._unk_text = settings.named["unk_token"]
        if self._unk_text not in vocab:
            raise TranslationError(
                f"The vocabulary {folder / 'vocab.json'} has no unknown token "
                f"{self._unk_text!r}: download the model again."
            )
        self.unk_id = vocab[self._unk_text]
        self._added: dict[str, AddedToken] = {}
        self._added_ids: dict[int, str] = {}

    def _set_added(self, base_vocab: Mapping[str, int]) -> None:
        self._added = complete_added_tokens(base_vocab, self.settings)
        self._added_ids = {token.id: token.content for token in self._added.values()}
        self._special_texts = set(self.settings.special_tokens)
        self.special_ids = frozenset(self.token_id(t) for t in self.settings.special_tokens)
        self.eos_id = self.token_id(self.settings.named["eos_token"])
        self.pad_id = self.token_id(self.settings.named["pad_token"])
        self._size = len(base_vocab) + sum(1 for text in self._added if text not in base_vocab)

    def __len__(self) -> int:
        return self._size

    def _vocab_id(self, token: str) -> int:
        return self.vocab.get(token, self.unk_id)

    def token_id(self, token: str) -> int:
        """The id of ``token``; the unknown token's id when the vocabulary lacks it."""
        added = self._added.get(token)
        return added.id if added is not None else self._vocab_id(token)

    def knows(self, token: str) -> bool:
        """Whether ``token`` has an id of its own."""
        return self.token_id(token) != self.unk_id

    def _pieces(self, text: str) -> list[str]:
        raise NotImplementedError

    def _piece_ids(self, text: str) -> list[int]:
        """Ids of ``text`` without the framing special tokens."""
        ids: list[int] = []
        for part in split_on_added(text, self._added):
            if isinstance(part, AddedToken):
                ids.append(part.id)
            else:
                ids.extend(self.token_id(piece) for piece in self._pieces(part))
        return ids

    def _finish_text(self, text: str) -> str:
        return clean_up_spaces(text) if self.settings.clean_up_spaces else text


class MarianTokenizer(_SentencePieceTokenizer):
    """opus-mt: ``source.spm`` cuts the source, ``target.spm`` joins the target.

    A source may start with a target-language token (``>>est<<``), which is taken whole.
    Ids come from ``vocab.json`` (``target_vocab.json`` for the target when the model has
    separate vocabularies); a piece the vocabulary lacks is the unknown token.
    """

    def __init__(self, folder: Path) -> None:
        settings = read_settings(folder, MARIAN_SPECIAL_TOKENS)
        self._source_spm = _load_spm(folder / "source.spm")
        self._target_spm = _load_spm(folder / "target.spm")
        spms = (self._source_spm, self._target_spm)
        super().__init__(
            folder, settings, PieceVocabulary(_read_vocab(folder / "vocab.json"), spms)
        )
        self.target_vocab = self.vocab
        if settings.options.get("separate_vocabs"):
            self.target_vocab = PieceVocabulary(
                _read_vocab(folder / "target_vocab.json"), spms[::-1]
            )
        self.model_max_length = settings.options.get("model_max_length", MARIAN_MAX_LENGTH)
        if not isinstance(self.model_max_length, int):
            self.model_max_length = None
        self._set_added(self.vocab)

    def _pieces(self, text: str) -> list[str]:
        code: list[str] = []
        end = text.find("<<") if text.startswith(">>") else -1
        if end != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        return code + self._source_spm.encode(text, out_type=str)

    def encode(self, text: str, max_length: int, source_language: str | None = None) -> list[int]:
        """Ids of ``text`` followed by ``</s>``, cut to ``max_length`` (opus-mt takes no
        source-language token; ``source_language`` is ignored)."""
        return frame(
            self._piece_ids(text), [], [self.eos_id], max_length, self.settings.truncate_left
        )

    @staticmethod
    def _piece_of(processor: Any, index: int) -> str | None:
        return processor.IdToPiece(index) if 0 <= index < processor.GetPieceSize() else None

    def tokens(self, ids: Iterable[int]) -> list[str]:
        """Source token strings of ``ids``."""
        return [
            self._added_ids.get(i)
            or self.vocab.token_at(i)
            or self._piece_of(self._source_spm, i)
            or self._unk_text
            for i in ids
        ]

    def _target_token(self, index: int) -> str:
        return (
            self._added_ids.get(index)
            or self.target_vocab.token_at(index)
            or self._piece_of(self._target_spm, index)
            or self._unk_text
        )

    def decode(self, ids: Iterable[int]) -> str:
        """Target text: special tokens skipped, pieces joined by ``target.spm``."""
        text, pending = "", []
        for token in (self._target_token(i) for i in ids if i not in self.special_ids):
            if token in self._special_texts:
                text += self._target_spm.DecodePieces(pending) + token + " "
                pending = []
            else:
                pending.append(token)
        text += self._target_spm.DecodePieces(pending)
        return self._finish_text(text.replace(WORD_START, " ").strip())


class M2M100Tokenizer(_SentencePieceTokenizer):
    """M2M100: ``sentencepiece.bpe.model`` pieces, ids from ``vocab.json``, and a
    ``__xx__`` token per language right after the vocabulary."""

    def __init__(self, folder: Path) -> None:
        settings = read_settings(folder, M2M100_SPECIAL_TOKENS)
        self._spm = _load_spm(folder / "sentencepiece.bpe.model")
        vocab = PieceVocabulary(_read_vocab(folder / "vocab.json"), (self._spm,))
        super().__init__(folder, settings, vocab)
        self.target_vocab = self.vocab
        code_set = str(settings.options.get("language_codes") or "m2m100")
        if code_set not in M2M100_LANGUAGES:
            raise TranslationError(
                f"{folder / 'tokenizer_config.json'} names unknown language codes "
                f"{code_set!r}; expected one of {', '.join(M2M100_LANGUAGES)}."
            )
        size = len(self.vocab)
        self.languages = {
            f"__{code}__": size + i for i, code in enumerate(M2M100_LANGUAGES[code_set])
        }
        self._language_ids = {index: token for token, index in self.languages.items()}
        value = settings.options.get("model_max_length")
        self.model_max_length = value if isinstance(value, int) else None
        saved = {token.id: token.content for token in settings.added}
        base: dict[str, int] = {}  # only while loading: the tables above keep what lasts
        for index, token in enumerate(self.vocab.tokens_upto(size)):
            base[saved.get(index) or (self._unk_text if token is None else token)] = index
        self._set_added(base)

    def _vocab_id(self, token: str) -> int:
        language = self.languages.get(token)
        return language if language is not None else super()._vocab_id(token)

    def _pieces(self, text: str) -> list[str]:
        return self._spm.encode(text, out_type=str)

    def encode(self, text: str, max_length: int, source_language: str | None = None) -> list[int]:
        """``__xx__`` of the source language, the ids of ``text`` and ``</s>``, cut to
        ``max_length``. ``source_language`` is a language token such as ``__fi__``."""
        if source_language is None:
            source_language = f"__{self.settings.options.get('src_lang') or 'en'}__"
        if source_language not in self.languages:
            raise TranslationError(
                f"The M2M100 model in {self.folder} has no language token "
                f"{source_language!r}. Check the language codes in the model catalog."
            )
        prefix = [self.languages[source_language]]
        return frame(
            self._piece_ids(text), prefix, [self.eos_id], max_length, self.settings.truncate_left
        )

    def tokens(self, ids: Iterable[int]) -> list[str]:
        """Token strings of ``ids``."""
        return [
            self._added_ids.get(i)
            or self._language_ids.get(i)
            or self.vocab.token_at(i)
            or self._unk_text
            for i in ids
        ]

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``, special tokens skipped, pieces joined by sentencepiece."""
        text, pending = "", []
        for token in self.tokens(i for i in ids if i not in self.special_ids):
            if token in self._special_texts:
                text += self._spm.DecodePieces(pending) + token
                pending = []
            else:
                pending.append(token)
        text += self._spm.DecodePieces(pending)
        return self._finish_text(text.strip())
