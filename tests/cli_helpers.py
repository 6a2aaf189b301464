"""Running the ``interpreter`` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import subprocess
import sys


def run_cli(*args: str, stdin: str | None = None, timeout: float = 600):
    return subprocess.run(
        [sys.executable, "-m", "interpreter", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def listen_events(*args: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    """``interpreter listen --speed 0 --jsonl ARGS``: the process and its parsed events."""
    result = run_cli("listen", "--speed", "0", "--jsonl", *args)
    assert result.returncode == 0, result.stderr
    return result, [json.loads(line) for line in result.stdout.splitlines()]
