"""Returning freed heap memory after a session: done on glibc Linux, harmless elsewhere."""

from __future__ import annotations

import sys

import pytest

from interpreter import memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_memory_is_returned_on_linux():
    assert memory.release_free_memory() is True


def test_other_systems_do_nothing(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "win32")
    assert memory.release_free_memory() is False
