"""Speech engines that run as separate programs: espeak-ng and Festival.

Both are GPL-compatible free software the app never links to: it starts them, hands them
text and reads a wav file back, which keeps the app itself MIT. Each call synthesises one
sentence; a missing program or voice is a :class:`SpeechError` naming the fix.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import wave
from dataclasses import dataclass
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

#: Festival reads Latin-1 only.
FESTIVAL_ENCODING = "latin-1"
_TIMEOUT_SECONDS = 30.0


class SpeechError(Exception):
    """A user-facing speech problem: the message names the engine or voice and the fix."""


@dataclass(frozen=True)
class Synthesis:
    """Mono float32 samples in [-1, 1] at ``rate`` Hz."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0


class SpeechEngine(Protocol):
    """Turns one sentence into samples. ``name`` is shown to the staff (``espeak-ng``)."""

    name: str
    lang: str
    #: Licence of the engine and voice, as listed in docs/models.md.
    licence: str

    def synthesize(self, text: str) -> Synthesis: ...


def read_wav(data: bytes, origin: str) -> Synthesis:
    """Samples of a 16-bit PCM wav file held in memory."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechError(f"{origin} returned no readable wav audio ({exc}).") from exc
    if width != 2:
        raise SpeechError(f"{origin} returned {8 * width}-bit audio; 16-bit PCM was expected.")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return Synthesis(samples, rate)


def write_wav(path, synthesis: Synthesis) -> None:
    """Write ``synthesis`` as a 16-bit mono wav file."""
    pcm = (np.clip(synthesis.samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(synthesis.rate)
        wav.writeframes(pcm.tobytes())


def _run(command: list[str], stdin: bytes, origin: str) -> bytes:
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=_TIMEOUT_SECONDS)
    except FileNotFoundError as exc:
        raise SpeechError(f"{origin} is not installed: {exc}.") from exc
    except subprocess.TimeoutExpired as exc:
        raise SpeechError(f"{origin} did not finish within {_TIMEOUT_SECONDS:g} s.") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SpeechError(f"{origin} failed: {message[-1] if message else done.returncode}.")
    return done.stdout


def espeak_program() -> str | None:
    return shutil.which("espeak-ng")


class EspeakEngine:
    """espeak-ng (GPL-3.0, run as a separate program): every client language but Somali."""

    name = "espeak-ng"
    licence = "GPL-3.0-or-later (separate program)"

    def __init__(self, lang: str, voice: str, rate_wpm: int = 165) -> None:
        program = espeak_program()
        if program is None:
            raise SpeechError(
                "espeak-ng is not installed: apt-get install espeak-ng (scripts/setup.sh)."
            )
        self.lang, self.voice, self._program, self._wpm = lang, voice, program, rate_wpm

    def synthesize(self, text: str) -> Synthesis:
        # Text on stdin (-b 1: UTF-8), never as an argument: it may start with a dash.
        command = [self._program, "-v", self.voice, "-s", str(self._wpm), "-b", "1", "--stdout"]
        data = _run(command, text.encode("utf-8"), f"espeak-ng ({self.voice})")
        return read_wav(data, f"espeak-ng ({self.voice})")


def festival_program() -> str | None:
    return shutil.which("text2wave")


class FestivalEngine:
    """Festival (X11-style free licence) with the Suopuhe Finnish voices (LGPL-2.1+),
    run as a separate program (``text2wave``)."""

    name = "Festival"
    licence = "Festival: free (X11-style); Suopuhe voices: LGPL-2.1-or-later (separate program)"

    def __init__(self, lang: str, voice: str) -> None:
        program = festival_program()
        if program is None:
            raise SpeechError(
                "Festival is not installed: apt-get install festival festvox-suopuhe-lj."
            )
        self.lang, self.voice, self._program = lang, voice, program

    def synthesize(self, text: str) -> Synthesis:
        import tempfile
        from pathlib import Path

        data = text.encode(FESTIVAL_ENCODING, errors="replace")
        origin = f"Festival ({self.voice})"
        # text2wave seeks back to finish the wav header: it needs a file, not a pipe.
        with tempfile.TemporaryDirectory(prefix="desk-festival-") as folder:
            out = Path(folder) / "speech.wav"
            _run([self._program, "-eval", f"(voice_{self.voice})", "-o", str(out)], data, origin)
            try:
                wav = out.read_bytes()
            except OSError as exc:
                raise SpeechError(f"{origin} wrote no audio ({exc}).") from exc
        return read_wav(wav, origin)
