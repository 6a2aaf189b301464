"""``interpreter doctor --report``: what IT support gets, and never conversation text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
from test_logs import conversation_words, listen
from trained_marian import trained_marian_fi_en  # noqa: F401  (fixture)

from interpreter.logs import CONVERSATION_FILE_NAME
from interpreter.support_report import REMOVED, redact

SECRET = "s3cr3t-value-0451"


def test_secrets_are_removed_from_settings():
    clean = redact(
        {
            "pair": "fi-ar",
            "server_api_key": SECRET,
            "nested": {"auth_token": SECRET, "url": f"https://desk:{SECRET}@mt.city.example/v1"},
        }
    )
    assert SECRET not in json.dumps(clean)
    assert clean["pair"] == "fi-ar" and clean["server_api_key"] == REMOVED
    assert clean["nested"]["url"] == f"https://desk:{REMOVED}@mt.city.example/v1"


@pytest.mark.slow
def test_report_after_a_conversation_holds_no_text(tmp_path, finnish_clips, trained_marian_fi_en):  # noqa: F811
    log_dir = tmp_path / "logs"
    # A conversation with the text debug log on: its words are in the log folder.
    _, texts = listen(
        log_dir,
        finnish_clips[1][0],
        {"fi-en": trained_marian_fi_en},
        "-vv",
        "--log-conversation-text",
    )
    words = conversation_words(texts)
    assert words & conversation_words([(log_dir / CONVERSATION_FILE_NAME).read_text("utf-8")])
    settings = tmp_path / "config" / "desk-interpreter" / "desk.conf"
    settings.parent.mkdir(parents=True)
    settings.write_text(f"[General]\npair=fi-ar\nserver_api_key={SECRET}\n")
    report = tmp_path / "support.zip"
    env = {
        **os.environ,
        "INTERPRETER_LOG_DIR": str(log_dir),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "doctor", "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(report) as archive:
        names = set(archive.namelist())
        contents = {name: archive.read(name).decode("utf-8", "replace") for name in names}
    assert {"doctor.txt", "versions.json", "settings.json", "devices.json", "models.json"} <= names
    assert "logs/desk-interpreter.log" in names
    assert not any(CONVERSATION_FILE_NAME in name for name in names)
    assert "utterance 1 (fi" in contents["logs/desk-interpreter.log"]
    assert json.loads(contents["versions.json"])["python"].startswith("3.")
    desk = json.loads(contents["settings.json"])["desk"]
    assert desk["values"] == {"pair": "fi-ar", "server_api_key": REMOVED}
    models = json.loads(contents["models.json"])
    assert models["installed"] and all(m["verified"] for m in models["installed"])
    everything = "\n".join(contents.values()).lower()
    assert SECRET not in everything
    assert conversation_words([everything]) & words == set()
