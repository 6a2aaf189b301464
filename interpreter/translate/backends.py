"""Translation backends: transformers (PyTorch) and CTranslate2, and the choice between them.

Both backends share one tokenizer through :class:`~interpreter.translate.loading.TextCodec`
(the project's own, on sentencepiece and tokenizers), so for the same model and greedy
search they produce the same token ids and text. ctranslate2 is imported when a backend is
created; torch and transformers, an optional install (``desk-interpreter[convert]``), only
when the transformers backend is created or a model converted.
"""

from __future__ import annotations

import copy
import inspect
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from interpreter.translate.base import (
    BackendOutput,
    ModelSpec,
    TranslationBackend,
    TranslationError,
)
from interpreter.translate.loading import (
    TextCodec,
    check_model_folder,
    corrupt_model_error,
    translate_nonempty,
)
from models.conversion import require_conversion_tools
from models.vmap import has_vocabulary_map

logger = logging.getLogger(__name__)

#: Default bound on generated tokens relative to the longest input of a batch.
DEFAULT_MAX_LENGTH_RATIO = 2.0
#: Files CTranslate2 needs in a converted model folder.
CT2_MODEL_FILE = "model.bin"
#: Most CTranslate2 intra-op threads chosen when none are asked for (its own default).
MAX_DEFAULT_THREADS = 4


def default_threads() -> int:
    """CTranslate2's default of 4 threads, but no more than the CPUs this process may use:
    4 OpenMP threads on a 2-core desk PC wait on each other and on Whisper."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_THREADS, available))


class TransformersBackend:
    """Translates with a PyTorch seq2seq model through ``transformers``.

    ``beam_size`` 1 is greedy search. ``threads`` > 0 sets torch's (process-wide) number of
    CPU threads. ``device`` is ``"cpu"``, ``"cuda"`` or ``"auto"``.
    """

    name = "transformers"

    def __init__(
        self,
        spec: ModelSpec,
        beam_size: int = 1,
        max_length_ratio: float = DEFAULT_MAX_LENGTH_RATIO,
        threads: int = 0,
        device: str = "cpu",
    ) -> None:
        check_model_folder(spec)
        converted = spec.ct2_path is not None and (Path(spec.ct2_path) / CT2_MODEL_FILE).is_file()
        require_conversion_tools(
            f"Running the translation model in {spec.path} on transformers"
            + ("" if converted else " (it has no CTranslate2 copy)")
        )
        import torch
        from transformers import AutoModelForSeq2SeqLM

        if threads > 0:
            torch.set_num_threads(threads)
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.spec = spec
        self.beam_size = beam_size
        self.device = device
        self.codec = TextCodec(spec, max_length_ratio)
        try:
            model = AutoModelForSeq2SeqLM.from_pretrained(str(spec.path), local_files_only=True)
        except Exception as exc:  # damaged weights raise OSError, ValueError, RuntimeError...
            raise corrupt_model_error(spec.path, exc) from exc
        self.model: Any = model.to(device).eval()
        self._search_settings()
        logger.info("loaded %s model %s with transformers on %s", spec.family, spec.path, device)

    def _search_settings(self) -> None:
        """Make the model's generation settings match CTranslate2's search.

        ``generate`` fills every unset (None) option from ``model.generation_config``, so a
        hub setting such as Marian's ``forced_eos_token_id`` can only be removed there.
        """
        config = copy.deepcopy(self.model.generation_config)
        config.num_beams = self.beam_size
        config.do_sample = False
        config.max_length = None
        config.min_length = 0
        config.min_new_tokens = None
        config.no_repeat_ngram_size = 0
        config.repetition_penalty = 1.0
        config.length_penalty = 1.0
        config.num_return_sequences = 1
        config.forced_eos_token_id = None
        config.forced_bos_token_id = self.codec.target_token_id
        if self.spec.family == "marian":
            # CTranslate2 drops Marian's <pad> (the decoder start) from the vocabulary.
            config.bad_words_ids = [[self.codec.tokenizer.pad_id]]
        self.model.generation_config = config

    def generate_ids(self, segments: Sequence[str]) -> list[list[int]]:
        """Raw generated target ids per segment: forced language token first, no EOS."""
        import torch

        inputs = self.codec.encode(segments)
        pad = self.codec.tokenizer.pad_id
        width = max(len(ids) for ids in inputs)
        input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids in inputs])
        mask = torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids in inputs])
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=mask.to(self.device),
                max_new_tokens=self.codec.max_new_tokens(inputs),
            )
        eos = self.model.generation_config.eos_token_id
        stops = set(eos) if isinstance(eos, list) else {eos}
        results = []
        for row in output.tolist():
            ids = row[1:]  # drop the decoder start token
            end = next((i for i, token in enumerate(ids) if token in stops), len(ids))
            results.append(ids[:end])
        return results

    def translate_batch(self, segments: Sequence[str]) -> list[BackendOutput]:
        """Translate segments; blank ones give empty output without running the model."""
        return translate_nonempty(segments, self.generate_ids, self.codec.finish)


class CTranslate2Backend:
    """Translates with a CTranslate2 conversion (``spec.ct2_path``) of the model.

    Tokenization uses the tokenizer files in ``spec.path``. ``device`` ``"auto"``
    picks CUDA when available; ``compute_type`` ``"default"`` means int8 on CPU and
    float16 on CUDA. ``threads`` sets CTranslate2's intra-op threads per translation (0:
    :func:`default_threads`); ``inter_threads`` is how many translations may run at once,
    each with its own threads. ``use_vmap`` restricts the output layer to the conversion's
    vocabulary map (:mod:`models.vmap`) when it has one. ``max_batch_size``
    > 0 lets CTranslate2 sort a batch by length and translate it in chunks of that size.
    """

    name = "ctranslate2"

    def __init__(
        self,
        spec: ModelSpec,
        beam_size: int = 1,
        max_length_ratio: float = DEFAULT_MAX_LENGTH_RATIO,
        device: str = "auto",
        compute_type: str = "default",
        threads: int = 0,
        inter_threads: int = 1,
        use_vmap: bool = True,
        max_batch_size: int = 0,
    ) -> None:
        check_model_folder(spec, need_weights=False)
        ct2_path = spec.ct2_path
        if ct2_path is None or not (Path(ct2_path) / CT2_MODEL_FILE).is_file():
            raise TranslationError(
                f"No CTranslate2 conversion of {spec.path} at {ct2_path} (no {CT2_MODEL_FILE}). "
                "Convert the model first or use the transformers backend."
            )
        import ctranslate2

        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if compute_type == "default":
            compute_type = "float16" if device == "cuda" else "int8"
        self.spec = spec
        self.beam_size = beam_size
        self.device = device
        self.compute_type = compute_type
        self.codec = TextCodec(spec, max_length_ratio)
        try:
            self.translator: Any = ctranslate2.Translator(
                str(ct2_path),
                device=device,
                compute_type=compute_type,
                intra_threads=threads or default_threads(),
                inter_threads=inter_threads,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise corrupt_model_error(Path(ct2_path), exc) from exc
        self.use_vmap = use_vmap and has_vocabulary_map(Path(ct2_path))
        if use_vmap and not self.use_vmap:
            logger.info("%s has no vocabulary map: the full output layer is used", ct2_path)
        self.max_batch_size = max_batch_size
        self._token_ids = TargetIds(
            ct2_target_tokens(Path(ct2_path)), self.codec.tokenizer.target_vocab
        )
        self._unk = self.codec.tokenizer.unk_id
        logger.info(
            "loaded %s model %s with CTranslate2 on %s (%s, vocabulary map %s)",
            spec.family,
            ct2_path,
            device,
            compute_type,
            "on" if self.use_vmap else "off",
        )

    def search_options(self) -> dict[str, Any]:
        """The options of every ``translate_batch`` call, besides the length bound."""
        return {
            "beam_size": self.beam_size,
            "use_vmap": self.use_vmap,
            "max_batch_size": self.max_batch_size,
            "max_input_length": 0,  # already cut by the tokenizer
            "return_scores": False,
        }

    @property
    def stoppable(self) -> bool:
        """Whether :meth:`translate_batch` takes ``stop``: CTranslate2 asks a callback
        after every token of greedy search only."""
        return self.beam_size == 1

    def generate_ids(
        self, segments: Sequence[str], stop: Callable[[], bool] | None = None
    ) -> list[list[int]]:
        """Raw generated target ids per segment: forced language token first, no EOS.

        ``stop`` (greedy search only) is asked after every generated token; True ends
        the decoding early, leaving a partial result for the caller to discard."""
        inputs = self.codec.encode(segments)
        source = [self.codec.tokenizer.tokens(ids) for ids in inputs]
        options = self.search_options()
        if stop is not None and self.stoppable:
            options["callback"] = lambda _step: stop()
        prefix = None
        if self.codec.target_token is not None:
            prefix = [[self.codec.target_token] for _ in source]
        results = self.translator.translate_batch(
            source,
            target_prefix=prefix,
            max_decoding_length=self.codec.max_new_tokens(inputs),
            **options,
        )
        return [[self._token_ids.get(t, self._unk) for t in r.hypotheses[0]] for r in results]

    def translate_batch(
        self, segments: Sequence[str], stop: Callable[[], bool] | None = None
    ) -> list[BackendOutput]:
        """Translate segments; blank ones give empty output without running the model."""
        return translate_nonempty(
            segments, lambda todo: self.generate_ids(todo, stop), self.codec.finish
        )


def ct2_target_tokens(folder: Path) -> list[str]:
    """The target tokens of a CTranslate2 conversion, by model id, from its vocabulary file.

    These ids equal the transformers model's ids, including tokens the tokenizer does not
    know (M2M100's ``madeupword`` padding), so both backends report the same raw ids.
    """
    for name in ("target_vocabulary", "shared_vocabulary"):
        if (folder / f"{name}.json").is_file():
            tokens = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
            return [str(token) for token in tokens]
        if (folder / f"{name}.txt").is_file():
            return (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    raise TranslationError(
        f"The CTranslate2 model in {folder} has no vocabulary file. Convert the model again."
    )


class TargetIds:
    """Target token -> model id (the first id where a token is listed twice).

    A vocabulary of 60,000 tokens takes about 9 MB as a Python table, and the tokenizer
    already holds one with (nearly) the same ids: that table is used, and only the tokens
    whose id differs from it (M2M100's language and padding tokens) are kept here.
    """

    def __init__(self, tokens: Sequence[str], known: Mapping[str, int]) -> None:
        self._known = known
        self._own: dict[str, int] = {}
        # A table that lists its tokens by id (PieceVocabulary) answers the common case,
        # ``known`` giving this very index, without a lookup by token.
        tokens_upto = getattr(known, "tokens_upto", None)
        listed = tokens_upto(len(tokens)) if tokens_upto is not None else []
        for index, token in enumerate(tokens):
            if token in self._own or (index < len(listed) and listed[index] == token):
                continue
            first = known.get(token)
            # ``known`` is right for a token whose id there is where the token is first
            # listed: at this index, or at an earlier one (this is a later duplicate).
            if first is not None and 0 <= first <= index and tokens[first] == token:
                continue
            self._own[token] = index

    def get(self, token: str, default: int) -> int:
        own = self._own.get(token)
        return own if own is not None else self._known.get(token, default)


#: Backend classes by name, in the order tried when the preferred one is not possible.
BACKENDS: dict[str, type[TransformersBackend] | type[CTranslate2Backend]] = {
    "ctranslate2": CTranslate2Backend,
    "transformers": TransformersBackend,
}


def load_backend(
    spec: ModelSpec, prefer: str = "ctranslate2", **options: Any
) -> TranslationBackend:
    """Load CTranslate2 when preferred and ``spec.ct2_path`` is converted, else transformers.

    ``options`` are passed to the chosen backend; those it does not take (for example
    ``compute_type`` for transformers) are dropped.
    """
    if prefer not in BACKENDS:
        raise TranslationError(
            f"Unknown translation backend {prefer!r}; use one of {', '.join(BACKENDS)}."
        )
    converted = spec.ct2_path is not None and (Path(spec.ct2_path) / CT2_MODEL_FILE).is_file()
    name = "ctranslate2" if prefer == "ctranslate2" and converted else "transformers"
    backend_class = BACKENDS[name]
    accepted = inspect.signature(backend_class).parameters
    dropped = sorted(set(options) - set(accepted))
    if dropped:
        logger.debug("%s backend ignores options %s", name, dropped)
    return backend_class(spec, **{k: v for k, v in options.items() if k in accepted})
