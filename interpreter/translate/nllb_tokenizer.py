"""The NLLB tokenizer: the model's ``tokenizer.json`` run by the ``tokenizers`` library.

Gives the ids and text of transformers' ``NllbTokenizer`` (a ``tokenizers`` backend too):
the source is ``lang pieces </s>`` (``pieces </s> lang`` with ``legacy_behaviour``),
cut to the length bound, and decoding skips special tokens. tokenizers is imported when a
tokenizer is created.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from interpreter.translate.base import TranslationError
from interpreter.translate.tokenization import clean_up_spaces, frame, read_settings

logger = logging.getLogger(__name__)

TOKENIZER_FILE = "tokenizer.json"
#: Special tokens by role when the tokenizer configuration does not name them.
NLLB_SPECIAL_TOKENS = MappingProxyType(
    {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }
)


class NllbTokenizer:
    """NLLB-200: BPE pieces and added language tokens (``fin_Latn``) from ``tokenizer.json``."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer as BackendTokenizer

        path = folder / TOKENIZER_FILE
        if not path.is_file():
            raise TranslationError(
                f"The nllb model in {folder} is missing its tokenizer file {TOKENIZER_FILE}. "
                "Download the model again with all its files."
            )
        self.folder = folder
        self.settings = read_settings(folder, NLLB_SPECIAL_TOKENS)
        try:
            backend = BackendTokenizer.from_file(str(path))
        except Exception as exc:  # tokenizers reports a bad file as a bare Exception
            raise TranslationError(
                f"Could not read {path} ({exc}): the file looks damaged; download the model again."
            ) from exc
        backend.no_truncation()  # the length bound is applied around the framing tokens
        backend.no_padding()
        present = {token.content for token in backend.get_added_tokens_decoder().values()}
        specials = self.settings.special_tokens
        missing = [token for token in specials if token not in present]
        if missing:  # transformers adds the configuration's special tokens the file lacks
            backend.add_special_tokens(missing)
        self._backend = backend
        # The vocabulary stays inside ``tokenizers``: no Python table to share.
        self.target_vocab: Mapping[str, int] = MappingProxyType({})
        unk = backend.token_to_id(self.settings.named["unk_token"])
        if unk is None:
            raise TranslationError(f"{path} has no unknown token: download the model again.")
        self.unk_id = unk
        self.eos_id = self.token_id(self.settings.named["eos_token"])
        self.pad_id = self.token_id(self.settings.named["pad_token"])
        special = {t.content for t in backend.get_added_tokens_decoder().values() if t.special}
        self.special_ids = frozenset(self.token_id(t) for t in special | set(specials))
        self.legacy = bool(self.settings.options.get("legacy_behaviour", False))
        self.model_max_length = self.settings.model_max_length
        # transformers leaves BPE output as it is even when asked to clean up spaces.
        self._clean_up = self.settings.clean_up_spaces and type(backend.model).__name__ != "BPE"

    def __len__(self) -> int:
        return self._backend.get_vocab_size(with_added_tokens=True)

    def token_id(self, token: str) -> int:
        """The id of ``token``; the unknown token's id when the vocabulary lacks it."""
        index = self._backend.token_to_id(token)
        return self.unk_id if index is None else index

    def knows(self, token: str) -> bool:
        """Whether ``token`` has an id of its own."""
        return self.token_id(token) != self.unk_id

    def tokens(self, ids: Iterable[int]) -> list[str]:
        """Token strings of ``ids``."""
        unk = self.settings.named["unk_token"]
        return [self._backend.id_to_token(int(i)) or unk for i in ids]

    def encode(self, text: str, max_length: int, source_language: str | None = None) -> list[int]:
        """The source-language token, the ids of ``text`` and ``</s>``, cut to
        ``max_length``. ``source_language`` is an NLLB code such as ``fin_Latn``."""
        language = source_language or self.settings.options.get("src_lang") or "eng_Latn"
        if not self.knows(language):
            raise TranslationError(
                f"The nllb model in {self.folder} has no language token {language!r}. "
                "Check the language codes in the model catalog."
            )
        ids = self._backend.encode(text, add_special_tokens=False).ids
        language_id = self.token_id(language)
        if self.legacy:
            prefix, suffix = [], [self.eos_id, language_id]
        else:
            prefix, suffix = [language_id], [self.eos_id]
        return frame(ids, prefix, suffix, max_length, self.settings.truncate_left)

    def decode(self, ids: Iterable[int]) -> str:
        """Text of ``ids``, special tokens skipped."""
        text = self._backend.decode([int(i) for i in ids], skip_special_tokens=True)
        return clean_up_spaces(text) if self._clean_up else text
