"""The one-folder bundle (scripts/bundle.sh) runs with no Python and no project checkout:
``env -i`` leaves it nothing but its own folder.

Building takes minutes, so the test runs only when asked: ``DESK_TEST_BUNDLE=1`` builds
the bundle first; ``DESK_TEST_BUNDLE=PATH`` tests one already built at PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ASKED = os.environ.get("DESK_TEST_BUNDLE", "")
STARTUP_TIMEOUT_SECONDS = 120.0


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not ASKED:
        pytest.skip("set DESK_TEST_BUNDLE=1 to build and test the bundle (several minutes)")
    if ASKED != "1":
        return Path(ASKED)
    subprocess.run(["bash", str(ROOT / "scripts" / "bundle.sh")], check=True, cwd=ROOT)
    return ROOT / "dist" / "desk-interpreter"


def bare_env(home: Path, **extra: str) -> dict[str, str]:
    """What ``env -i`` leaves, plus a home folder: no PYTHONPATH, no virtual environment."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}


def run_bundled(bundle: Path, home: Path, *args: str, **extra: str):
    return subprocess.run(
        ["env", "-i", *(f"{k}={v}" for k, v in bare_env(home, **extra).items()),
         str(bundle / "interpreter"), *args],
        capture_output=True, text=True, timeout=600, cwd=home, check=False,
    )  # fmt: skip


def test_bundled_doctor_finds_everything(bundle, tmp_path):
    result = run_bundled(bundle, tmp_path / "home", "doctor")
    assert "ok  Python 3.11" in result.stdout, result.stdout + result.stderr
    assert "ok  offline Whisper base package: installed" in result.stdout
    assert "ok  ctranslate2" in result.stdout and "torch not installed" in result.stdout
    assert result.returncode == 0, result.stdout


def test_bundled_listen_shows_committed_text(bundle, tmp_path, finnish_clips):
    path, _ = finnish_clips[0]
    result = run_bundled(
        bundle, tmp_path / "home", "listen", "--replay", str(path), "--speed", "0", "--jsonl"
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    committed = " ".join(e["text"] for e in events if e["type"] == "committed")
    assert len(committed.split()) >= 3 and {e["lang"] for e in events if e.get("lang")} == {"fi"}
    logs = list((tmp_path / "home").rglob("desk-interpreter.log"))
    assert logs and "command: listen" in logs[0].read_text("utf-8")


@pytest.mark.parametrize("display", ["offscreen", "xvfb"])
def test_bundled_desk_starts_and_loads_its_models(bundle, tmp_path, display):
    home = tmp_path / "home"
    command = [str(bundle / "desk-interpreter"), "-v"]  # -v: INFO lines on stderr too
    extra = {"QT_QPA_PLATFORM": "offscreen"}
    if display == "xvfb":
        if shutil.which("xvfb-run") is None:
            pytest.skip("xvfb-run is missing: run `bash scripts/setup.sh --dev`")
        command = ["xvfb-run", "-a", *command]
        extra = {}
    env = [f"{k}={v}" for k, v in bare_env(home, **extra).items()]
    desk = subprocess.Popen(
        ["env", "-i", *env, *command], cwd=home, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    loaded = threading.Event()

    def read_stderr() -> None:
        for line in desk.stderr:
            lines.append(line)
            # The line after Whisper's (the session opening, or no microphone here): a
            # record reaches the terminal before the log file, and the thread that loaded
            # Whisper logs the next one only once the file has that one.
            if any("Loaded Whisper" in seen for seen in lines[:-1]):
                loaded.set()
        loaded.set()  # the desk exited: stop waiting

    threading.Thread(target=read_stderr, daemon=True).start()
    try:
        assert loaded.wait(STARTUP_TIMEOUT_SECONDS), "".join(lines)
        assert desk.poll() is None, f"the desk exited with {desk.returncode}: {''.join(lines)}"
    finally:
        desk.terminate()
        desk.wait(30)
    log = home / ".local" / "state" / "desk-interpreter" / "log" / "desk-interpreter.log"
    content = log.read_text("utf-8")
    assert "command: desk" in content and "Loaded Whisper" in content, content
    assert "Traceback" not in content


def test_bundled_desk_replays_a_file_and_shows_committed_text(bundle, tmp_path, finnish_clips):
    """The desk itself on Xvfb under ``env -i``, reading a recording instead of a
    microphone: what it showed comes back as the exported transcript (export allowed by
    the city's file), and its log holds none of it."""
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is missing: run `bash scripts/setup.sh --dev`")
    from test_logs import conversation_words

    clip, reference = finnish_clips[0]
    home, export = tmp_path / "home", tmp_path / "export"
    config = tmp_path / "config.toml"
    config.write_text("[locked]\nexport_enabled = true\n", encoding="utf-8")
    env = [f"{k}={v}" for k, v in bare_env(home, DESK_INTERPRETER_CONFIG=str(config)).items()]
    command = [
        "xvfb-run", "-a", str(bundle / "desk-interpreter"),
        "--replay", str(clip), "--replay-speed", "0",
        "--export-to", str(export), "--quit-after-replay",
    ]  # fmt: skip
    result = subprocess.run(
        ["env", "-i", *env, *command],
        capture_output=True, text=True, timeout=600, cwd=home, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    transcript = json.loads(next(export.glob("transcript-fi-en-*.json")).read_text("utf-8"))
    shown = " ".join(u["text"] for u in transcript["utterances"])
    words = conversation_words([shown])
    assert len(words & conversation_words([reference])) >= 3, shown
    assert {u["lang"] for u in transcript["utterances"]} == {"fi"}
    log = home / ".local" / "state" / "desk-interpreter" / "log" / "desk-interpreter.log"
    content = log.read_text("utf-8")
    assert f"replay of {clip.name} ended: 1 utterance(s), 1 with committed text" in content
    assert "Traceback" not in content and not conversation_words([content]) & words
