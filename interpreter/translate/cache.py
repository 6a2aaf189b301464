"""A small thread-safe LRU cache of translations.

Keys are ``(route id, source text, glossary version)``: the same sentence translated by
another model or pair, or after the glossary changed, is a different entry.

``functools.lru_cache`` does not fit: it caches a function on all of its arguments (the
backend object and request options included), it is shared by every caller of the function
rather than owned by one translator, and it offers neither per-instance sizing, explicit
keys for ``put`` after a batch, nor dropping one route's entries. An ``OrderedDict`` behind a
lock does all of that in a few lines.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

V = TypeVar("V")
CacheKey = tuple[str, str, str]


@dataclass(frozen=True)
class CacheStats:
    """Counters at one moment: entries held, the limit, hits and misses so far."""

    size: int
    max_entries: int
    hits: int
    misses: int

    @property
    def hit_rate(self) -> float:
        """Hits divided by look-ups (0.0 before the first look-up)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class TranslationCache(Generic[V]):
    """Least-recently-used cache keyed by route id, source text and glossary version."""

    def __init__(self, max_entries: int = 2048) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self._max_entries = max_entries
        self._entries: OrderedDict[CacheKey, V] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    @property
    def max_entries(self) -> int:
        """The most entries held; the least recently used goes first when full."""
        return self._max_entries

    def get(self, route: str, source: str, glossary_version: str = "") -> V | None:
        """The cached value, marked as recently used, or None (counted as a miss)."""
        key = (route, source, glossary_version)
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return value

    def put(self, route: str, source: str, glossary_version: str, value: V) -> None:
        """Store ``value``, evicting the least recently used entries beyond the limit."""
        key = (route, source, glossary_version)
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                evicted, _ = self._entries.popitem(last=False)
                logger.debug("evicted cache entry for route %s", evicted[0])

    def drop_route(self, route: str) -> int:
        """Remove every entry of ``route`` (a model was unloaded); returns how many."""
        with self._lock:
            keys = [key for key in self._entries if key[0] == route]
            for key in keys:
                del self._entries[key]
            return len(keys)

    def clear(self) -> None:
        """Remove every entry and reset the counters."""
        with self._lock:
            self._entries.clear()
            self._hits = self._misses = 0

    @property
    def hits(self) -> int:
        """Look-ups that found a value."""
        with self._lock:
            return self._hits

    @property
    def misses(self) -> int:
        """Look-ups that found nothing."""
        with self._lock:
            return self._misses

    def stats(self) -> CacheStats:
        """A consistent snapshot of size and counters."""
        with self._lock:
            return CacheStats(len(self._entries), self._max_entries, self._hits, self._misses)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries
