"""A small process-local memo: bounded, thread-safe, least recently used out first.

For values that are a pure function of their key: the key holds every input the value is made from (a rendered
fragment's displayed values and the language; a stored result's version), so an entry is never stale and nothing
has to be invalidated; a change of any input is a new key, and the old entry ages out. Each process (gunicorn
worker) keeps its own entries, read without a query or unpickling, unlike the DatabaseCache.

    FRAGMENTS = Memo("sync.pair", size=512)
    html = FRAGMENTS.get_or_set(key, lambda: render_to_string(...))

Keys must be hashable (tuples, frozensets, strings, numbers, dates). Do not put in a value what depends on something
the key does not hold: the request's user, a CSRF token, the time.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

_MISSING = object()
_ALL: weakref.WeakSet[Memo] = weakref.WeakSet()


class Memo(Generic[T]):
    """At most `size` entries; a get moves its entry to the back, a set past `size` drops the front one."""

    def __init__(self, name: str, *, size: int = 256) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.name, self.size = name, size
        self.hits = self.misses = 0
        self._data: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def __repr__(self) -> str:
        return f"<Memo {self.name}: {len(self._data)}/{self.size}, {self.hits} hits, {self.misses} misses>"

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable, default=None):
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return default
            self.hits += 1
            self._data.move_to_end(key)
            return value

    def set(self, key: Hashable, value: T) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def get_or_set(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept for `key`, else `compute()` kept and returned (computed outside the lock: two threads
        missing at once both compute, and the same value is kept)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.set(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


def clear_all() -> None:
    """Empty every memo of the process (tests that want a cold start)."""
    for memo in list(_ALL):
        memo.clear()
