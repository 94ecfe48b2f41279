"""The statements of a root list of docking events, kept by the shape of its arguments:
building one (filters, search terms, probe window, a chain of joins) costs a request
milliseconds of CPU, running a short one less. ``docking_events`` builds them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select

from gql_server.bytecache import ByteLRU
from gql_server.queries.docking_events import (
    DEFERRED_OFFSET,
    PROBE_WINDOW,
    SMALL_WINDOW,
    EventFilter,
    Ordering,
    chained_page,
    page,
    probe,
    probe_or_page,
    slice_parameters,
)
from gql_server.queries.event_filter import count
from gql_server.queries.pages import with_total
from gql_server.queries.relations import JoinStep
from gql_server.queries.search import search_shape

# One statement per shape of the arguments, its values left as parameters (``named``
# statements): a request with the same filters, search kind and slice kind as an earlier
# one takes its statement, and passes its own values (``Prepared``) when it runs it: a new
# search term or offset costs no building, and SQLAlchemy's compiled form is reused too.
# The shapes are few (which filters are given, how many search terms, the orderings):
# kept within a byte budget (gql_server.bytecache) all the same.
STATEMENT_CACHE_BYTES = 16 * 1024 * 1024
# A statement's objects, about (tracemalloc of a second build, 2026-11-30): an unsearched
# slice or count, tens of kB; a searched one holds its probe's windows and CTEs, each with
# every column proxied (probe_or_page: 466 kB for one term, 790 kB for 20); and each term
# about 16 kB more per statement.
STATEMENT_BYTES = 20_000
SEARCHED_BYTES = 480_000
TERM_BYTES = 16_000
# Module-level on purpose, unlike the engines, readers and the version watch the lifespan
# owns: it memoizes a pure function (the key is the statement's whole identity, the value
# an immutable statement), so two apps sharing it get exactly what each would have built,
# and nothing one does can change what another reads; it holds no connection, thread or
# task, so shutdown has nothing to close; its memory is bounded by STATEMENT_CACHE_BYTES.
_STATEMENTS: ByteLRU[tuple[Any, ...], tuple[Any]] = ByteLRU(STATEMENT_CACHE_BYTES)
# A chained page's objects, about, per column it reads (as the planner's chains: W3's, 8
# tables and 81 columns, took 359 kB with its compiled form).
CHAIN_BYTES_PER_COLUMN = 4_500

# A statement and the values of its parameters for one request.
Prepared = tuple[Select[Any], dict[str, Any]]


def _shared(
    kind: str,
    build: Callable[..., Any],
    where: EventFilter,
    ordering: tuple[Ordering, ...],
    limit: int,
    offset: int,
    *rest: Any,
    more_bytes: int = 0,
) -> Any:
    """``build``'s named statement for the shape of these arguments (None kept too)."""
    # Every choice the builders make from a value: the filter's shape, a deep slice, a
    # slice within each probe's window.
    reach = offset + limit
    slice_kind = (offset >= DEFERRED_OFFSET, reach <= PROBE_WINDOW, reach <= SMALL_WINDOW)
    key = (kind, where.shape(), ordering, slice_kind, *rest)
    hit = _STATEMENTS.get(key)
    if hit is None:
        hit = (build(where, ordering, limit, offset, *rest, named=True),)
        _STATEMENTS.put(key, hit, STATEMENT_BYTES + _searched_bytes(where) + more_bytes)
    return hit[0]


def _searched_bytes(where: EventFilter) -> int:
    shape = search_shape(where.search)
    return 0 if shape is None else SEARCHED_BYTES + TERM_BYTES * len(shape)


def cached_page(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Prepared:
    statement = _shared("page", page, where, ordering, limit, offset)
    return statement, slice_parameters(where, limit, offset)


# The column that carries a root list's total on each row of its slice.
TOTAL = "_total"


def cached_page_with_total(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Prepared:
    statement = _shared("page_total", _page_with_total, where, ordering, limit, offset)
    return statement, slice_parameters(where, limit, offset)


def _page_with_total(
    where: EventFilter, ordering: Any, limit: int, offset: int, *, named: bool
) -> Select[Any]:
    sliced = page(where, ordering, limit, offset, named=named)
    return with_total(sliced, count(where, named=named), TOTAL)


def cached_probe(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Prepared | None:
    statement = _shared("probe", probe, where, ordering, limit, offset)
    return None if statement is None else (statement, slice_parameters(where, limit, offset))


def cached_probe_or_page(
    where: EventFilter, ordering: tuple[Ordering, ...], limit: int, offset: int
) -> Prepared | None:
    statement = _shared("probe_or_page", probe_or_page, where, ordering, limit, offset)
    return None if statement is None else (statement, slice_parameters(where, limit, offset))


def cached_chained_page(
    where: EventFilter,
    ordering: tuple[Ordering, ...],
    limit: int,
    offset: int,
    steps: tuple[JoinStep, ...],
) -> Prepared:
    more = CHAIN_BYTES_PER_COLUMN * sum(len(step.names) for step in steps)
    statement = _shared(
        "chained", chained_page, where, ordering, limit, offset, steps, more_bytes=more
    )
    return statement, slice_parameters(where, limit, offset)


def cached_count(where: EventFilter) -> Prepared:
    statement = _shared("count", _count, where, (), 0, 0)
    return statement, where.parameters()


def _count(
    where: EventFilter, _ordering: Any, _limit: int, _offset: int, *, named: bool
) -> Select[Any]:
    return count(where, named=named)
