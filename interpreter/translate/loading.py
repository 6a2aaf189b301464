"""Checking model folders and sharing one tokenizer between translation backends.

Both backends (``transformers`` and ``ctranslate2``) tokenize, bound lengths, force the
target language and decode through :class:`TextCodec`, so the same model gives the same
token ids to both engines and the same text back from the same generated ids.

The tokenizers are the project's own (:mod:`interpreter.translate.tokenization`), so
this path never imports transformers or torch; importing this module is cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from interpreter.translate.base import BackendOutput, ModelSpec, TranslationError
from interpreter.translate.tokenization import load_tokenizer, read_json

logger = logging.getLogger(__name__)

#: Model families and the tokenizer files each needs; an inner tuple means "any one of".
TOKENIZER_FILES: dict[str, tuple[tuple[str, ...], ...]] = {
    "marian": (("source.spm",), ("target.spm",), ("vocab.json",)),
    "m2m100": (("sentencepiece.bpe.model",), ("vocab.json",)),
    "nllb": (("tokenizer.json",),),
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
#: Position embeddings of a Marian or M2M100 config.json that names none (transformers' default).
DEFAULT_MAX_POSITION_EMBEDDINGS = 1024
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


def max_positions(folder: Path, tokenizer_bound: int | None) -> int:
    """The longest token sequence the model accepts: its position embeddings
    (``config.json``) or the tokenizer's ``model_max_length``, whichever is smaller."""
    config = read_json(folder / "config.json", {})
    if not isinstance(config, dict):
        raise TranslationError(
            f"{folder / 'config.json'} is not a JSON object: download the model again."
        )
    bounds = [
        config.get("max_position_embeddings", DEFAULT_MAX_POSITION_EMBEDDINGS),
        tokenizer_bound,
    ]
    usable = [
        b for b in bounds if isinstance(b, int) and not isinstance(b, bool) and 0 < b < 1_000_000
    ]
    return min(usable) if usable else FALLBACK_MAX_POSITIONS


class TextCodec:
    """Tokenization, length bounds, forced target language and decoding for one model."""

    def __init__(self, spec: ModelSpec, max_length_ratio: float) -> None:
        check_model_folder(spec, need_weights=False)
        self.spec = spec
        self.max_length_ratio = max_length_ratio
        self.tokenizer = load_tokenizer(spec.path, spec.family)
        self.max_positions = max_positions(spec.path, self.tokenizer.model_max_length)
        self.source_token: str | None = None
        self.target_token: str | None = None
        self.target_token_id: int | None = None
        if spec.family in ("m2m100", "nllb"):
            self._set_languages()
        elif spec.target_prefix:
            self._require_tokens([spec.target_prefix.strip()])
        self.skip_ids = set(self.tokenizer.special_ids)
        if self.target_token_id is not None:
            self.skip_ids.add(self.target_token_id)
        self.vocab_limit = len(self.tokenizer)

    def _require_tokens(self, tokens: Sequence[str]) -> None:
        for token in tokens:
            if not self.tokenizer.knows(token):
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
        self.source_token = language_token(spec, spec.source_code)
        self.target_token = language_token(spec, spec.target_code)
        self._require_tokens([self.source_token, self.target_token])
        self.target_token_id = self.tokenizer.token_id(self.target_token)

    def prepare(self, segment: str) -> str:
        """The source text the tokenizer sees (with the opus-mt ``>>xxx<<`` prefix)."""
        if self.spec.family == "marian" and self.spec.target_prefix:
            return f"{self.spec.target_prefix.strip()} {segment}"
        return segment

    def encode(self, segments: Sequence[str]) -> list[list[int]]:
        """Source token ids with special tokens, cut to the model's longest input."""
        return [
            self.tokenizer.encode(self.prepare(segment), self.max_positions, self.source_token)
            for segment in segments
        ]

    def max_new_tokens(self, inputs: Sequence[Sequence[int]]) -> int:
        """Generated-token bound for one batch: ``ratio * longest input + 10``, capped."""
        longest = max((len(ids) for ids in inputs), default=0)
        bound = int(self.max_length_ratio * longest) + EXTRA_OUTPUT_TOKENS
        return max(1, min(bound, self.max_positions - 1))

    def finish(self, generated: Sequence[int]) -> BackendOutput:
        """Text and target-token count from generated ids (language token, EOS excluded)."""
        kept = [i for i in generated if i not in self.skip_ids and 0 <= i < self.vocab_limit]
        return BackendOutput(text=self.tokenizer.decode(kept).strip(), tokens_out=len(kept))


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
