"""The one least-recently-used cache of the code base, bounded in bytes.

Every cache a request can fill (answers, persisted queries, parsed and validated documents,
plans) is one of these: entries are accounted at the size the caller states, an entry
larger than ``max_entry_bytes`` is not kept at all, and the least recently used entries go
first once ``budget_bytes`` is passed. A budget of 0 keeps nothing. Safe to share between
threads (the heavy lane's loop runs on one of its own).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# What a dict slot, the key's object and the entry's tuple cost beyond the stated size.
ENTRY_OVERHEAD = 200


class ByteLRU(Generic[K, V]):
    def __init__(self, budget_bytes: int, max_entry_bytes: int | None = None) -> None:
        self.budget_bytes = budget_bytes
        self.max_entry_bytes = budget_bytes if max_entry_bytes is None else max_entry_bytes
        self.bytes = 0  # what the kept entries are accounted at
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
            return hit[0]

    def put(self, key: K, value: V, size: int) -> bool:
        """Keep ``value`` accounted at ``size`` bytes; False when it is too large to keep."""
        size += ENTRY_OVERHEAD
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            if size > self.max_entry_bytes or size > self.budget_bytes:
                return False
            self._items[key] = (value, size)
            self.bytes += size
            while self.bytes > self.budget_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self.bytes -= dropped
            return True

    def discard(self, key: K) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items
