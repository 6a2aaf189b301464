"""Tokenizers for the translation models, on sentencepiece and tokenizers alone.

The desk translates with CTranslate2, which takes token strings and gives token strings
back; only the text <-> token step needs the model's own tokenizer. The classes here read
a hub model folder (``vocab.json``, ``*.spm``, ``sentencepiece.bpe.model``,
``tokenizer.json``, ``tokenizer_config.json``, ``special_tokens_map.json``,
``added_tokens.json``) and give the same token ids and text as transformers'
``MarianTokenizer``, ``M2M100Tokenizer`` and ``NllbTokenizer`` do for the calls the desk
makes (encode with truncation, decode skipping special tokens), without importing
transformers or torch. ``tests/test_tokenization.py`` holds them to that.

What transformers does, and so what happens here:

* Text is first split on the *added tokens* (special tokens such as ``</s>``, and the
  language tokens of a multilingual model): each occurrence in the text becomes that
  token, and the pieces between them are tokenized on their own.
* Special tokens are framed around the pieces (opus-mt: ``pieces </s>``; M2M100 and NLLB:
  ``source-language pieces </s>``) after the pieces are cut so that the whole fits the
  length bound (``truncation=True, max_length=N``).
* Decoding skips every special token, joins the pieces and turns ``▁`` into spaces.
* opus-mt's ``MosesPunctNormalizer`` (sacremoses) is set up by transformers but never
  applied when encoding, so punctuation reaches sentencepiece unchanged; here too.

sentencepiece and tokenizers are imported when a tokenizer is loaded, not with this module.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from interpreter.translate.base import TranslationError

logger = logging.getLogger(__name__)

#: Named special tokens in the order transformers lists them (``all_special_tokens``).
SPECIAL_ROLES = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
#: Spaces transformers' ``clean_up_tokenization`` removes before punctuation and clitics.
_CLEAN_UPS = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)


@dataclass(frozen=True)
class AddedToken:
    """A token matched in raw text before subword tokenization, with its fixed id."""

    content: str
    id: int
    special: bool = True
    lstrip: bool = False
    rstrip: bool = False


@dataclass(frozen=True)
class TokenizerSettings:
    """What a model folder's tokenizer configuration files say.

    ``named`` maps roles (``eos_token``) to token text; ``extra`` lists further special
    tokens (language tokens); ``added`` holds tokens saved with fixed ids; ``options`` is
    the rest of ``tokenizer_config.json``.
    """

    named: dict[str, str]
    extra: tuple[str, ...] = ()
    added: tuple[AddedToken, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def special_tokens(self) -> list[str]:
        """Named then extra special tokens, each once (transformers' order)."""
        ordered = [self.named[role] for role in SPECIAL_ROLES if self.named.get(role)]
        return list(dict.fromkeys([*ordered, *self.extra]))

    @property
    def model_max_length(self) -> int | None:
        value = self.options.get("model_max_length")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def truncate_left(self) -> bool:
        return self.options.get("truncation_side") == "left"

    @property
    def clean_up_spaces(self) -> bool:
        return bool(self.options.get("clean_up_tokenization_spaces", False))


class Tokenizer(Protocol):
    """What :class:`~interpreter.translate.loading.TextCodec` needs from a model's tokenizer."""

    eos_id: int
    pad_id: int
    unk_id: int
    special_ids: frozenset[int]
    model_max_length: int | None
    #: Target token -> id, as far as the tokenizer holds such a table anyway (empty if
    #: it holds none): a CTranslate2 backend shares it instead of building its own.
    target_vocab: Mapping[str, int]

    def __len__(self) -> int:
        """Vocabulary size with added tokens (transformers' ``len(tokenizer)``)."""
        ...

    def token_id(self, token: str) -> int:
        """The id of ``token``; the unknown token's id when the vocabulary lacks it."""
        ...

    def knows(self, token: str) -> bool:
        """Whether ``token`` is in the vocabulary (not mapped to the unknown token)."""
        ...

    def tokens(self, ids: Iterable[int]) -> list[str]:
        """Source-side token strings of ``ids`` (what CTranslate2 reads)."""
        ...

    def encode(self, text: str, max_length: int, source_language: str | None = None) -> list[int]:
        """Ids with special tokens, cut to at most ``max_length``."""
        ...

    def decode(self, ids: Iterable[int]) -> str:
        """Text of target ids, special tokens skipped."""
        ...


def read_json(path: Path, default: Any = None) -> Any:
    """A JSON file's content, ``default`` when it does not exist, or a clear error."""
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TranslationError(
            f"Cannot read {path} ({type(exc).__name__}: {exc}). The file is damaged: "
            "download the model again."
        ) from exc


def _token_text(value: Any) -> str | None:
    """Token text from a configuration value: a string or ``{"content": ...}``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return None


def _token_list(value: Any) -> list[str]:
    if isinstance(value, dict):  # named model-specific tokens
        value = list(value.values())
    if not isinstance(value, list):
        return []
    return [text for text in (_token_text(item) for item in value) if text]


def read_settings(folder: Path, defaults: Mapping[str, str]) -> TokenizerSettings:
    """The tokenizer settings of ``folder``, with the family's ``defaults`` for named tokens.

    As in transformers: a ``tokenizer_config.json`` with ``added_tokens_decoder`` is
    complete; an older one is completed by ``special_tokens_map.json`` (which wins) and
    ``added_tokens.json``.
    """
    config = read_json(folder / "tokenizer_config.json", {})
    if not isinstance(config, dict):
        raise TranslationError(
            f"{folder / 'tokenizer_config.json'} is not a JSON object: download the model again."
        )
    saved = config.get("added_tokens_decoder")
    special_map = {} if saved else read_json(folder / "special_tokens_map.json", {})
    named = dict(defaults)
    for role in SPECIAL_ROLES:
        text = _token_text(special_map.get(role)) or _token_text(config.get(role))
        if text:
            named[role] = text
    extra = _token_list(config.get("extra_special_tokens")) or _token_list(
        special_map.get("additional_special_tokens") or config.get("additional_special_tokens")
    )
    extra += [t for t in _token_list(special_map.get("extra_special_tokens")) if t not in extra]
    special = set(named.values()) | set(extra)
    added: list[AddedToken] = []
    if isinstance(saved, dict):
        for index, entry in saved.items():
            text = _token_text(entry)
            if text is None:
                continue
            flags = entry if isinstance(entry, dict) else {}
            added.append(
                AddedToken(
                    text,
                    int(index),
                    special=bool(flags.get("special", text in special)),
                    lstrip=bool(flags.get("lstrip", False)),
                    rstrip=bool(flags.get("rstrip", False)),
                )
            )
    else:
        for text, index in (read_json(folder / "added_tokens.json", {}) or {}).items():
            added.append(AddedToken(text, int(index), special=text in special))
    options = {k: v for k, v in config.items() if k not in SPECIAL_ROLES}
    return TokenizerSettings(named, tuple(extra), tuple(added), options)


def complete_added_tokens(
    base_vocab: Mapping[str, int], settings: TokenizerSettings
) -> dict[str, AddedToken]:
    """Added tokens by text: the saved ones, then every special token not yet among them.

    A special token the vocabulary has keeps its id; a new one gets the next id after the
    vocabulary and the saved tokens (how transformers completes a slow tokenizer).
    """
    table = {token.content: token for token in settings.added}
    next_id = len(base_vocab) + sum(1 for text in table if text not in base_vocab)
    for text in settings.special_tokens:
        if text in table:
            continue
        if text in base_vocab:
            table[text] = AddedToken(text, base_vocab[text])
        else:
            table[text] = AddedToken(text, next_id)
            next_id += 1
    return table


def split_on_added(text: str, added: Mapping[str, AddedToken]) -> list[str | AddedToken]:
    """``text`` cut around every added token in it (leftmost, longest first).

    An added token with ``lstrip``/``rstrip`` swallows the spaces beside it; empty
    pieces are dropped.
    """
    if not added or not text:
        return [text] if text else []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(added, key=len, reverse=True)))
    parts: list[str | AddedToken] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(text[position : match.start()])
        parts.append(added[match.group()])
        position = match.end()
    parts.append(text[position:])
    for index, part in enumerate(parts):
        if not isinstance(part, AddedToken):
            continue
        if part.lstrip and index > 0 and isinstance(parts[index - 1], str):
            parts[index - 1] = str(parts[index - 1]).rstrip()
        if part.rstrip and index + 1 < len(parts) and isinstance(parts[index + 1], str):
            parts[index + 1] = str(parts[index + 1]).lstrip()
    return [part for part in parts if part != ""]


def frame(
    ids: Sequence[int],
    prefix: Sequence[int],
    suffix: Sequence[int],
    max_length: int,
    truncate_left: bool = False,
) -> list[int]:
    """``prefix + ids + suffix``, with ``ids`` cut so that the whole fits ``max_length``."""
    room = max_length - len(prefix) - len(suffix)
    if len(ids) > room >= 0:
        ids = ids[len(ids) - room :] if truncate_left else ids[:room]
    return [*prefix, *ids, *suffix]


def clean_up_spaces(text: str) -> str:
    """Drop the spaces a word-level detokenizer leaves before punctuation and clitics."""
    for before, after in _CLEAN_UPS:
        text = text.replace(before, after)
    return text


def load_tokenizer(folder: Path, family: str) -> Tokenizer:
    """The tokenizer of the ``family`` model in ``folder`` (``marian``, ``m2m100``, ``nllb``).

    Raises :class:`TranslationError` naming the folder when its files are missing or
    damaged.
    """
    folder = Path(folder)
    try:
        if family == "marian":
            from interpreter.translate.spm_tokenizers import MarianTokenizer

            return MarianTokenizer(folder)
        if family == "m2m100":
            from interpreter.translate.spm_tokenizers import M2M100Tokenizer

            return M2M100Tokenizer(folder)
        if family == "nllb":
            from interpreter.translate.nllb_tokenizer import NllbTokenizer

            return NllbTokenizer(folder)
    except TranslationError:
        raise
    except (OSError, RuntimeError, ValueError, KeyError, TypeError) as exc:
        # sentencepiece raises RuntimeError/OSError, tokenizers an Exception per problem.
        raise TranslationError(
            f"Could not load the tokenizer of the translation model in {folder}: "
            f"{type(exc).__name__}: {exc}. The files look damaged; download the model again."
        ) from exc
    raise TranslationError(
        f"Unknown translation model family {family!r} for {folder}; expected marian, m2m100 "
        "or nllb. Check the model catalog entry."
    )
