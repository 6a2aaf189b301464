"""Neural voices: Piper-style VITS models run in process on onnxruntime (MIT).

A voice folder holds ``<name>.onnx`` and ``<name>.onnx.json`` (and usually ``MODEL_CARD``),
as published in the Piper voice collection. The model reads phoneme ids; the phonemes come
from espeak-ng run as a separate program (``--ipa``), so no GPL code is linked into the
app (the ``piper-tts`` package would link espeak-ng, and is GPL itself). Loading takes a
second or two: callers load a voice off the UI thread, once.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interpreter.speech.engines import SpeechError, Synthesis, espeak_program

logger = logging.getLogger(__name__)

_BOS, _EOS, _PAD = "^", "$", "_"
_LICENCE_LINE = re.compile(r"^\s*\*?\s*licen[cs]e\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_ESPEAK_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class VoiceFiles:
    """The files of one voice folder and what its config says."""

    folder: Path
    model: Path
    config: dict
    licence: str

    @property
    def rate(self) -> int:
        return int(self.config["audio"]["sample_rate"])

    @property
    def espeak_voice(self) -> str:
        return str(self.config["espeak"]["voice"])


def licence_from_card(folder: Path) -> str:
    """The licence line of the voice's ``MODEL_CARD`` ('' when there is none)."""
    card = folder / "MODEL_CARD"
    try:
        match = _LICENCE_LINE.search(card.read_text("utf-8", errors="replace"))
    except OSError:
        return ""
    return match.group(1).strip() if match else ""


def find_voice_files(folder: Path) -> VoiceFiles:
    """Check a voice folder; a clear error names the folder and what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SpeechError(
            f"Voice folder {folder} does not exist: install the voice "
            "(interpreter models install voice-XX) or give another folder."
        )
    models = sorted(folder.rglob("*.onnx"))  # hub installs keep the repository's folders
    if len(models) != 1:
        raise SpeechError(
            f"Voice folder {folder} should hold one Piper voice (.onnx), found {len(models)}: "
            "install the voice again (interpreter models install voice-XX)."
        )
    config_path = models[0].with_name(models[0].name + ".json")
    try:
        config = json.loads(config_path.read_text("utf-8"))
        config["audio"]["sample_rate"], config["espeak"]["voice"], config["phoneme_id_map"]
    except FileNotFoundError as exc:
        raise SpeechError(
            f"Voice {models[0]} has no {config_path.name} beside it: the voice is incomplete; "
            "install it again."
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpeechError(
            f"The voice config {config_path} is not a Piper voice config ({exc!r}): install "
            "the voice again."
        ) from exc
    if config.get("phoneme_type", "espeak") != "espeak":
        raise SpeechError(
            f"Voice {models[0].name} uses {config['phoneme_type']!r} phonemes; only "
            "espeak-phoneme Piper voices are supported."
        )
    return VoiceFiles(folder, models[0], config, licence_from_card(models[0].parent))


class PiperEngine:
    """A Piper VITS voice on onnxruntime, phonemes from espeak-ng (a separate program)."""

    name = "neural (Piper)"

    def __init__(self, folder: Path, lang: str, threads: int = 0, licence: str = "") -> None:
        self.files = find_voice_files(folder)
        self.lang = lang
        voice = self.files.licence or "see its MODEL_CARD"
        self.licence = licence or f"voice: {voice}; onnxruntime: MIT"
        program = espeak_program()
        if program is None:
            raise SpeechError(
                "Neural voices need espeak-ng for their phonemes: apt-get install espeak-ng."
            )
        self._espeak = program
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self._session = onnxruntime.InferenceSession(
                str(self.files.model), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own types for bad files
            raise SpeechError(
                f"Cannot load the voice {self.files.model} ({type(exc).__name__}: "
                f"{str(exc)[:200]}): the file is damaged or not a voice; install it again."
            ) from exc
        self._ids = self.files.config["phoneme_id_map"]
        inference = self.files.config.get("inference", {})
        self._scales = np.array(
            [
                inference.get("noise_scale", 0.667),
                inference.get("length_scale", 1.0),
                inference.get("noise_w", 0.8),
            ],
            dtype=np.float32,
        )

    def phonemes(self, text: str) -> str:
        """espeak-ng's IPA for ``text``: its clauses joined by commas, the end mark kept."""
        try:
            done = subprocess.run(
                [self._espeak, "-q", "-b", "1", "-v", self.files.espeak_voice, "--ipa"],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=_ESPEAK_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechError(f"espeak-ng could not phonemize for the voice: {exc}.") from exc
        clauses = [line.strip() for line in done.stdout.decode("utf-8").splitlines()]
        phonemes = ", ".join(clause for clause in clauses if clause)
        end = text.rstrip()[-1:]
        return phonemes + (end if end in ".!?" else ".")

    def phoneme_ids(self, phonemes: str) -> list[int]:
        ids = list(self._ids[_BOS]) + list(self._ids[_PAD])
        for symbol in phonemes:
            if symbol in self._ids:  # symbols the voice was not trained on are skipped
                ids += self._ids[symbol] + self._ids[_PAD]
        return ids + list(self._ids[_EOS])

    def synthesize(self, text: str) -> Synthesis:
        ids = self.phoneme_ids(self.phonemes(text))
        inputs = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": self._scales,
        }
        if any(i.name == "sid" for i in self._session.get_inputs()):
            inputs["sid"] = np.array([0], dtype=np.int64)  # multi-speaker voices: the first
        audio = self._session.run(None, inputs)[0].reshape(-1).astype(np.float32)
        peak = float(np.abs(audio).max()) if audio.size else 0.0
        if peak > 1.0:
            audio /= peak
        return Synthesis(audio, self.files.rate)
