"""``interpreter say`` and ``interpreter listen --speak``, run as a user runs them."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from asr_helpers import offline_transcripts, wer
from cli_helpers import run_cli
from pulse import PulseServer, pulse_server  # noqa: F401  (the fixture)
from trained_marian import trained_marian_fi_en  # noqa: F401  (fixture)

from interpreter.speech.engines import read_wav, write_wav
from interpreter.textnorm import normalise_for_wer

SPOKEN = "Please sign the form here and bring it back tomorrow morning."

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng")


class Recorder:
    """Records the pulse microphone (the null sink's monitor) on a thread."""

    def __init__(self) -> None:
        import sounddevice

        from interpreter.audio.microphone import MicrophoneSource

        self.mic = MicrophoneSource("pulse", sounddevice=sounddevice)
        self.blocks: list[np.ndarray] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Recorder:
        self.mic.start()
        assert self.mic.wait_for_audio(10.0)
        self._thread.start()
        return self

    def _run(self) -> None:
        while (block := self.mic.read(0.1)) is not None:
            self.blocks.append(block)

    def __exit__(self, *exc) -> None:
        self.mic.stop()
        self._thread.join(10.0)

    def audio(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, np.float32)


@needs_espeak
def test_say_writes_a_wav_sentence_by_sentence(tmp_path: Path):
    out = tmp_path / "say.wav"
    result = run_cli("say", "--lang", "fi", "--engine", "espeak", "--out", str(out), "Hei. Kiitos!")
    assert result.returncode == 0, result.stderr
    assert "espeak-ng" in result.stderr and "GPL" in result.stderr
    synthesis = read_wav(out.read_bytes(), str(out))
    one = run_cli(
        "say", "--lang", "fi", "--engine", "espeak", "--out", str(tmp_path / "1.wav"), "Hei."
    )
    single = read_wav((tmp_path / "1.wav").read_bytes(), "1.wav")
    assert synthesis.rate == single.rate == 22050 and one.returncode == 0
    assert synthesis.seconds > single.seconds + 0.3  # both sentences, with a pause between


def test_say_names_a_language_without_a_voice_and_a_missing_device(tmp_path: Path):
    result = run_cli("say", "--lang", "so", "Salaan.")
    assert result.returncode == 2
    assert "No voice speaks language 'so'" in result.stderr and "unavailable" in result.stderr
    missing = run_cli(
        "say", "--lang", "en", "--engine", "espeak", "--output-device", "nowhere", "Hi"
    )
    assert missing.returncode == 2 and "No output device matches 'nowhere'" in missing.stderr
    voice = run_cli("say", "--lang", "en", "--voice", str(tmp_path), "--out", "x.wav", "Hi")
    assert voice.returncode == 2 and "should hold one Piper voice" in voice.stderr


@needs_espeak
def test_say_plays_on_the_output_device(
    pulse_server: PulseServer,  # noqa: F811
    whisper_base_dir: Path,
    tmp_path: Path,
):
    with Recorder() as recorder:
        result = run_cli(
            "say",
            "--lang",
            "en",
            "--engine",
            "espeak",
            "--output-device",
            "pulse",
            SPOKEN,
        )
    assert result.returncode == 0, result.stderr
    heard = tmp_path / "heard.wav"
    write_wav(heard, _as_synthesis(recorder.audio()))
    text = offline_transcripts(whisper_base_dir, [(heard, "")], "en")[0]
    # Whisper base hears espeak-ng's "form" as "forum" on some runs: judge by
    # WER, as the other recognition tests do, not by exact words.
    assert wer([SPOKEN], [text]) <= 0.25, text


@needs_espeak
def test_listen_speaks_the_translation_to_the_client(
    pulse_server: PulseServer,  # noqa: F811
    whisper_base_dir: Path,
    trained_marian_fi_en: Path,  # noqa: F811
    finnish_clips,
    tmp_path: Path,
):
    """Finnish speech in, the English translation out of the client's speaker."""
    path, _ = finnish_clips[0]
    with Recorder() as recorder:
        result = run_cli(
            "listen",
            "--replay",
            str(path),
            "--speed",
            "0",
            "--pair",
            "fi-en",
            "--mode",
            "staff",
            "--mt-model",
            f"fi-en={trained_marian_fi_en}",
            "--asr-model",
            str(whisper_base_dir),
            "--speak",
            "client",
            "--engine",
            "espeak",
            "--output-device",
            "pulse",
        )
    assert result.returncode == 0, result.stderr
    assert "-> (en): Good afternoon and welcome" in result.stdout
    heard = tmp_path / "heard.wav"
    write_wav(heard, _as_synthesis(recorder.audio()))
    text = normalise_for_wer(offline_transcripts(whisper_base_dir, [(heard, "")], "en")[0])
    assert {"welcome", "help", "today"} <= set(text.split()), text


def _as_synthesis(samples: np.ndarray):
    from interpreter.speech.engines import Synthesis

    return Synthesis(samples, 16_000)
