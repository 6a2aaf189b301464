"""The model catalog: Whisper models, translation models and hardware defaults.

All of it is data in ``catalog.toml``; this module gives it types. The translation routes
are read by :class:`models.translation_routes.TranslationCatalog` from the same file.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from models.translation_routes import (
    CATALOG_FILE,
    QualityFigure,
    TranslationCatalog,
    catalog_path,
    parse_quality,
)
from models.voices import SpeechFallbacks, VoiceModel, parse_voices
from models.whisper import ModelError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WhisperModel:
    """A speech-recognition model in faster-whisper (CTranslate2) format."""

    id: str
    repo: str
    licence: str
    size_mb: int
    revision: str = "main"
    note: str = ""
    #: Languages it is meant for; empty means multilingual.
    languages: tuple[str, ...] = ()
    non_commercial: bool = False
    quality: tuple[QualityFigure, ...] = ()

    @property
    def store_id(self) -> str:
        """The name under which the store keeps it (``whisper-<id>``)."""
        return f"whisper-{self.id}"


@dataclass(frozen=True)
class Hardware:
    """What the desk PC can run: CPU cores and whether a CUDA GPU is usable."""

    cpu_cores: int
    cuda_devices: int = 0

    @property
    def has_gpu(self) -> bool:
        return self.cuda_devices > 0

    @classmethod
    def detect(cls) -> Hardware:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        cuda = 0
        try:
            import ctranslate2

            cuda = ctranslate2.get_cuda_device_count()
        except Exception as exc:  # a broken CUDA install must not stop a CPU desk
            logger.info("no usable CUDA device: %s", exc)
        return cls(cpu_cores=cores or os.cpu_count() or 1, cuda_devices=cuda)

    def describe(self) -> str:
        gpu = f", {self.cuda_devices} CUDA GPU(s)" if self.has_gpu else ", no GPU"
        return f"{self.cpu_cores} CPU cores{gpu}"


@dataclass(frozen=True)
class HardwareDefaults:
    """The catalog's recommendation for one class of machine."""

    name: str
    whisper: str
    avoid_tier: str
    note: str
    max_cores: int = 0


@dataclass(frozen=True)
class ModelCatalog:
    whisper: dict[str, WhisperModel]
    translation: TranslationCatalog
    defaults: tuple[HardwareDefaults, ...]
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    origin: str = CATALOG_FILE
    #: Neural voices for speech output, and the voices that need no download.
    voices: dict[str, VoiceModel] = field(default_factory=dict)
    speech: SpeechFallbacks = field(default_factory=SpeechFallbacks)

    @classmethod
    def load(cls, path: Path | None = None) -> ModelCatalog:
        """The catalog file at ``path``, else ``INTERPRETER_CATALOG``'s, else the packaged one."""
        path = path or catalog_path()
        origin = str(path) if path else CATALOG_FILE
        try:
            if path is None:
                text = resources.files("models").joinpath(CATALOG_FILE).read_text("utf-8")
            else:
                text = Path(path).read_text("utf-8")
            data = tomllib.loads(text)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ModelError(
                f"Cannot read the model catalog {origin}: {exc}. Restore the file from the "
                "release, or fix the line named."
            ) from exc
        return cls.from_data(data, origin)

    @classmethod
    def from_data(cls, data: dict, origin: str = CATALOG_FILE) -> ModelCatalog:
        try:
            whisper = {
                model_id: WhisperModel(
                    id=model_id,
                    repo=entry["repo"],
                    licence=entry["licence"],
                    size_mb=int(entry.get("size_mb", 0)),
                    revision=entry.get("revision", "main"),
                    note=entry.get("note", ""),
                    languages=tuple(entry.get("languages", ())),
                    non_commercial=bool(entry.get("non_commercial", False)),
                    quality=parse_quality(entry.get("quality", [])),
                )
                for model_id, entry in data.get("whisper", {}).items()
            }
            defaults = tuple(
                HardwareDefaults(
                    name=name,
                    whisper=entry["whisper"],
                    avoid_tier=entry.get("avoid_tier", ""),
                    note=entry.get("note", ""),
                    max_cores=int(entry.get("max_cores", 0)),
                )
                for name, entry in data.get("defaults", {}).items()
            )
            files = {family: tuple(p) for family, p in data.get("files", {}).items()}
            voices, speech = parse_voices(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"The model catalog {origin} is invalid: {exc!r}.") from exc
        unknown = [d.whisper for d in defaults if d.whisper not in whisper]
        if unknown:
            raise ModelError(f"The model catalog {origin} recommends unknown models: {unknown}.")
        translation = TranslationCatalog(data, origin)
        return cls(whisper, translation, defaults, files, origin, voices, speech)

    def defaults_for(self, hardware: Hardware) -> HardwareDefaults:
        """The recommendation for ``hardware``: the GPU entry on a GPU, else by cores."""
        by_name = {d.name: d for d in self.defaults}
        if hardware.has_gpu and "gpu" in by_name:
            return by_name["gpu"]
        cpu = sorted((d for d in self.defaults if d.max_cores), key=lambda d: d.max_cores)
        for entry in cpu:
            if hardware.cpu_cores <= entry.max_cores:
                return entry
        if cpu:
            return cpu[-1]
        raise ModelError(f"The model catalog {self.origin} has no hardware defaults.")

    def whisper_model(self, name: str) -> WhisperModel:
        """A Whisper model by id, also as ``whisper-<id>``."""
        model = self.whisper.get(name.removeprefix("whisper-"))
        if model is None:
            raise ModelError(
                f"The catalog has no Whisper model {name!r}; known: {', '.join(self.whisper)}."
            )
        return model

    def files_for(self, kind: str, family: str = "") -> tuple[str, ...]:
        """Glob patterns of the files to fetch (empty: the whole repository)."""
        return self.files.get("whisper" if kind == "whisper" else family, ())
