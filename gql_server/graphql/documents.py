"""Parsed and validated documents kept across requests, within a byte budget.

One entry per document text holds its parse and its validation errors. A parsed document
costs about 500 bytes a token (nodes, their locations and the token chain they keep),
plus its text, which is kept twice (the key and the source the tokens point into); the
entry is accounted at that, so distinct padded or token-heavy documents cannot grow the
process past ``budget_bytes``. A document that does not parse is not kept.

An entry also keeps its operations' measures (``gql_server.graphql.cost``), per operation
name and the values of the variables that can change them (``priced_variables``: a page
size, a search, ids; not an id), at most ``MAX_MEASURES`` of them, each accounted in the
entry's size: a document asked again with another id is not walked again. And, per
operation name, the direct lane's note (``gql_server.graphql.compiled.direct``), when the
lane can answer it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.schema.schema import validate_document

from gql_server.bytecache import ENTRY_OVERHEAD, ByteLRU

if TYPE_CHECKING:
    from gql_server.graphql.cost import Measures

TOKEN_BYTES = 500  # measured with tracemalloc: 470 a token for the full LL2 page query
ERROR_BYTES = 2_000  # a validation error with its message and locations
MAX_MEASURES = 16  # measures kept per document (distinct page sizes, searches...)
MEASURES_BYTES = 400  # one kept measure: its key tuple, the Measures object, a dict slot
MAX_MEASURES_KEY = 1_000  # priced values longer than this (as JSON) are measured each time
DIRECT_BYTES = 2_000  # a direct lane's note and the plan it keeps alive, about (its code apart)


def document_bytes(text: str, document: DocumentNode) -> int:
    """What keeping ``document`` (parsed from ``text``) costs, about."""
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    return 2 * len(text) + TOKEN_BYTES * tokens


class _Entry:
    __slots__ = ("direct", "document", "errors", "measures", "priced", "size")

    def __init__(self, document: DocumentNode, size: int) -> None:
        self.document = document
        self.errors: tuple[GraphQLError, ...] | None = None  # None: not validated yet
        self.size = size
        # Per operation name: the variables its measures depend on.
        self.priced: dict[str | None, tuple[str, ...]] = {}
        # Per (operation name, those variables' values as JSON): its measures.
        self.measures: dict[tuple[str | None, str], Any] = {}
        # Per operation name: the direct lane's note (compiled/direct.py).
        self.direct: dict[str | None, Any] = {}


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

    def direct(self, query: str, name: str | None) -> Any:
        """The direct lane's note for ``query``'s operation ``name``, if one is kept (the
        document then parsed and validated without errors)."""
        entry = self.entries.get(query)
        if entry is None or not entry.direct:
            return None
        return entry.direct.get(name)

    def keep_direct(self, query: str, name: str | None, note: Any) -> None:
        """Keep ``note`` with ``query``'s entry, when that entry holds the document the note
        was made from and validated without errors; accounted in the entry's size."""
        entry = self.entries.get(query)
        if entry is None or entry.errors != () or name in entry.direct:
            return
        if not any(d is note.operation for d in entry.document.definitions):
            return
        if self._grow(query, entry, DIRECT_BYTES + getattr(note, "code_bytes", 0)):
            entry.direct[name] = note

    def _grow(self, query: str | None, entry: _Entry, extra: int) -> bool:
        """Account ``extra`` more bytes to ``entry`` (kept under ``query``): False, and
        nothing changed, when that would make it too large to keep (the entry stays as it
        was rather than being dropped)."""
        if entry.size + extra + ENTRY_OVERHEAD > self.entries.max_entry_bytes:
            return False
        entry.size += extra
        if query is not None and query in self.entries:
            self.entries.put(query, entry, entry.size)  # re-accounted
        return True

    def constant_measures(self, query: str, name: str | None) -> Measures | None:
        """The kept measures of ``query``'s operation ``name`` when no variable prices it
        (the same for any variables), else None (``measures`` then tells them)."""
        entry = self.entries.get(query)
        if entry is None or entry.priced.get(name) != ():
            return None
        found: Measures | None = entry.measures.get((name, ""))
        return found

    def measures(
        self,
        query: str | None,
        document: DocumentNode,
        name: str | None,
        variables: Mapping[str, Any],
        priced: Callable[[], tuple[str, ...]],
        walk: Callable[[], Any],
    ) -> Any:
        """``walk()`` (the operation's measures), kept with ``query``'s entry when that entry
        holds ``document``, under ``name`` and the values ``variables`` give the variables
        ``priced()`` names; what ``walk`` raises is raised, and nothing is kept."""
        entry = self.entries.get(query) if query is not None else None
        if entry is None or entry.document is not document:
            return walk()
        names = entry.priced.get(name)
        if names is None:
            names = entry.priced[name] = priced()
        # Given or not, and the value: an absent variable and a null one may price apart.
        values = (
            json.dumps([(n in variables, variables.get(n)) for n in names], default=repr)
            if names
            else ""
        )
        key = (name, values)
        found = entry.measures.get(key)
        if found is not None:
            return found
        found = walk()
        if (
            len(entry.measures) < MAX_MEASURES
            and len(values) <= MAX_MEASURES_KEY
            and self._grow(query, entry, MEASURES_BYTES + 2 * len(values))
        ):
            entry.measures[key] = found
        return found

    def parse_for(self, context: Any) -> _Entry | None:
        """At Strawberry's parse step: ``context``'s document, parsed through the cache
        (a parse error goes to the client); the entry it came from, to validate with."""
        query = context.query
        if query is None or context.graphql_document is not None:
            return None
        entry = self.entries.get(query)
        if entry is None:
            document = parse(query, **context.parse_options)
            entry = _Entry(document, document_bytes(query, document))
            self.entries.put(query, entry, entry.size)
        context.graphql_document = entry.document
        return entry

    def validate_for(self, context: Any, entry: _Entry | None) -> None:
        """At Strawberry's validation step: ``context``'s document validated once per entry
        (its errors kept with it); the schema's ``RequestHooks`` runs this before the limits,
        which read the errors."""
        if entry is None or entry.document is not context.graphql_document:
            return
        if entry.errors is None:
            entry.errors = tuple(_validate(context))
            query = context.query
            if entry.errors and query is not None and query in self.entries:
                # Re-accounted with its errors.
                entry.size += ERROR_BYTES * len(entry.errors)
                self.entries.put(query, entry, entry.size)
        context.pre_execution_errors = list(entry.errors)


def _validate(context: Any) -> list[GraphQLError]:
    if not context.validation_rules:
        return []
    return validate_document(
        context.schema._schema, context.graphql_document, context.validation_rules
    )
