"""Parsed and validated documents kept across requests, within a byte budget.

One entry per document text holds its parse and its validation errors. A parsed document
costs about 500 bytes a token (nodes, their locations and the token chain they keep),
plus its text, which is kept twice (the key and the source the tokens point into); the
entry is accounted at that, so distinct padded or token-heavy documents cannot grow the
process past ``budget_bytes``. A document that does not parse is not kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from gql_server.bytecache import ByteLRU

TOKEN_BYTES = 500  # measured with tracemalloc: 470 a token for the full LL2 page query
ERROR_BYTES = 2_000  # a validation error with its message and locations


def document_bytes(text: str, document: DocumentNode) -> int:
    """What keeping ``document`` (parsed from ``text``) costs, about."""
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    return 2 * len(text) + TOKEN_BYTES * tokens


class _Entry:
    __slots__ = ("document", "errors", "size")

    def __init__(self, document: DocumentNode, size: int) -> None:
        self.document = document
        self.errors: tuple[GraphQLError, ...] | None = None  # None: not validated yet
        self.size = size


class DocumentCache:
    """The cache one schema's requests share (created with the schema)."""

    def __init__(self, budget_bytes: int, max_entry_bytes: int) -> None:
        self.entries: ByteLRU[str, _Entry] = ByteLRU(budget_bytes, max_entry_bytes)

    def parsed(self, query: str, max_tokens: int) -> DocumentNode | None:
        """``query`` parsed (through the cache), or None when it does not parse."""
        entry = self.entries.get(query)
        if entry is None:
            try:
                document = parse(query, max_tokens=max_tokens)
            except GraphQLError:
                return None
            entry = _Entry(document, document_bytes(query, document))
            self.entries.put(query, entry, entry.size)
        return entry.document

    def valid(self, query: str) -> bool:
        """Whether ``query`` is kept, parsed and validated without errors."""
        entry = self.entries.get(query)
        return entry is not None and entry.errors == ()

    def extension(self) -> CachedDocuments:
        return CachedDocuments(self)


class CachedDocuments(SchemaExtension):
    """Parses and validates through the shared ``DocumentCache``; list it before the
    extensions that read the validation errors (EnforceLimits)."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache
        self.entry: _Entry | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None and context.graphql_document is None:
            entry = self.cache.entries.get(query)
            if entry is None:
                document = parse(query, **context.parse_options)  # errors go to the client
                entry = _Entry(document, document_bytes(query, document))
                self.cache.entries.put(query, entry, entry.size)
            self.entry = entry
            context.graphql_document = entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = self.entry
        if entry is not None and entry.document is context.graphql_document:
            if entry.errors is None:
                entry.errors = tuple(_validate(context))
                query = context.query
                if entry.errors and query is not None and query in self.cache.entries:
                    # Re-accounted with its errors.
                    entry.size += ERROR_BYTES * len(entry.errors)
                    self.cache.entries.put(query, entry, entry.size)
            context.pre_execution_errors = list(entry.errors)
        yield


def _validate(context: Any) -> list[GraphQLError]:
    if not context.validation_rules:
        return []
    return validate_document(
        context.schema._schema, context.graphql_document, context.validation_rules
    )
