"""A full disk and a read-only models folder, for real: the install runs in a private mount
namespace on a tiny tmpfs, so the kernel itself refuses the writes (ENOSPC, EROFS)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hub_server import LocalHub, use_local_hub
from tiny_models import tiny_marian  # noqa: F401  (fixture)


@cache
def private_mounts_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not private_mounts_work(), reason="needs unshare with private tmpfs mounts"
)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch, tiny_marian):  # noqa: F811
    with LocalHub(tmp_path / "hub", lfs_threshold=1024) as hub:
        hub.add_repo("Helsinki-NLP/opus-mt-fi-en", tiny_marian.path)
        use_local_hub(monkeypatch, hub.endpoint)
        yield hub


def install_on_tmpfs(mountpoint: Path, size: str, read_only: bool = False):
    """Mount a ``size`` tmpfs as the models folder, install opus-mt-fi-en into it, then
    list what the folder holds, all inside one private mount namespace."""
    mountpoint.mkdir()
    remount = 'mount -o remount,ro "$0" && ' if read_only else ""
    script = (
        f'mount -t tmpfs -o size={size} tmpfs "$0" && mkdir -p "$0/translation" && {remount}'
        '"$@"; status=$?; echo "--- contents"; ls -A "$0" "$0/translation"; '
        '"$1" -m interpreter models list --installed; exit $status'
    )
    env = {**os.environ, "INTERPRETER_MODELS_DIR": str(mountpoint)}
    command = [sys.executable, "-m", "interpreter", "models", "install", "opus-mt-fi-en"]
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, str(mountpoint), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_full_disk_gives_a_clear_error_and_installs_nothing(hub, tmp_path: Path):
    result = install_on_tmpfs(tmp_path / "models", "96k")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "disk is full" in result.stderr and str(tmp_path / "models") in result.stderr
    assert "Traceback" not in result.stderr
    contents = result.stdout.split("--- contents", 1)[1]
    assert "opus-mt-fi-en\n" not in contents.replace(".opus-mt-fi-en.partial", "")
    assert "No models installed" in contents


def test_read_only_models_folder_gives_a_clear_error(hub, tmp_path: Path):
    result = install_on_tmpfs(tmp_path / "models", "16m", read_only=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not writable" in result.stderr and "INTERPRETER_MODELS_DIR" in result.stderr
    assert "No models installed" in result.stdout
