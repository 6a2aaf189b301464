"""On CTranslate2 models the desk runs without importing torch or transformers.

Each check runs a real entry point (``interpreter translate``, ``interpreter listen``, the
desk window) in a fresh Python process that reports, when it is done, which of the two
libraries are in ``sys.modules``. The same probe on the transformers backend shows that
it sees them when they are imported. With the two made unimportable, as in an install
without the ``convert`` extra, what needs them fails with one line that names the model
and the install command.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from tiny_models import cached_family
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401

HEAVY = ("torch", "transformers")
#: Runs ``interpreter ARGS`` and reports the heavy libraries it imported on stderr's last
#: line; ``BLOCK=1`` first makes them unimportable.
CLI_PROBE = """
import json, os, sys
if os.environ.get("BLOCK") == "1":
    for name in ("torch", "transformers"):
        sys.modules[name] = None
from interpreter.cli import main
code = main(sys.argv[1:])
loaded = [name for name in ("torch", "transformers") if sys.modules.get(name) is not None]
print("LOADED " + json.dumps(loaded), file=sys.stderr)
# PyAV's code (its import is deferred by main() until first use).
print("PYAV " + json.dumps(any(name.startswith("av.") for name in sys.modules)), file=sys.stderr)
sys.exit(code)
"""
#: Opens the desk on a replay with the given translation models and waits until the models
#: are loaded and it listens (or fails), then reports like CLI_PROBE.
DESK_PROBE = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from models.whisper import ensure_whisper_base
from ui.app import build_desk
from ui.settings import DeskSettings

root, replay, fi_en, en_fi = (Path(arg) for arg in sys.argv[1:])
app = QApplication([])
settings = DeskSettings(QSettings(str(root / "desk.ini"), QSettings.Format.IniFormat))
options = {
    "asr_model": str(ensure_whisper_base(root / "whisper")),
    "replay": replay,
    "mt_models": {("fi", "en"): fi_en, ("en", "fi"): en_fi},
}
desk = build_desk(settings, base_options=options)
desk.show()
outcome = {}
desk.controller.sessionOpened.connect(lambda info: (outcome.update(opened=True), app.quit()))
desk.controller.sessionFailed.connect(lambda message: (outcome.update(error=message), app.quit()))
QTimer.singleShot(0, desk.controller.start)
QTimer.singleShot(240_000, app.quit)
app.exec()
desk.controller.shutdown()
loaded = [name for name in ("torch", "transformers") if name in sys.modules]
print("OUTCOME " + json.dumps(outcome))
print("LOADED " + json.dumps(loaded), file=sys.stderr)
"""


def run_probe(
    probe: str, *args: str, stdin: str | None = None, block: bool = False
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The finished process and the heavy libraries it had imported."""
    env = {**os.environ, "BLOCK": "1" if block else "0"}
    result = subprocess.run(
        [sys.executable, "-c", probe, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("LOADED ")]
    assert marker, result.stderr
    return result, json.loads(marker[-1].removeprefix("LOADED "))


@pytest.fixture
def converted_tiny_marian(tmp_path: Path) -> Path:
    """The tiny opus-mt model laid out as installed: its int8 conversion in ``ctranslate2``."""
    cached = cached_family("marian")
    folder = shutil.copytree(cached / "model", tmp_path / "tiny-marian")
    shutil.copytree(cached / "ct2-int8", folder / "ctranslate2")
    return folder


def test_translate_on_ctranslate2_imports_neither(trained_marian_fi_en) -> None:  # noqa: F811
    result, loaded = run_probe(
        CLI_PROBE, "translate", "--from", "fi", "--to", "en", "--jsonl",
        "--mt-model", str(trained_marian_fi_en), stdin="Kiitos.\nNäkemiin!\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["translation"] for r in records] == ["Thank you.", "Goodbye!"]
    assert {r["backend"] for r in records} == {"ctranslate2"}
    assert loaded == []


def test_the_probe_sees_the_transformers_backend(converted_tiny_marian) -> None:
    result, loaded = run_probe(
        CLI_PROBE, "translate", "--from", "fi", "--to", "et", "--backend", "transformers",
        "--mt-model", str(converted_tiny_marian), "Hyvää huomenta",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert loaded == list(HEAVY)


@pytest.mark.slow
def test_listen_with_translation_imports_neither(
    finnish_clips,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
) -> None:
    clip, _ = finnish_clips[0]
    models = [f"fi-en={trained_marian_fi_en}", f"en-fi={trained_marian_en_fi}"]
    result, loaded = run_probe(
        CLI_PROBE, "listen", "--replay", str(clip), "--speed", "0", "--jsonl", "--pair", "fi-en",
        "--mt-model", models[0], "--mt-model", models[1],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    translations = [e for e in events if e["type"] == "translation" and e["final"]]
    assert translations and {e["backend"] for e in translations} == {"ctranslate2"}
    assert all(e["text"] and "untranslated" not in e["flags"] for e in translations)
    assert loaded == []
    # A 16 kHz PCM WAV file is read without PyAV, which faster-whisper imports too.
    assert "PYAV false" in result.stderr.splitlines()


@pytest.mark.slow
def test_desk_startup_imports_neither(
    tmp_path,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
) -> None:
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * 16_000 * 5)
    result, loaded = run_probe(
        DESK_PROBE,
        str(tmp_path),
        str(silence),
        str(trained_marian_fi_en),
        str(trained_marian_en_fi),
    )
    assert result.returncode == 0, result.stderr
    outcome = [line for line in result.stdout.splitlines() if line.startswith("OUTCOME ")]
    assert outcome and json.loads(outcome[-1].removeprefix("OUTCOME ")) == {"opened": True}
    assert loaded == []


def test_ctranslate2_copy_runs_with_torch_and_transformers_unimportable(
    converted_tiny_marian,
) -> None:
    result, loaded = run_probe(
        CLI_PROBE, "translate", "--from", "fi", "--to", "et",
        "--mt-model", str(converted_tiny_marian), "Hyvää huomenta", block=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and loaded == []


def test_model_without_ctranslate2_copy_names_the_install_command(tmp_path) -> None:
    folder = shutil.copytree(cached_family("marian") / "model", tmp_path / "unconverted")
    result, _ = run_probe(
        CLI_PROBE, "translate", "--from", "fi", "--to", "et",
        "--mt-model", str(folder), "Hyvää huomenta", block=True,
    )  # fmt: skip
    assert result.returncode == 2
    (message,) = [
        line for line in result.stderr.splitlines() if not line.startswith(("LOADED ", "PYAV "))
    ]
    assert str(folder) in message and "no CTranslate2 copy" in message
    assert "torch and transformers" in message
    assert 'pip install "desk-interpreter[convert]"' in message


def test_conversion_without_the_tools_names_the_install_command(monkeypatch, tmp_path) -> None:
    from interpreter.translate.base import TranslationError
    from models.conversion import convert_to_ctranslate2

    model = cached_family("marian") / "model"
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(TranslationError, match="lacks transformers") as caught:
        convert_to_ctranslate2(model, tmp_path / "out")
    assert str(model) in str(caught.value) and "desk-interpreter[convert]" in str(caught.value)
    assert not (tmp_path / "out").exists()
