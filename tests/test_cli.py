"""The ``interpreter`` command end to end, in a subprocess like a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cli_helpers import run_cli

EVENT_FIELDS = {
    "type",
    "utterance_id",
    "side",
    "lang",
    "text",
    "audio_start",
    "audio_end",
    "speech_end",
    "emitted_at",
}


@pytest.mark.slow
def test_listen_replay_jsonl_contract(conversation_fi_en):
    result = run_cli(
        "listen",
        "--replay",
        str(conversation_fi_en.path),
        "--pair",
        "fi-en",
        "--speed",
        "0",
        "--jsonl",
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events, result.stderr
    for event in events:
        assert event.keys() >= EVENT_FIELDS
        assert event["type"] in {"utterance_started", "tentative", "committed", "utterance_ended"}
    ended = [e for e in events if e["type"] == "utterance_ended" and e["text"]]
    assert len(ended) >= len(conversation_fi_en.segments) - 1
    assert {e["lang"] for e in ended} == {"fi", "en"}
    assert {e["side"] for e in ended} == {"staff", "client"}
    # The end of speech of each sentence is where the ground truth says.
    for segment in conversation_fi_en.segments:
        nearest = min(ended, key=lambda e: abs(e["speech_end"] - segment.end))
        assert abs(nearest["speech_end"] - segment.end) < 0.4


@pytest.mark.slow
def test_listen_prints_committed_text_per_utterance(finnish_clips):
    path, _ = finnish_clips[0]
    result = run_cli("listen", "--replay", str(path), "--speed", "0")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and "staff (fi):" in lines[0]
    assert "Hyvää päivää" in lines[0]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()
    assert len(message) == 1, result.stderr
    for needle in needles:
        assert needle in message[0], message[0]


def test_missing_replay_file_is_named(tmp_path: Path):
    missing = tmp_path / "nowhere.wav"
    assert_one_line_error(run_cli("listen", "--replay", str(missing)), str(missing))


def test_negative_hold_of_openings_is_refused(finnish_clips):
    path, _ = finnish_clips[0]
    result = run_cli("listen", "--replay", str(path), "--hold-openings", "-1")
    assert_one_line_error(result, "--hold-openings", "-1")


def test_unsupported_file_is_named(tmp_path: Path):
    bogus = tmp_path / "notes.wav"
    bogus.write_text("this is not audio\n")
    assert_one_line_error(run_cli("listen", "--replay", str(bogus)), str(bogus))


def test_directory_as_replay_file_is_refused(tmp_path: Path):
    assert_one_line_error(run_cli("listen", "--replay", str(tmp_path)), str(tmp_path))


def test_unknown_device_is_named():
    assert_one_line_error(
        run_cli("listen", "--device", "no-such-microphone-xyz"), "no-such-microphone-xyz"
    )


def test_invalid_model_folder_is_named(tmp_path: Path, finnish_clips):
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\0" * 16)
    result = run_cli("listen", "--replay", str(finnish_clips[0][0]), "--asr-model", str(folder))
    assert_one_line_error(result, str(folder), "tokenizer.json")


def test_unknown_model_name_is_refused(finnish_clips):
    result = run_cli("listen", "--replay", str(finnish_clips[0][0]), "--asr-model", "huge-v9")
    assert_one_line_error(result, "huge-v9")


def test_bad_pair_is_explained(finnish_clips):
    result = run_cli("listen", "--replay", str(finnish_clips[0][0]), "--pair", "en-sv")
    assert_one_line_error(result, "en-sv", "fi")


def test_devices_and_doctor_run_without_tracebacks():
    devices = run_cli("devices")
    assert devices.returncode in (0, 1), devices.stderr
    assert "Traceback" not in devices.stderr
    doctor = run_cli("doctor")
    assert "Traceback" not in doctor.stderr
    assert "faster-whisper" in doctor.stdout and "offline Whisper base package" in doctor.stdout
