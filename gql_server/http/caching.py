"""HTTP-level caches: automatic persisted queries, and responses keyed by the data version.

Both are per process and bounded (least recently used entries go first). The response cache
is correct across processes because its key holds the database's data version, which every
ingest or sync bumps in its own transaction and each request reads in its own snapshot: a
process can only reuse an answer computed from the very data it would read now.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A dict that keeps at most ``size`` entries, dropping the least recently used."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        if self.size <= 0:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def request_key(query: str, operation_name: str | None, variables: dict[str, Any] | None) -> str:
    """What identifies a request's answer, given the data: document, operation, variables."""
    # json with ensure_ascii: variables may hold lone surrogates (JSON can escape them),
    # which UTF-8 encoders (orjson included) refuse.
    canonical = json.dumps([sha256(query), operation_name, variables or {}], sort_keys=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class CachedResponse:
    body: bytes
    request_error: bool


class PersistedQueryError(Exception):
    """An APQ request the server cannot serve; ``code`` goes to the client."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PersistedQueries:
    """Apollo's automatic persisted queries: a client sends ``sha256Hash`` alone; on
    ``PERSISTED_QUERY_NOT_FOUND`` it sends hash and query once, and the hash works from then
    on (in this process: a load balancer may send the next request elsewhere, where the
    protocol simply registers it again)."""

    def __init__(self, size: int) -> None:
        self._queries: LRU[str, str] = LRU(size)

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The query to run: ``query`` itself, or the one registered under the hash."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                "persistedQuery must be {version: 1, sha256Hash}", "PERSISTED_QUERY_NOT_SUPPORTED"
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise PersistedQueryError(
                "persistedQuery.sha256Hash must be a hex SHA-256", "BAD_USER_INPUT"
            )
        digest = digest.lower()
        if query:
            if sha256(query) != digest:
                raise PersistedQueryError(
                    "the sha256Hash does not match the query", "PERSISTED_QUERY_HASH_MISMATCH"
                )
            self._queries.put(digest, query)
            return query
        known = self._queries.get(digest)
        if known is None:
            raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        return known
