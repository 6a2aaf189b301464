"""Checking model folders and sharing one tokenizer between translation backends.

Both backends (``transformers`` and ``ctranslate2``) tokenize, bound lengths, force the
target language and decode through :class:`TextCodec`, so the same model gives the same
token ids to both engines and the same text back from the same generated ids.

Heavy libraries (transformers) are imported inside functions: importing this module is cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from interpreter.translate.base import BackendOutput, ModelSpec, TranslationError

logger = logging.getLogger(__name__)

#: Model families and the tokenizer files each needs; an inner tuple means "any one of".
TOKENIZER_FILES: dict[str, tuple[tuple[str, ...], ...]] = {
    "marian": (("source.spm",), ("target.spm",), ("vocab.json",)),
    "m2m100": (("sentencepiece.bpe.model",), ("vocab.json",)),
    "nllb": (("tokenizer.json", "sentencepiece.bpe.model"),),
}
#: Files holding transformers weights (any one of them).
WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
#: Lengths used when neither the tokenizer nor the config gives a usable bound.
FALLBACK_MAX_POSITIONS = 512
#: Extra target tokens allowed beyond ``ratio * input tokens``.
EXTRA_OUTPUT_TOKENS = 10


def check_model_folder(spec: ModelSpec, *, need_weights: bool = True) -> None:
    """Raise :class:`TranslationError` unless ``spec.path`` holds a loadable model layout."""
    if spec.family not in TOKENIZER_FILES:
        known = ", ".join(sorted(TOKENIZER_FILES))
        raise TranslationError(
            f"Unknown translation model family {spec.family!r} for {spec.path}; "
            f"expected one of: {known}. Check the model catalog entry."
        )
    folder = Path(spec.path)
    if not folder.is_dir():
        raise TranslationError(
            f"Translation model folder {folder} does not exist. Download the model "
            "(see the model catalog) or correct the configured path."
        )
    for options in TOKENIZER_FILES[spec.family]:
        if not any((folder / name).is_file() for name in options):
            raise TranslationError(
                f"The {spec.family} model in {folder} is missing its tokenizer file "
                f"{' or '.join(options)}. Download the model again with all its files."
            )
    if not (folder / "config.json").is_file():
        raise TranslationError(
            f"The model in {folder} has no config.json. Download the model again."
        )
    if need_weights and not any((folder / name).is_file() for name in WEIGHT_FILES):
        raise TranslationError(
            f"The model in {folder} has no weights ({WEIGHT_FILES[0]} or "
            f"{WEIGHT_FILES[2]}). Download the model again."
        )


def corrupt_model_error(folder: Path, exc: BaseException) -> TranslationError:
    """The error for a model folder whose files exist but cannot be read."""
    return TranslationError(
        f"Could not load the translation model in {folder}: the files look damaged or "
        f"incompatible ({type(exc).__name__}: {exc}). Download or convert the model again."
    )


def language_token(spec: ModelSpec, code: str) -> str:
    """The vocabulary token that names language ``code`` in an M2M100 or NLLB model."""
    if spec.family == "m2m100" and not (code.startswith("__") and code.endswith("__")):
        return f"__{code}__"
    return code


class TextCodec:
    """Tokenization, length bounds, forced target language and decoding for one model."""

    def __init__(self, spec: ModelSpec, max_length_ratio: float) -> None:
        check_model_folder(spec, need_weights=False)
        from transformers import AutoConfig, AutoTokenizer

        self.spec = spec
        self.max_length_ratio = max_length_ratio
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(
                str(spec.path), local_files_only=True
            )
            config = AutoConfig.from_pretrained(str(spec.path), local_files_only=True)
        except Exception as exc:  # transformers raises many kinds for damaged files
            raise corrupt_model_error(spec.path, exc) from exc
        self.max_positions = self._max_positions(config)
        self.target_token: str | None = None
        self.target_token_id: int | None = None
        if spec.family in ("m2m100", "nllb"):
            self._set_languages()
        elif spec.target_prefix:
            self._require_tokens([spec.target_prefix.strip()])
        self.skip_ids = set(self.tokenizer.all_special_ids)
        if self.target_token_id is not None:
            self.skip_ids.add(self.target_token_id)
        self.vocab_limit = len(self.tokenizer)

    def _max_positions(self, config: Any) -> int:
        """The longest token sequence the encoder and decoder accept."""
        bounds = [getattr(config, "max_position_embeddings", None)]
        bounds.append(getattr(self.tokenizer, "model_max_length", None))
        usable = [int(b) for b in bounds if isinstance(b, int) and 0 < b < 1_000_000]
        return min(usable) if usable else FALLBACK_MAX_POSITIONS

    def _require_tokens(self, tokens: Sequence[str]) -> None:
        unk = self.tokenizer.unk_token_id
        for token in tokens:
            if self.tokenizer.convert_tokens_to_ids(token) in (None, unk):
                raise TranslationError(
                    f"The model in {self.spec.path} does not know the language token "
                    f"{token!r}. Check the language codes in the model catalog."
                )

    def _set_languages(self) -> None:
        spec = self.spec
        if not spec.source_code or not spec.target_code:
            raise TranslationError(
                f"The {spec.family} model in {spec.path} needs source and target language "
                "codes. Add them to the model catalog entry."
            )
        source = language_token(spec, spec.source_code)
        self.target_token = language_token(spec, spec.target_code)
        self._require_tokens([source, self.target_token])
        # M2M100Tokenizer.src_lang takes "fi"; NllbTokenizer takes "fin_Latn".
        self.tokenizer.src_lang = source.strip("_") if spec.family == "m2m100" else source
        self.target_token_id = int(self.tokenizer.convert_tokens_to_ids(self.target_token))

    def prepare(self, segment: str) -> str:
        """The source text the tokenizer sees (with the opus-mt ``>>xxx<<`` prefix)."""
        if self.spec.family == "marian" and self.spec.target_prefix:
            return f"{self.spec.target_prefix.strip()} {segment}"
        return segment

    def encode(self, segments: Sequence[str]) -> list[list[int]]:
        """Source token ids with special tokens, cut to the model's longest input."""
        texts = [self.prepare(segment) for segment in segments]
        encoded = self.tokenizer(texts, truncation=True, max_length=self.max_positions)
        return [list(ids) for ids in encoded["input_ids"]]

    def max_new_tokens(self, inputs: Sequence[Sequence[int]]) -> int:
        """Generated-token bound for one batch: ``ratio * longest input + 10``, capped."""
        longest = max((len(ids) for ids in inputs), default=0)
        bound = int(self.max_length_ratio * longest) + EXTRA_OUTPUT_TOKENS
        return max(1, min(bound, self.max_positions - 1))

    def finish(self, generated: Sequence[int]) -> BackendOutput:
        """Text and target-token count from generated ids (language token, EOS excluded)."""
        kept = [i for i in generated if i not in self.skip_ids and 0 <= i < self.vocab_limit]
        text = self.tokenizer.decode(kept, skip_special_tokens=True).strip()
        return BackendOutput(text=text, tokens_out=len(kept))


def translate_nonempty(
    segments: Sequence[str],
    run: Callable[[list[str]], list[list[int]]],
    finish: Callable[[Sequence[int]], BackendOutput],
) -> list[BackendOutput]:
    """Translate the non-blank segments with ``run`` and give blank ones empty output."""
    results = [BackendOutput(text="", tokens_out=0) for _ in segments]
    todo = [i for i, segment in enumerate(segments) if segment.strip()]
    if todo:
        for index, ids in zip(todo, run([segments[i] for i in todo]), strict=True):
            results[index] = finish(ids)
    return results
