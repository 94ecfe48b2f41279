"""HTTP-level caches: automatic persisted queries, and responses keyed by the data version.

Both are per process and bounded in bytes (least recently used entries go first; see
gql_server.bytecache). The response cache
is correct across processes because its key holds the database's data version (with the last
complete sync), which every ingest or sync that changes data bumps in its own transaction and
each request reads in its own snapshot: a
process can only reuse an answer computed from the very data it would read now.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from gql_server.bytecache import ByteLRU
from gql_server.graphql.errors import (
    BAD_USER_INPUT,
    PERSISTED_QUERY_HASH_MISMATCH,
    PERSISTED_QUERY_NOT_FOUND,
    PERSISTED_QUERY_NOT_SUPPORTED,
)


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
    protocol simply registers it again). A query is registered only once it has parsed,
    validated and passed the limits (``register``, after execution), within a byte budget."""

    def __init__(self, budget_bytes: int) -> None:
        self.queries: ByteLRU[str, str] = ByteLRU(budget_bytes)

    def register(self, digest: str, query: str) -> None:
        self.queries.put(digest, query, 2 * len(query))

    def resolve(
        self, query: str | None, extensions: dict[str, Any] | None
    ) -> tuple[str | None, str | None]:
        """The query to run (``query`` itself, or the one registered under the hash), and
        the hash to register it under once it has run (None: nothing to register)."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query, None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                "persistedQuery must be {version: 1, sha256Hash}", PERSISTED_QUERY_NOT_SUPPORTED
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise PersistedQueryError(
                "persistedQuery.sha256Hash must be a hex SHA-256", BAD_USER_INPUT
            )
        digest = digest.lower()
        if query:
            if sha256(query) != digest:
                raise PersistedQueryError(
                    "the sha256Hash does not match the query", PERSISTED_QUERY_HASH_MISMATCH
                )
            return query, (None if digest in self.queries else digest)
        known = self.queries.get(digest)
        if known is None:
            raise PersistedQueryError("PersistedQueryNotFound", PERSISTED_QUERY_NOT_FOUND)
        return known, None
