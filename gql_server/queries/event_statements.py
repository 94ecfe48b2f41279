"""The statements of a root list of docking events, by its arguments, kept: building one
(filters, search terms, probe window, a chain of joins) costs a request more CPU than
running a short one. ``docking_events`` builds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select

from gql_server.bytecache import ByteLRU
from gql_server.queries.docking_events import (
    EventFilter,
    Ordering,
    chained_page,
    count,
    page,
    probe,
    probe_or_page,
)
from gql_server.queries.relations import JoinStep

# Statements are immutable, and the arguments (a frozen filter, a tuple of orderings, ints) are their whole identity.
# Kept within a byte budget (gql_server.bytecache): a search string is the client's, up to a
# request body long, and each statement holds its terms.
STATEMENT_CACHE_BYTES = 16 * 1024 * 1024
STATEMENT_BYTES = 20_000  # a compiled-to-be statement's objects, about (its terms apart)
# Module-level on purpose, unlike the engines, readers and the version watch the lifespan
# owns: it memoizes a pure function (the key is the statement's whole identity, the value
# an immutable statement), so two apps sharing it get exactly what each would have built,
# and nothing one does can change what another reads; it holds no connection, thread or
# task, so shutdown has nothing to close; its memory is bounded by STATEMENT_CACHE_BYTES.
# SQLAlchemy's own compiled cache, per engine, sits behind it.
_STATEMENTS: ByteLRU[tuple[Any, ...], tuple[Any]] = ByteLRU(STATEMENT_CACHE_BYTES)
# A chained page's objects, about, per column it reads (as the planner's chains: W3's, 8
# tables and 81 columns, took 359 kB with its compiled form).
CHAIN_BYTES_PER_COLUMN = 4_500


def _cached(
    kind: str, build: Callable[..., Any], where: EventFilter, *rest: Any, more_bytes: int = 0
) -> Any:
    key = (kind, where, *rest)
    hit = _STATEMENTS.get(key)
    if hit is None:
        hit = (build(where, *rest),)  # a 1-tuple: a built None is kept too
        # The search's text stands in the key, the filter and the statement's terms.
        _STATEMENTS.put(key, hit, STATEMENT_BYTES + more_bytes + 4 * len(where.search or ""))
    return hit[0]


def cached_page(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Select[tuple[object, ...]]:
    return _cached("page", page, where, ordering, limit, offset)


def cached_probe(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Select[tuple[object, ...]] | None:
    return _cached("probe", probe, where, ordering, limit, offset)


def cached_probe_or_page(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Select[tuple[object, ...]] | None:
    return _cached("probe_or_page", probe_or_page, where, ordering, limit, offset)


def cached_chained_page(
    where: EventFilter,
    ordering: tuple[Ordering, ...],
    limit: int,
    offset: int,
    steps: tuple[JoinStep, ...],
) -> Select[tuple[object, ...]]:
    more = CHAIN_BYTES_PER_COLUMN * sum(len(step.names) for step in steps)
    return _cached("chained", chained_page, where, ordering, limit, offset, steps, more_bytes=more)


def cached_count(where: EventFilter) -> Select[tuple[int]]:
    return _cached("count", count, where)
