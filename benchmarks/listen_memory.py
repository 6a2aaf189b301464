"""Resident memory of ``interpreter listen`` with Whisper base and both translation directions.

Each run is a fresh process, as a desk PC starts one, with Whisper base from the offline
packages and the full-size opus-mt stand-in of ``dialogue_translation.py`` (random
weights, CTranslate2 int8 with a vocabulary map) for fi->en and en->fi. Two inputs:

* ``replay``: a 16 kHz WAV file of silence at real-time pace (``--replay FILE --speed 1``);
* ``mic``: the default microphone, a PulseAudio null sink's monitor (silence), started by
  this script.

``--at`` seconds after the process starts (the models are loaded by then and no speech
has come), the script reads the process's resident (``Rss``) and anonymous memory from
``/proc/PID/smaps_rollup`` and which large libraries are mapped (PyAV's own FFmpeg,
PyTorch, onnxruntime; the microphone path maps the system's FFmpeg libraries through the
ALSA and PulseAudio plug-ins, which is not PyAV).
On the microphone path it also prints the time from the start to its "Listening on"
line (models loaded, first audio read); a replay prints no such line. Both inputs
alternate run by run so that a noisy machine shifts both alike.

Usage: python benchmarks/listen_memory.py [--runs 3] [--at 9] [--inputs replay,mic]
       [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Where the shared libraries that tell what was loaded live, by the name shown for them.
LIBRARIES = {"pyav": "/av.libs/", "torch": "/torch/lib/", "onnxruntime": "/onnxruntime/"}


def silent_wav(path: Path, seconds: float) -> Path:
    """A 16 kHz mono 16-bit WAV file of digital silence."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * int(16_000 * seconds))
    return path


def read_memory(pid: int) -> dict[str, object]:
    """RSS and anonymous memory in MB, and which of :data:`LIBRARIES` are mapped."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    maps = Path(f"/proc/{pid}/maps").read_text()

    def field(name: str) -> float:
        found = re.search(rf"^{name}:\s+(\d+) kB", rollup, re.M)
        return round(int(found.group(1)) / 1024, 1) if found else float("nan")

    figures: dict[str, object] = {"rss_mb": field("Rss"), "anonymous_mb": field("Anonymous")}
    for label, library in LIBRARIES.items():
        figures[f"{label}_mapped"] = library in maps
    return figures


def measure(command: list[str], env: dict[str, str], at: float) -> dict[str, object]:
    """Start ``command``, read its memory ``at`` s after the start, then stop it."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr: list[str] = []
    listening_at: list[float] = []

    def read_stderr() -> None:
        for line in process.stderr or ():
            stderr.append(line)
            if line.startswith("Listening on") and not listening_at:
                listening_at.append(time.monotonic() - started)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        # The process ends by itself only on an error: waiting on it is the timer.
        try:
            process.wait(timeout=max(0.0, at - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            figures = read_memory(process.pid)
            # The microphone path says when it listens (models loaded, first audio read).
            figures["listening_s"] = round(listening_at[0], 2) if listening_at else None
            return figures
        reader.join(5)
        raise RuntimeError(f"{' '.join(command)} ended early:\n{''.join(stderr)}")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per input")
    parser.add_argument("--at", type=float, default=9.0, help="seconds after start")
    parser.add_argument("--inputs", default="replay,mic", help="replay, mic or both")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    inputs = [name.strip() for name in args.inputs.split(",") if name.strip()]
    if not inputs or set(inputs) - {"replay", "mic"}:
        parser.error("--inputs takes replay, mic or both, comma-separated")

    sys.path.insert(0, str(REPO / "tests"))
    sys.path.insert(0, str(REPO / "benchmarks"))
    sys.path.insert(0, str(REPO))
    from dialogue_translation import stand_in_model

    model = stand_in_model()
    workdir = Path(tempfile.mkdtemp(prefix="listen-memory-"))
    silence = silent_wav(workdir / "silence.wav", args.at + 60)
    base = [sys.executable, "-m", "interpreter", "listen", "--pair", "fi-en", "--jsonl"]
    base += ["--mt-model", f"fi-en={model}", "--mt-model", f"en-fi={model}"]
    commands = {
        "replay": ([*base, "--replay", str(silence), "--speed", "1"], dict(os.environ)),
    }
    server = None
    if "mic" in inputs:
        from pulse import start_pulse_server

        server = start_pulse_server(workdir / "pulse")
        commands["mic"] = (base, server.client_env())
    results: dict[str, list[dict[str, object]]] = {name: [] for name in inputs}
    try:
        for index in range(args.runs):
            for name in inputs:
                command, env = commands[name]
                figures = measure(command, env, args.at)
                results[name].append(figures)
                print(f"run {index + 1} {name}: {json.dumps(figures)}", flush=True)
    finally:
        if server is not None:
            server.close()
    summary = {
        name: {
            "rss_mb_median": statistics.median(float(r["rss_mb"]) for r in runs),
            "anonymous_mb_median": statistics.median(float(r["anonymous_mb"]) for r in runs),
            "listening_s_median": statistics.median(
                [float(r["listening_s"]) for r in runs if r["listening_s"] is not None] or [-1]
            ),
            **{f"{label}_mapped": any(r[f"{label}_mapped"] for r in runs) for label in LIBRARIES},
        }
        for name, runs in results.items()
    }
    print(json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "summary": summary}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
