"""Returning freed heap memory after a session: done on glibc Linux, harmless elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from interpreter import cli, memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_is_returned_on_linux():
    assert memory.release_free_memory() is True


def test_other_systems_do_nothing(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "win32")
    assert memory.release_free_memory() is False


def test_mkl_keeps_no_cache_unless_the_environment_says_so(monkeypatch):
    monkeypatch.delenv("MKL_DISABLE_FAST_MM", raising=False)
    memory.limit_allocator_caches()
    assert memory.os.environ["MKL_DISABLE_FAST_MM"] == "1"
    monkeypatch.setenv("MKL_DISABLE_FAST_MM", "yes")
    memory.limit_allocator_caches()
    assert memory.os.environ["MKL_DISABLE_FAST_MM"] == "yes"


def test_other_systems_keep_their_allocator(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: pytest.fail(f"loaded {name}"))
    memory.limit_allocator_caches()


def test_main_limits_the_caches_before_anything_runs(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(memory, "limit_allocator_caches", lambda: calls.append("limit"))
    monkeypatch.setattr(memory, "defer_rarely_used_imports", lambda: calls.append("defer"))

    def parser():
        calls.append("parse")
        raise SystemExit(0)

    monkeypatch.setattr(cli, "build_parser", parser)
    with pytest.raises(SystemExit):
        cli.main([])
    assert calls == ["limit", "defer", "parse"]


def test_loading_models_gives_back_what_the_loading_freed(monkeypatch, whisper_base_dir, tmp_path):
    """Model files are read and converted through buffers that are freed afterwards;
    a session that loads models returns them, one that reuses loaded models has nothing
    to return."""
    import wave

    from interpreter import session as session_module

    trims: list[str] = []
    monkeypatch.setattr(session_module, "release_free_memory", lambda: trims.append("trim"))
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(b"\0\0" * 16_000)
    settings = session_module.ListenSettings(
        asr_model=str(whisper_base_dir), replay=silence, translate=False
    )
    first = session_module.build_listening_session(settings)
    assert trims == ["trim"]
    session_module.build_listening_session(settings, engine=first.engine)
    assert trims == ["trim"]


#: Defers PyAV, imports faster-whisper (which imports PyAV), then uses PyAV; reports
#: whether PyAV's code was loaded after each step.
DEFERRED_PROBE = """
import json, sys
from interpreter.memory import defer_rarely_used_imports

def pyav_loaded():
    return any(name.startswith("av.") for name in sys.modules)

defer_rarely_used_imports()
import faster_whisper
steps = [pyav_loaded()]
import av
steps.append(pyav_loaded())
steps.append(callable(av.open) and pyav_loaded())
print(json.dumps(steps))
"""


def test_pyav_loads_only_when_it_is_used():
    result = subprocess.run(
        [sys.executable, "-c", DEFERRED_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, False, True]
