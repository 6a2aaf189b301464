"""The desk window on a real X server (Xvfb) hearing a Finnish-English conversation
through a virtual microphone (a PulseAudio null sink's monitor): every bubble holds all
of its text after every event, and both windows are saved as screenshots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import speech
from pulse import SINK, PulseServer, pulse_server  # noqa: F401  (the fixture)
from trained_marian import trained_marian_en_fi, trained_marian_fi_en  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.pulseaudio]

SCRIPT = Path(__file__).resolve().parent / "desk_x11_check.py"


def distinct_colours(path: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    step = max(1, min(image.width(), image.height()) // 60)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_desk_window_on_x11_with_a_virtual_microphone(
    tmp_path: Path,
    require_speech,
    whisper_base_dir,
    pulse_server: PulseServer,  # noqa: F811
    trained_marian_fi_en: Path,  # noqa: F811
    trained_marian_en_fi: Path,  # noqa: F811
    qapp,
):
    require_speech("finnish", "english")
    if shutil.which("xvfb-run") is None:
        pytest.skip("xvfb-run is missing: run `bash scripts/setup.sh --dev`")
    fi, en = speech.FINNISH_SENTENCES, speech.ENGLISH_SENTENCES
    turns = [
        (speech.synthesize_finnish(fi[0], "lj"), fi[0], "fi"),
        (speech.synthesize_english(en[1]), en[1], "en"),
        (speech.synthesize_finnish(fi[2], "lj"), fi[2], "fi"),
    ]
    talk = speech.build_conversation(turns, lead_seconds=2.0, out_path=tmp_path / "talk.wav")
    out = tmp_path / "desk"
    out.mkdir()
    # The pulse_server fixture points this process (and so the child) at its daemon.
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    command = [
        *("xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, str(SCRIPT)),
        *("--wav", str(talk.path), "--out", str(out), "--whisper", str(whisper_base_dir)),
        *("--mt", str(trained_marian_fi_en), str(trained_marian_en_fi)),
        *("--sink", SINK, "--expect", str(len(turns))),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    print(f"\nscreenshots of both windows: {out / 'both.png'}")
    print(json.dumps(result["utterances"], ensure_ascii=False, indent=1))
    assert result["platform"] == "xcb" and "error" not in result, result
    assert result["paplay"] == 0
    assert not result["clipped"], result["clipped"][:10]
    sides = {u["side"] for u in result["utterances"] if u["text"]}
    assert sides == {"staff", "client"}, result["utterances"]
    assert result["events"] > len(result["utterances"])  # text grew while it was shown
    for name in ("staff.png", "client.png", "both.png"):
        assert distinct_colours(out / name) > 20, f"{name} looks blank"
