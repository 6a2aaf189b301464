"""Speech for phrases that have no recording: a configurable text-to-speech command.

Defaults: Festival (``text2wave``, which reads Latin-1) with the Suopuhe voice
``suo_fi_lj_diphone`` for Finnish, espeak-ng for other languages. A custom command is a
template with the placeholders ``{text}``, ``{text_file}``, ``{out}``, ``{voice}`` and
``{lang}``; each is filled in after the template is split into arguments, so text with
spaces stays one argument and nothing goes through a shell. Results are cached by a hash
of command, voice and text, written atomically.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from interpreter.logs import conversation_logger

logger = logging.getLogger(__name__)
#: Transcript or translation text: silent unless the debug option logs it (logs.py).
text_log = conversation_logger(__name__)

FESTIVAL_COMMAND = "text2wave -eval (voice_{voice}) {text_file} -o {out}"
ESPEAK_COMMAND = "espeak-ng -v {voice} -w {out} -f {text_file}"
FINNISH_VOICE = "suo_fi_lj_diphone"
PLACEHOLDERS = ("text", "text_file", "out", "voice", "lang")
TIMEOUT_SECONDS = 120


#: Typographic characters a Latin-1 command cannot read, and what it should read instead
#: (they sound the same; the euro sign is read in the phrase's language).
_LATIN1_SPELLING = {"–": " - ", "—": " - ", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}
_EURO = {"fi": " euroa", "sv": " euro"}


def spoken_form(text: str, lang: str, encoding: str) -> str:
    """``text`` as the speech command should read it in ``encoding``."""
    if encoding.replace("_", "-").lower() not in ("latin-1", "latin1", "iso-8859-1"):
        return text
    text = text.replace("€", _EURO.get(lang, " euros"))
    return text.translate(str.maketrans(_LATIN1_SPELLING))


class TtsError(Exception):
    """Speech could not be synthesized; the message says which command and why."""


@dataclass(frozen=True)
class TtsOptions:
    """``command``: a template for every language (None: the defaults per language);
    ``voices``: a voice per language code; ``encoding`` of ``{text_file}`` (None: Latin-1
    for Festival, UTF-8 otherwise)."""

    command: str | None = None
    voices: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None

    def command_for(self, lang: str) -> str:
        if self.command:
            return self.command
        return FESTIVAL_COMMAND if lang == "fi" else ESPEAK_COMMAND

    def voice_for(self, lang: str) -> str:
        if lang in self.voices:
            return self.voices[lang]
        if lang == "fi" and not self.command:
            return FINNISH_VOICE
        return lang

    def encoding_for(self, lang: str) -> str:
        if self.encoding:
            return self.encoding
        return "latin-1" if self.command_for(lang).split()[0] == "text2wave" else "utf-8"

    def describe(self, lang: str) -> str:
        """The command with its voice, for reports."""
        return self.command_for(lang).replace("{voice}", self.voice_for(lang))


def synthesize(text: str, lang: str, options: TtsOptions, cache_dir: Path) -> Path:
    """A WAV file of ``text`` spoken in ``lang``, from the cache or made now."""
    template = options.command_for(lang)
    voice = options.voice_for(lang)
    encoding = options.encoding_for(lang)
    try:
        encoded = spoken_form(text, lang, encoding).encode(encoding)
    except UnicodeEncodeError as exc:
        raise TtsError(
            f"the speech command reads {encoding}, which cannot hold "
            f"{text[exc.start : exc.end]!r}; record the phrase or give --tts-command"
        ) from exc
    key = hashlib.sha256("\x1f".join((template, voice, encoding, text)).encode()).hexdigest()
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"{lang}-{key[:16]}.wav"
    if cached.is_file():
        return cached
    args = shlex.split(template)
    program = args[0] if args else ""
    if not program or shutil.which(program) is None:
        raise TtsError(
            f"speech command {program or template!r} not found: install it (Festival: "
            "apt install festival festvox-suopuhe-lj; espeak-ng: apt install espeak-ng) "
            "or give another with --tts-command"
        )
    with tempfile.TemporaryDirectory(prefix="phrase-tts-") as tmp:
        text_file = Path(tmp) / "text.txt"
        text_file.write_bytes(encoded)
        out = Path(tmp) / "out.wav"
        values = {"text": text, "text_file": str(text_file), "out": str(out), "voice": voice,
                  "lang": lang}  # fmt: skip
        command = [_fill(arg, values) for arg in args]
        logger.info("synthesising %s speech (%d characters)", lang, len(text))
        text_log.debug("synthesising %s: %s", lang, text)
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TtsError(f"speech command {program} failed: {exc}") from exc
        if done.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip() or "no audio written"
            raise TtsError(
                f"speech command {program} failed (exit {done.returncode}): {detail[-300:]}"
            )
        partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        shutil.copyfile(out, partial)
        os.replace(partial, cached)
    return cached


def _fill(argument: str, values: dict[str, str]) -> str:
    for name in PLACEHOLDERS:
        argument = argument.replace("{" + name + "}", values[name])
    return argument
