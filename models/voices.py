"""Voices for speech output: the catalog's neural voices, their offline packages, and
which voice each language has on this machine.

The catalog (``catalog.toml``, ``[voices.*]`` and ``[speech.*]``) lists Piper-style neural
voices to install, and the voices of the two programs that need no download: Festival
(Finnish) and espeak-ng (every client language but Somali). Installed voices live in
``<models folder>/voices/<id>/`` with a manifest, like every other model.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from models.store import MANIFEST_NAME, InstalledModel, ModelStore, read_manifest, write_manifest
from models.whisper import ModelError

logger = logging.getLogger(__name__)

VOICE_PREFIX = "voice-"
#: Where Festival keeps its voices on Debian and in a source install.
FESTIVAL_VOICE_ROOTS = (
    Path("/usr/share/festival/voices"),
    Path("/usr/local/share/festival/voices"),
)


@dataclass(frozen=True)
class VoiceModel:
    """A neural voice in the catalog."""

    id: str
    lang: str
    repo: str
    files: tuple[str, ...]
    licence: str
    revision: str = "main"
    size_mb: int = 0
    note: str = ""
    #: The licence has not been checked for this catalog: read the MODEL_CARD first.
    licence_review: bool = False
    #: An importable package that bundles the voice's files in its ``data`` folder.
    offline_package: str = ""


@dataclass(frozen=True)
class SpeechFallbacks:
    """Voices of the programs that need no download, by language."""

    espeak: dict[str, str] = field(default_factory=dict)
    festival: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_voices(data: dict) -> tuple[dict[str, VoiceModel], SpeechFallbacks]:
    """The ``[voices.*]`` and ``[speech.*]`` tables of a catalog (KeyError/TypeError when bad)."""
    voices = {
        voice_id: VoiceModel(
            id=voice_id,
            lang=entry["lang"],
            repo=entry["repo"],
            files=tuple(entry["files"]),
            licence=entry["licence"],
            revision=entry.get("revision", "main"),
            size_mb=int(entry.get("size_mb", 0)),
            note=entry.get("note", ""),
            licence_review=bool(entry.get("licence_review", False)),
            offline_package=entry.get("offline_package", ""),
        )
        for voice_id, entry in data.get("voices", {}).items()
    }
    speech = data.get("speech", {})
    fallbacks = SpeechFallbacks(
        espeak={lang: str(voice) for lang, voice in speech.get("espeak", {}).items()},
        festival={lang: tuple(v) for lang, v in speech.get("festival", {}).items()},
    )
    return voices, fallbacks


def voice_for_lang(voices: dict[str, VoiceModel], lang: str) -> VoiceModel | None:
    """The catalog's neural voice for ``lang`` (the first listed)."""
    return next((voice for voice in voices.values() if voice.lang == lang), None)


def offline_voice_dir(voice: VoiceModel) -> Path | None:
    """The folder of the voice's offline package, when that package is installed."""
    if not voice.offline_package:
        return None
    spec = importlib.util.find_spec(voice.offline_package)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "data"
    return folder if any(folder.glob("*.onnx")) else None


def install_offline_voice(store: ModelStore, voice: VoiceModel) -> InstalledModel:
    """Copy the voice from its offline package into the store, with a manifest."""
    source = offline_voice_dir(voice)
    if source is None:
        raise ModelError(
            f"The offline package of {voice.id} ({voice.offline_package}) is not installed."
        )
    target = store.folder_for("voice", voice.id)
    staging = target.parent / f".{target.name}.partial"
    try:
        if staging.exists():
            shutil.rmtree(staging)
        shutil.copytree(source, staging)
        write_manifest(staging, voice.id, "voice", "offline-package", voice.offline_package)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except OSError as exc:
        raise ModelError(
            f"Could not install {voice.id} into {target.parent}: {exc.strerror or exc}. Free "
            "space or set INTERPRETER_MODELS_DIR to another folder."
        ) from exc
    logger.info("installed %s from the package %s", voice.id, voice.offline_package)
    return InstalledModel(target, read_manifest(target))


def installed_voice_folder(store: ModelStore, voice_id: str) -> Path | None:
    folder = store.folder_for("voice", voice_id)
    return folder if (folder / MANIFEST_NAME).is_file() else None


def festival_voice(fallbacks: SpeechFallbacks, lang: str) -> str | None:
    """The first of the catalog's Festival voices for ``lang`` installed here."""
    if shutil.which("text2wave") is None:
        return None
    for voice in fallbacks.festival.get(lang, ()):
        for root in FESTIVAL_VOICE_ROOTS:
            if root.is_dir() and any(root.glob(f"*/{voice}")):
                return voice
    return None


def espeak_voice(fallbacks: SpeechFallbacks, lang: str) -> str | None:
    """espeak-ng's voice for ``lang`` when espeak-ng is installed here."""
    if shutil.which("espeak-ng") is None:
        return None
    return fallbacks.espeak.get(lang)


@dataclass(frozen=True)
class VoiceStatus:
    """What speaks ``lang`` on this machine, best first."""

    lang: str
    neural: VoiceModel | None
    neural_folder: Path | None
    #: "installed" (in the models folder) or "offline package" (usable, not yet copied).
    neural_source: str
    festival: str | None
    espeak: str | None

    @property
    def available(self) -> bool:
        return bool(self.neural_folder or self.festival or self.espeak)

    @property
    def best(self) -> str:
        """``neural``, ``festival``, ``espeak`` or '' (no voice)."""
        if self.neural_folder:
            return "neural"
        if self.festival:
            return "festival"
        return "espeak" if self.espeak else ""

    def describe(self) -> str:
        """One line for ``models list --pair``."""
        engines = []
        if self.neural_folder and self.neural:
            engines.append(f"neural voice {self.neural.id} ({self.neural_source})")
        if self.festival:
            engines.append(f"Festival ({self.festival})")
        if self.espeak:
            engines.append(f"espeak-ng ({self.espeak})")
        if engines:
            text = "speaks with " + engines[0]
            if len(engines) > 1:
                text += "; also " + ", ".join(engines[1:])
        else:
            text = "NO VOICE: speech output is unavailable for this language"
        if self.neural and not self.neural_folder:
            text += (
                f"; a neural voice can be installed: interpreter models install {self.neural.id}"
            )
        return text


def voice_status(
    lang: str, store: ModelStore, voices: dict[str, VoiceModel], fallbacks: SpeechFallbacks
) -> VoiceStatus:
    neural = voice_for_lang(voices, lang)
    folder = installed_voice_folder(store, neural.id) if neural else None
    source = "installed"
    if neural and folder is None:
        folder = offline_voice_dir(neural)  # usable at once; installing copies it
        source = "offline package"
    return VoiceStatus(
        lang,
        neural,
        folder,
        source,
        festival_voice(fallbacks, lang),
        espeak_voice(fallbacks, lang),
    )
