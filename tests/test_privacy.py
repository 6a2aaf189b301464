"""Privacy you can prove: after a whole conversation through the desk window, no file the
app could have written (settings, caches, logs, temp) holds its words unless the user
exported the transcript, and then only the exported files do. Neither the desk nor
``listen`` opens a network connection: both run under a socket guard, and inside a
network namespace without network where ``unshare`` can make one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_logs import conversation_words
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
#: Where a process may write, each pointed into the test's folder.
WRITABLE = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_DATA_HOME": "data",
    "XDG_STATE_HOME": "state",
    "XDG_RUNTIME_DIR": "runtime",
    "TMPDIR": "tmp",
    "INTERPRETER_MODELS_DIR": "models",
    "HF_HOME": "huggingface",
}


def no_network_prefix() -> list[str]:
    """``unshare`` into a namespace without network when this machine allows it."""
    for command in (["unshare", "-n"], ["unshare", "-rn"]):
        if (
            shutil.which("unshare")
            and subprocess.run([*command, "true"], check=False).returncode == 0
        ):
            return command
    return []


def isolated_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("INTERPRETER_LOG_DIR",)}
    for name, folder in WRITABLE.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        env[name] = str(root / folder)
    (root / "runtime").chmod(0o700)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def files_with_words(root: Path, words: set[str]) -> dict[str, set[str]]:
    """Every file under ``root`` holding any of ``words``, with the words it holds."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        hits = conversation_words([text]) & words
        if hits:
            found[str(path.relative_to(root))] = hits
    assert any(root.rglob("*.log")), "the run left no log: nothing was searched"
    return found


def run_desk(root: Path, wav: Path, models: dict, export: Path | None = None) -> dict:
    result_file = root.parent / f"{root.name}-result.json"
    guard = root.parent / f"{root.name}-network.json"
    command = [
        *no_network_prefix(),
        sys.executable,
        str(TESTS / "desk_run.py"),
        str(result_file),
        "--replay", str(wav),
        "--asr-model", str(models["asr"]),
        "--mt", f"fi-en={models['fi-en']}",
        "--mt", f"en-fi={models['en-fi']}",
        "--guard", str(guard),
    ]  # fmt: skip
    if export is not None:
        command += ["--export", str(export)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=isolated_env(root), check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(guard.read_text()) == [], "the desk tried to use the network"
    return json.loads(result_file.read_text())


@pytest.fixture
def models(whisper_base_dir, trained_marian_fi_en, trained_marian_en_fi) -> dict:  # noqa: F811
    return {"asr": whisper_base_dir, "fi-en": trained_marian_fi_en, "en-fi": trained_marian_en_fi}


def spoken_words(result: dict) -> set[str]:
    texts = [u[key] for u in result["utterances"] for key in ("text", "translation")]
    words = conversation_words(texts)
    assert len(words) > 20, result
    return words


def test_a_conversation_leaves_no_words_on_disk_without_export(
    tmp_path, models, conversation_fi_en
):
    root = tmp_path / "desk"
    result = run_desk(root, conversation_fi_en.path, models)
    assert result["exported"] == [] and result["after_next_client"] == []
    words = spoken_words(result)
    assert files_with_words(root, words) == {}
    # The run did write into the user's folders: its log is where IT looks for it.
    assert list((root / "state").rglob("desk-interpreter.log"))


def test_with_export_only_the_saved_files_hold_the_words(tmp_path, models, conversation_fi_en):
    root = tmp_path / "desk"
    export = root / "home" / "transcripts"
    result = run_desk(root, conversation_fi_en.path, models, export=export)
    words = spoken_words(result)
    saved = {str(Path(p).relative_to(root)) for p in result["exported"]}
    assert len(saved) == 3 and all(p.startswith("home/transcripts/") for p in saved)
    assert set(files_with_words(root, words)) == saved


def test_listen_works_without_network(tmp_path, finnish_clips, trained_marian_fi_en):  # noqa: F811
    root = tmp_path / "listen"
    guard = tmp_path / "network.json"
    command = [
        *no_network_prefix(),
        sys.executable,
        str(TESTS / "network_guard.py"),
        str(guard),
        "-m", "interpreter", "listen",
        "--replay", str(finnish_clips[0][0]),
        "--speed", "0", "--jsonl", "--pair", "fi-en",
        "--mt-model", f"fi-en={trained_marian_fi_en}",
    ]  # fmt: skip
    env = isolated_env(root)
    env["PYTHONPATH"] = str(TESTS.parent)
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert any(e["type"] == "translation" and e["final"] and e["text"] for e in events)
    assert json.loads(guard.read_text()) == []


def test_the_guard_catches_a_connection(tmp_path):
    """The guard is not blind: a connection attempt is refused and recorded."""
    guard = tmp_path / "network.json"
    code = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)"
    script = tmp_path / "connect.py"
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(TESTS / "network_guard.py"), str(guard), "-m", "connect"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode != 0 and "network use under the guard" in done.stderr
    assert json.loads(guard.read_text())
