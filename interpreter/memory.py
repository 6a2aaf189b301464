"""Keeping the allocators' caches small, and giving freed memory back between clients.

A conversation allocates and frees many short-lived buffers on several threads (audio,
decoder inputs, translation batches). glibc keeps freed heap memory in its per-thread
arenas rather than returning it, so a desk's resident memory grew by tens of MB per
client although nothing was kept (docs/benchmarks.md, "A working day"). Trimming the
heap after a session closes returns it, and fewer arenas (with MKL's own cache off) keep
less while the models work. Elsewhere (Windows, macOS, musl) the glibc parts do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import importlib.util
import logging
import os
import sys
import threading
import types

logger = logging.getLogger(__name__)

#: glibc's mallopt parameter for the most heap arenas (malloc.h).
_M_ARENA_MAX = -8
#: Heap arenas for the whole process. glibc allows eight per core by default, each
#: keeping what its threads freed; two serve a desk's dozen threads.
_ARENAS = 2
#: Modules imported by libraries the app uses, for parts of them the app rarely or never
#: uses: PyAV (FFmpeg, about 18 MB), which faster-whisper imports for decoding files.
_DEFERRED_MODULES = ("av",)


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    return library if hasattr(library, "malloc_trim") else None


def limit_allocator_caches() -> None:
    """Make the allocators keep less freed memory for reuse; call once, first in main().

    Whisper's and the translators' work buffers are freed after every decode, but Intel
    MKL's memory manager (CTranslate2's CPU allocator) and glibc's per-thread arenas keep
    them. Together these two settings take about 30 MB off a working desk's 540 MB, with
    no measurable cost in speed (docs/benchmarks.md, "Memory while listening and
    translating"). MKL reads its setting when it starts, so this must come before any
    model runs. MKL takes the variable's presence, not its value, as the setting: an
    environment that already has it is left alone.
    """
    os.environ.setdefault("MKL_DISABLE_FAST_MM", "1")
    libc = _glibc()
    if libc is not None:
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt(_M_ARENA_MAX, _ARENAS)


def release_free_memory() -> bool:
    """Return freed heap memory to the OS where the C library can (glibc's malloc_trim);
    True when it was done."""
    libc = _glibc()
    if libc is None:  # not Linux, or not glibc
        return False
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim(0)
    logger.debug("returned freed heap memory to the system")
    return True


class _LoadedOnFirstUse(types.ModuleType):
    """Stands in ``sys.modules`` for a module until one of its attributes is first read.

    Then the real module is imported (once, under a lock: any thread may be first), takes
    its place in ``sys.modules``, and this stand-in forwards to it for the modules that
    imported the stand-in. The import system's own reads (``__spec__``) find the stand-in's
    attributes and load nothing, which is why :class:`importlib.util.LazyLoader` does not
    serve here: ``import av`` itself reads ``__spec__``, and a lazy module loads then.
    """

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_loading"] = threading.Lock()
        self.__dict__["_module"] = None

    def __getattr__(self, attribute: str) -> object:
        with self.__dict__["_loading"]:
            module = self.__dict__["_module"]
            if module is None:
                if sys.modules.get(self.__name__) is self:
                    del sys.modules[self.__name__]
                module = importlib.import_module(self.__name__)
                self.__dict__["_module"] = module
                logger.debug("%s loaded on first use", self.__name__)
        return getattr(module, attribute)


def defer_rarely_used_imports() -> None:
    """Make ``import av`` load PyAV only when it is first used; call once, first in main().

    faster-whisper imports PyAV to decode files, which the app never asks it to do:
    the microphone needs no decoding, and file replay decodes with PyAV itself, only for
    files other than 16 kHz PCM WAV (:mod:`interpreter.audio.replay`). Until then the
    module is a stand-in that loads it on first use, which keeps about 18 MB out of a
    desk that never replays such a file. A module already imported, or not installed,
    is left alone.
    """
    for name in _DEFERRED_MODULES:
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            sys.modules[name] = _LoadedOnFirstUse(name)
