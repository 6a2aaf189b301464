"""The desk window on a recording: ``interpreter --replay FILE`` as testers and IT start
it, and the desk's glossary loaded off the UI thread (a broken file is named, the session
runs without it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from glossary_material import GLOSSARY_TSV
from test_logs import conversation_words
from test_privacy import files_with_words, isolated_env
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401
from ui_helpers import make_desk

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run_replay_desk(root: Path, models: Path, *args: str, config: str | None = None):
    """``python -m interpreter ARGS`` offscreen, with every writable folder under ``root``
    and Whisper base from ``models``."""
    env = isolated_env(root)
    env["INTERPRETER_MODELS_DIR"] = str(models)
    env["PYTHONPATH"] = str(ROOT)
    if config is not None:
        (root / "config.toml").write_text(config, encoding="utf-8")
        env["DESK_INTERPRETER_CONFIG"] = str(root / "config.toml")
    return subprocess.run(
        [sys.executable, "-m", "interpreter", *args],
        capture_output=True, text=True, timeout=600, env=env, cwd=root, check=False,
    )  # fmt: skip


def test_the_desk_replays_a_file_exports_and_quits(tmp_path, whisper_base_dir, finnish_clips):
    clip, reference = finnish_clips[0]
    root, export = tmp_path / "desk", tmp_path / "export"
    result = run_replay_desk(
        root,
        whisper_base_dir.parent,
        "--replay", str(clip), "--replay-speed", "0",
        "--export-to", str(export), "--quit-after-replay",
        config="[locked]\nexport_enabled = true\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"replay of {clip.name} ended: 1 utterance(s), 1 with committed text" in result.stderr
    transcript = json.loads(next(export.glob("transcript-fi-en-*.json")).read_text("utf-8"))
    shown = " ".join(u["text"] for u in transcript["utterances"])
    words = conversation_words([shown])
    assert len(words & conversation_words([reference])) >= len(words) // 2 >= 2, shown
    assert {p.suffix for p in export.iterdir()} == {".txt", ".json", ".srt"}
    # What was said is only in the exported files: not in the log, settings or caches,
    # and not on the terminal either.
    assert files_with_words(root, words) == {}
    assert not conversation_words([result.stdout + result.stderr]) & words


def test_without_export_allowed_nothing_is_written_and_the_status_says_so(
    tmp_path, whisper_base_dir, finnish_clips
):
    export = tmp_path / "export"
    result = run_replay_desk(
        tmp_path / "desk",
        whisper_base_dir.parent,
        "--replay", str(finnish_clips[1][0]), "--replay-speed", "0",
        "--export-to", str(export), "--quit-after-replay",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    assert "export is not allowed on this desk" in result.stderr
    assert not export.exists() or not any(export.iterdir())


@pytest.mark.parametrize(
    "args, words",
    [
        (["--replay", "missing.wav"], "replay file missing.wav does not exist"),
        (["--quit-after-replay"], "need --replay FILE"),
    ],
)
def test_bad_replay_options_are_named(tmp_path, args, words):
    result = run_replay_desk(tmp_path / "desk", tmp_path / "models", *args)
    assert result.returncode == 2 and words in result.stderr, result.stderr


@pytest.fixture
def glossary_desk(qtbot, tmp_path, whisper_base_dir, finnish_clips, trained_marian_fi_en,  # noqa: F811
                  trained_marian_en_fi):  # noqa: F811  # fmt: skip
    options = {
        "asr_model": str(whisper_base_dir),
        "mt_models": {("fi", "en"): trained_marian_fi_en, ("en", "fi"): trained_marian_en_fi},
        "replay": finnish_clips[0][0],
        "speed": 0.0,
        "threads": 2,
        "compute_device": "cpu",
    }
    return make_desk(qtbot, tmp_path, base_options=options)


def open_session(qtbot, desk):
    with qtbot.waitSignal(desk.controller.sessionOpened, timeout=120_000):
        desk.controller.start()
    return desk.controller.session


def test_the_desks_glossary_is_used_by_its_sessions(qtbot, tmp_path, glossary_desk):
    path = tmp_path / "city.tsv"
    path.write_text(GLOSSARY_TSV, encoding="utf-8")
    glossary_desk.controller.settings.glossary = str(path)
    session = open_session(qtbot, glossary_desk)
    engines = session.translator.engines
    assert {engine.glossary.source for engine in engines.values()} == {str(path)}
    glossary_desk.controller.shutdown()


def test_a_broken_glossary_is_named_and_the_session_runs_without_it(qtbot, tmp_path, glossary_desk):
    path = tmp_path / "broken.tsv"
    path.write_text("fi\txx-not-a-language\nKela\t=\n", encoding="utf-8")
    glossary_desk.controller.settings.glossary = str(path)
    messages: list[str] = []
    glossary_desk.staff.statusBar().messageChanged.connect(messages.append)
    with qtbot.waitSignal(glossary_desk.controller.replayFinished, timeout=120_000):
        session = open_session(qtbot, glossary_desk)
    assert all(engine.glossary is None for engine in session.translator.engines.values())
    assert any(str(path) in m and "not used" in m for m in messages), messages
    assert glossary_desk.controller.conversation.ordered()  # the replay was recognised
    glossary_desk.controller.shutdown()
