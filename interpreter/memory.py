"""Giving freed memory back to the operating system between clients.

A conversation allocates and frees many short-lived buffers on several threads (audio,
decoder inputs, translation batches). glibc keeps freed heap memory in its per-thread
arenas rather than returning it, so a desk's resident memory grew by tens of MB per
client although nothing was kept (docs/benchmarks.md, "A working day"). Trimming the
heap after a session closes returns it. Elsewhere (Windows, macOS, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

logger = logging.getLogger(__name__)


def release_free_memory() -> bool:
    """Return freed heap memory to the OS where the C library can (glibc's malloc_trim);
    True when it was done."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    logger.debug("returned freed heap memory to the system")
    return True
