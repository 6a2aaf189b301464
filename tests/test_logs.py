"""The log for IT: written by default, crashes leave their traceback in it, and no
transcript or translation text reaches it at any level unless the clearly named debug
option is on (then only conversation-text.log has it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401

from interpreter.logs import CONVERSATION_FILE_NAME, CRASH_FILE_NAME, LOG_FILE_NAME

ROOT = Path(__file__).resolve().parents[1]


def conversation_words(texts: list[str]) -> set[str]:
    """Words of the conversation long enough not to occur by chance in a log line."""
    return {w for text in texts for w in re.findall(r"\w{5,}", text.lower())}


def found_words(path: Path, words: set[str]) -> set[str]:
    text = path.read_text("utf-8", errors="replace").lower()
    return {w for w in words if re.search(rf"\b{re.escape(w)}\b", text)}


def run_python(code: str, log_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INTERPRETER_LOG_DIR": str(log_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def listen(log_dir: Path, wav: Path, models: dict[str, Path], *options: str):
    mt = [
        arg for direction, path in models.items() for arg in ("--mt-model", f"{direction}={path}")
    ]
    env = {**os.environ, "INTERPRETER_LOG_DIR": str(log_dir)}
    command = [sys.executable, "-m", "interpreter", *options, "listen", "--replay", str(wav)]
    result = subprocess.run(
        [*command, "--speed", "0", "--jsonl", "--pair", "fi-en", *mt],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    texts = [e["text"] for e in events if e["type"] in ("utterance_ended", "translation")]
    return result, texts


@pytest.mark.slow
def test_a_debug_conversation_leaves_no_text_in_the_log(
    tmp_path,
    conversation_fi_en,
    trained_marian_fi_en,  # noqa: F811
    trained_marian_en_fi,  # noqa: F811
):
    models = {"fi-en": trained_marian_fi_en, "en-fi": trained_marian_en_fi}
    log_dir = tmp_path / "logs"
    result, texts = listen(
        log_dir, conversation_fi_en.path, models, "-vv", "--log-conversation-text"
    )
    words = conversation_words(texts)
    assert len(words) > 20, texts
    log = log_dir / LOG_FILE_NAME
    content = log.read_text("utf-8")
    # The log has what IT needs: versions, models, per-utterance timings and translations.
    assert "desk-interpreter 0.1.0, Python" in content and "Loaded Whisper" in content
    assert re.search(r"utterance \d+ \(fi, \w+\): \d+ words", content)
    assert re.search(r"utterance \d+ translated fi-en \(.*\): \d+ ms", content)
    assert " DEBUG " in content  # -vv reached the file
    assert found_words(log, words) == set()
    assert not any(w in result.stderr.lower() for w in words)
    # The debug option wrote the text to its own file, and only there.
    debug_log = log_dir / CONVERSATION_FILE_NAME
    assert len(found_words(debug_log, words)) > len(words) // 2
    assert "conversation text is logged (debug option)" in content


@pytest.mark.slow
def test_without_the_debug_option_no_file_holds_text(tmp_path, finnish_clips, trained_marian_fi_en):  # noqa: F811
    log_dir = tmp_path / "logs"
    _, texts = listen(log_dir, finnish_clips[1][0], {"fi-en": trained_marian_fi_en}, "-vv")
    words = conversation_words(texts)
    assert len(words) >= 5, texts
    assert sorted(p.name for p in log_dir.iterdir()) == sorted([CRASH_FILE_NAME, LOG_FILE_NAME])
    assert found_words(log_dir / LOG_FILE_NAME, words) == set()


def test_an_error_in_a_worker_thread_leaves_its_traceback(tmp_path):
    result = run_python(
        """
        import threading
        import numpy as np
        from interpreter.logs import LogOptions, setup_logging
        from interpreter.pipeline import Pipeline

        setup_logging(LogOptions())

        class OneBlock:
            description = "test source"
            def __init__(self): self.blocks = [np.zeros(320, np.float32)]
            def start(self): pass
            def stop(self): pass
            def read(self, timeout): return self.blocks.pop() if self.blocks else None

        class Failing:
            def insert_audio(self, block): raise RuntimeError("deliberate recognizer failure")
            def finish(self): return []

        pipeline = Pipeline(OneBlock(), Failing(), on_event=lambda event: None)
        pipeline.start()
        assert pipeline.wait(30) and pipeline.error is not None

        def helper(): raise ValueError("deliberate failure in a helper thread")
        thread = threading.Thread(target=helper, name="helper")
        thread.start()
        thread.join()
        raise KeyError("deliberate failure in the main thread")
        """,
        tmp_path,
    )
    assert result.returncode == 1 and "KeyError" in result.stderr
    log = (tmp_path / LOG_FILE_NAME).read_text("utf-8")
    assert "pipeline worker failed\nTraceback" in log
    assert "RuntimeError: deliberate recognizer failure" in log
    assert "uncaught exception in thread helper\nTraceback" in log
    assert "ValueError: deliberate failure in a helper thread" in log
    assert "uncaught exception\nTraceback" in log and "KeyError: 'deliberate" in log


def test_a_native_crash_reaches_the_log_on_the_next_start(tmp_path):
    crashed = run_python(
        """
        import faulthandler
        from interpreter.logs import LogOptions, setup_logging

        setup_logging(LogOptions())

        def crash_in_native_code():
            faulthandler._sigabrt()

        crash_in_native_code()
        """,
        tmp_path,
    )
    assert crashed.returncode != 0
    stacks = (tmp_path / CRASH_FILE_NAME).read_text("utf-8")
    assert "Fatal Python error: Aborted" in stacks and "crash_in_native_code" in stacks
    run_python(
        "from interpreter.logs import LogOptions, setup_logging; setup_logging(LogOptions())",
        tmp_path,
    )
    log = (tmp_path / LOG_FILE_NAME).read_text("utf-8")
    assert "the previous run crashed in native code:\nFatal Python error: Aborted" in log
    assert "crash_in_native_code" in log
    assert (tmp_path / CRASH_FILE_NAME).read_text("utf-8") == ""  # reported once


def test_the_log_file_is_on_by_default_and_can_be_turned_off(tmp_path):
    code = "import sys; from interpreter.cli import main; sys.exit(main(sys.argv[1:]))"
    on, off = tmp_path / "on", tmp_path / "off"
    assert run_python(code, on, "models", "list", "--installed").returncode == 0
    assert "command: models" in (on / LOG_FILE_NAME).read_text("utf-8")
    result = run_python(code, off, "--no-log-file", "models", "list", "--installed")
    assert result.returncode == 0 and not off.exists()
