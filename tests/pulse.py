"""A private PulseAudio daemon for tests: a null sink whose monitor is the default source.

Whatever is played into the sink (``PulseServer.play``) comes back out of the default
capture device, so a test can exercise real PortAudio capture without hardware. The
daemon lives in a temporary runtime directory and never touches a user's session.

Use the ``pulse_server`` fixture by importing it into a test module::

    from pulse import pulse_server  # noqa: F401
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

SINK = "vmic"

_SCRIPT = f"""\
load-module module-native-protocol-unix auth-anonymous=1
load-module module-null-sink sink_name={SINK}
set-default-source {SINK}.monitor
set-default-sink {SINK}
"""


@dataclass
class PulseServer:
    """A running private daemon and the environment that points clients at it."""

    root: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    _closed: bool = field(default=False, repr=False)

    def client_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def pactl(self, *args: str, timeout: float = 10) -> str:
        """Run ``pactl`` against this daemon and return its output."""
        done = subprocess.run(
            ["pactl", *args], env=self.client_env(), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def play(self, path: str | Path, timeout: float = 60) -> None:
        """Play an audio file into the null sink; returns once playback has drained.

        The null sink renders up to 2 s ahead, so this takes about 2 s longer than the
        file; by the time it returns the whole file has reached the monitor source.
        """
        done = subprocess.run(
            ["paplay", f"--device={SINK}", str(path)],
            env=self.client_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise RuntimeError(f"paplay {path} failed: {done.stderr.strip()}")

    def close(self) -> None:
        """Stop the daemon (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_pulse_server(root: Path, ready_timeout: float = 15.0) -> PulseServer:
    """Start a daemon under ``root`` and wait until ``pactl info`` answers."""
    runtime = root / "run"
    (runtime / "pulse").mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    (root / "state").mkdir(exist_ok=True)
    script = root / "default.pa"
    script.write_text(_SCRIPT)
    client_conf = root / "client.conf"
    client_conf.write_text("autospawn = no\n")  # never start a stray daemon by accident
    socket = runtime / "pulse" / "native"
    env = {
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
        "PULSE_STATE_PATH": str(root / "state"),
        "PULSE_SERVER": f"unix:{socket}",
        "PULSE_CLIENTCONFIG": str(client_conf),
        "PULSE_COOKIE": str(root / "cookie"),
    }
    log_path = root / "pulseaudio.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "-F",
                str(script),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--realtime=no",
                "--high-priority=no",
                "--log-target=stderr",
            ],
            # HOME only for the daemon: it keeps its cookie and config out of the real one.
            env={**os.environ, **env, "HOME": str(root)},
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
        )
    server = PulseServer(root=root, env=env, process=process, log_path=log_path)
    deadline = time.monotonic() + ready_timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"pulseaudio exited with {process.returncode}:\n{log_path.read_text()}"
            )
        info = subprocess.run(
            ["pactl", "info"], env=server.client_env(), capture_output=True, timeout=5
        )
        if info.returncode == 0:
            return server
        if time.monotonic() > deadline:
            server.close()
            raise RuntimeError(
                f"pulseaudio did not answer within {ready_timeout:g} s:\n{log_path.read_text()}"
            )
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)  # waits on the daemon, so a crash is noticed at once


def _rescan_portaudio() -> None:
    """PortAudio lists devices once at initialisation: rescan if it is already running."""
    if "sounddevice" not in sys.modules:
        return  # it will scan when first imported, with the environment already set
    from interpreter.audio.devices import refresh_devices

    refresh_devices(sys.modules["sounddevice"])


@pytest.fixture(scope="session")
def pulse_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseServer]:
    """A private PulseAudio daemon whose default source hears what ``play`` plays.

    The process environment points libpulse (and so ALSA's ``pulse``/``default``
    devices seen by PortAudio) at the daemon while the fixture is alive.
    """
    for tool in ("pulseaudio", "pactl", "paplay"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install pulseaudio pulseaudio-utils)")
    server = start_pulse_server(tmp_path_factory.mktemp("pulse"))
    saved = {name: os.environ.get(name) for name in server.env}
    os.environ.update(server.env)
    try:
        _rescan_portaudio()
        yield server
    finally:
        server.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        try:
            _rescan_portaudio()
        except Exception as exc:  # teardown must not mask the test's own result
            log.warning("PortAudio rescan after stopping pulseaudio failed: %s", exc)
