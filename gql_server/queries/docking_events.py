"""The statements of docking event lists, in order: the REST endpoint's slices and search
(the filter itself and its count are ``event_filter``), and keyset positions for cursor
paging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnCollection

from gql_server.queries.event_filter import EVENTS, EventFilter, Ordering
from gql_server.queries.relations import JoinStep, chained_columns
from gql_server.queries.search import candidate_count, search_conditions
from gql_server.queries.search_walk import unnarrowed, walked, walks
from gql_server.search_terms import folded_terms


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY key: a column, its direction, and where nulls go (None: not nullable)."""

    column: str
    descending: bool
    nulls_first: bool | None

    def reversed(self) -> SortKey:
        nulls = None if self.nulls_first is None else not self.nulls_first
        return SortKey(self.column, not self.descending, nulls)


def sort_keys(ordering: Sequence[Ordering] | None) -> list[SortKey]:
    """The keys in order (docking ascending when none), null departures last ascending and
    first descending (PostgreSQL's rule, which LL2 follows), then id ascending."""
    keys: list[SortKey] = []
    for key in ordering or [Ordering.DOCKING_ASC]:
        if key is Ordering.DOCKING_ASC:
            keys.append(SortKey("docking", False, None))
        elif key is Ordering.DOCKING_DESC:
            keys.append(SortKey("docking", True, None))
        elif key is Ordering.DEPARTURE_ASC:
            keys.append(SortKey("departure", False, False))
        else:
            keys.append(SortKey("departure", True, True))
    keys.append(SortKey("id", False, None))
    return keys


def order_terms(
    keys: Sequence[SortKey], columns: ColumnCollection[str, Any] | None = None
) -> list[ColumnElement[object]]:
    c = EVENTS.c if columns is None else columns
    terms: list[ColumnElement[object]] = []
    for key in keys:
        term = c[key.column].desc() if key.descending else c[key.column].asc()
        if key.nulls_first is True:
            term = term.nulls_first()
        elif key.nulls_first is False:
            term = term.nulls_last()
        terms.append(term)
    return terms


def order_by(
    ordering: Sequence[Ordering] | None, columns: ColumnCollection[str, Any] | None = None
) -> list[ColumnElement[object]]:
    """ORDER BY terms for ``ordering`` over ``columns`` (the events table by default)."""
    return order_terms(sort_keys(ordering), columns)


def position(keys: Sequence[SortKey], row: Mapping[str, Any]) -> list[Any]:
    """A row's values of the sort keys: its place in the order (a cursor holds them)."""
    return [row[key.column] for key in keys]


def _after_one(key: SortKey, value: Any) -> ColumnElement[bool]:
    """Rows whose ``key`` value comes strictly after ``value`` in the key's order. Never
    NULL (so that NOT of it means "at or before"): nullable columns test for null first."""
    column = EVENTS.c[key.column]
    if value is None:  # only a nullable column holds null
        return column.is_not(None) if key.nulls_first else false()
    beyond = column < value if key.descending else column > value
    if key.nulls_first is None:
        return beyond
    beyond = and_(column.is_not(None), beyond)
    return beyond if key.nulls_first else or_(column.is_(None), beyond)


def _equal(key: SortKey, value: Any) -> ColumnElement[bool]:
    column = EVENTS.c[key.column]
    if value is None:
        return column.is_(None)
    return (
        column == value if key.nulls_first is None else and_(column.is_not(None), column == value)
    )


def after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after the position ``values`` in the order of ``keys`` (keyset)."""
    alternatives = [
        and_(
            *[_equal(k, v) for k, v in zip(keys[:i], values[:i], strict=True)],
            _after_one(key, value),
        )
        for i, (key, value) in enumerate(zip(keys, values, strict=True))
    ]
    return or_(*alternatives)


def before(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly before the position ``values``: after it in the reversed order."""
    return after([key.reversed() for key in keys], values)


# From this offset on, a page finds its rows' keys first, over the order's index (OFFSET
# skips index entries, not rows: "docking, id" covers them), then reads the rows by id. At
# 100,000 events on PostgreSQL a deep page with its total: 16-19 -> 9-11.5 ms.
DEFERRED_OFFSET = 1000


# ``named`` statements (below) take the slice's bounds as these parameters.
SLICE_LIMIT = "slice_limit"
SLICE_OFFSET = "slice_offset"


def _bounds(limit: int, offset: int, named: bool) -> tuple[Any, Any]:
    if not named:
        return limit, offset
    return bindparam(SLICE_LIMIT, type_=Integer()), bindparam(SLICE_OFFSET, type_=Integer())


def slice_parameters(where: EventFilter, limit: int, offset: int) -> dict[str, Any]:
    """The values of a ``named`` statement's parameters: the filter's and the slice's."""
    return {**where.parameters(), SLICE_LIMIT: limit, SLICE_OFFSET: offset}


# Every statement builder below takes ``named``: when true, the filter's values and the
# slice's bounds are parameters (``slice_parameters``), and one statement serves every
# request of the same shape (``event_statements``): building one costs milliseconds.


def page(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    *,
    named: bool = False,
) -> Select[tuple[object, ...]]:
    if folded_terms(where.search):
        return _searched_page(where, ordering, limit, offset, named)
    keys = sort_keys(ordering)
    deep = offset >= DEFERRED_OFFSET
    wanted = (
        [EVENTS.c[name] for name in dict.fromkeys(k.column for k in keys)] if deep else [EVENTS]
    )
    sliced = select(*wanted).where(*where.conditions(named=named)).order_by(*order_terms(keys))
    size, start = _bounds(limit, offset, named)
    sliced = sliced.limit(size).offset(start)
    if not deep:
        return sliced
    found = sliced.subquery("found")  # the keys end with id
    join = EVENTS.join(found, EVENTS.c.id == found.c.id)
    return select(EVENTS).select_from(join).order_by(*order_terms(keys, found.c))


def _searched_page(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    named: bool,
) -> Select[tuple[object, ...]]:
    """A searched page: the matches first (pg_trgm's GIN, SQLite's FTS5 table), then their
    slice in order. ``OFFSET 0`` keeps the matches a subquery planned apart: planned whole,
    PostgreSQL walks the order's index testing every row, the table nearly through for a
    term that matches late. In docking order the matches are the page's
    candidates, read from the search index in that order (``search_walk``): they cost what
    the page holds; on PostgreSQL unless the piece lies in too many words (the walk's gate)."""
    conditions = where.conditions(named=named)
    matches: Any = select(EVENTS).where(*conditions).offset(literal_column("0"))
    if walks(where, ordering):  # the search index in docking order (``search_walk``)
        candidates, few = walked(where, ordering, limit, offset, named=named)
        walked_matches = select(EVENTS).where(*unnarrowed(where, named=named), candidates)
        either = [walked_matches.where(few).offset(literal_column("0")), matches.where(~few)]
        matches = union_all(*(select(m.subquery()) for m in either))
    found = matches.subquery("matches")
    size, start = _bounds(limit, offset, named)
    return select(found).order_by(*order_by(ordering, found.c)).limit(size).offset(start)


# How many events, in the page's order, a searched page looks at before it asks the search
# index: a common term fills the page from the first few hundred, while the index would
# hand over every match (a hundred thousand at a million events) to be sorted.
PROBE_WINDOW = 2000
# At most this many candidates, a searched page reads its matches rather than the window:
# on SQLite a match (a read by id, the test, the sort) costs about twice a window row
# (read in index order), so a quarter of the window leaves a margin. Measured at 10,000
# events: "dragon" (294 matches) 0.65 ms for the page against 1.4 ms for window + page;
# "soyuz" (about 1,900) 2.6 ms for its page against 1.2 ms for the window that fills.
FEW_CANDIDATES = PROBE_WINDOW // 4


def probe(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    *,
    named: bool = False,
) -> Select[tuple[object, ...]] | None:
    """For a searched page: a statement whose answer, when it holds ``limit`` rows, is the
    page; otherwise the caller runs ``page``. None when there is no search.

    When the search index counts at most ``FEW_CANDIDATES`` (SQLite's FTS5 table counts them
    without reading an event; see ``candidate_count``), the page itself: reading that few
    matches costs less than the window. Otherwise ``_window_probe``: the page over
    the first ``PROBE_WINDOW`` events in order. Both are branches of one statement, and the
    branch not taken has ``LIMIT 0``, which SQLite and PostgreSQL test before reading."""
    window = _window_probe(where, ordering, limit, offset, named)
    if window is None:
        return None
    candidates = candidate_count(where.search, FEW_CANDIDATES, named=named)
    size, _ = _bounds(limit, offset, named)
    few = page(where, ordering, limit, offset, named=named).limit(
        case((candidates <= FEW_CANDIDATES, size), else_=0)
    )
    many = window.limit(case((candidates > FEW_CANDIDATES, size), else_=0))
    either = union_all(select(few.subquery("few")), select(many.subquery("many")))
    found = either.subquery("probe")
    return select(found).order_by(*order_by(ordering, found.c))


def _window_probe(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    named: bool,
    window_size: int | None = None,
) -> Select[tuple[object, ...]] | None:
    """The page computed over the first ``window_size`` events (in order, other filters
    applied) only. When it comes back full, it is the page: the matches at those positions
    all lie in the window, which is the top of the order. None when there is no search, or
    the slice reaches past the window. ``window_size``: ``PROBE_WINDOW`` unless told."""
    window_size = PROBE_WINDOW if window_size is None else window_size
    if not folded_terms(where.search) or offset + limit > window_size:
        return None
    unsearched = replace(where, search=None)
    window = (
        select(EVENTS)
        .where(*unsearched.conditions(named=named))
        .order_by(*order_by(ordering))
        .limit(window_size)
        .subquery("window")
    )
    size, start = _bounds(limit, offset, named)
    return (
        select(window)
        .where(*search_conditions(window.c.search_document, where.search, named=named))
        .order_by(*order_by(ordering, window.c))
        .limit(size)
        .offset(start)
    )


# PostgreSQL: a searched slice first looks this many events into the order (a common term
# fills it there), then counts the matches, at most FEW_CANDIDATES + 1 of them, through
# the trigram index (a rare term's are few: its slice is read from them, where the
# PROBE_WINDOW would read 2,000 events and find none), and only then tries PROBE_WINDOW.
SMALL_WINDOW = 200


def probe_or_page(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    *,
    named: bool = False,
) -> Select[tuple[object, ...]] | None:
    """The probes and, when they do not fill the slice, the slice (``page``), as one
    statement: one round trip to PostgreSQL where they would cost several. Each probe's
    rows go into a CTE; every branch of the ``UNION ALL`` carries conditions on counts
    alone, which PostgreSQL tests once, in order, before running the branch (a one-time
    filter, whose subqueries run when first needed), so a try runs only when the ones
    before it fell short. In order: the first ``SMALL_WINDOW`` events; the matches, when
    they number at most ``FEW_CANDIDATES``; the first ``PROBE_WINDOW`` events; the
    matches. None when there is no search, or when the slice walks the search index in its
    order (``search_walk``: its statement reads the matches when the piece is in too many
    words). Branches here would add their rows' estimates: the chain below, planned for
    70 rows where the walk gives 20, read whole tables by hash joins."""
    if walks(where, ordering):
        return None
    window = _window_probe(where, ordering, limit, offset, named)
    if window is None:
        return None
    size, _ = _bounds(limit, offset, named)
    probed = window.cte("probed")
    filled = select(func.count()).select_from(probed).scalar_subquery()
    fallback = page(where, ordering, limit, offset, named=named).subquery("fallback")
    small = _window_probe(where, ordering, limit, offset, named, SMALL_WINDOW)
    if small is None:  # the slice reaches past the small window
        branches = [
            select(probed).where(filled == size),
            select(fallback).where(filled < size),
        ]
    else:
        glanced = small.cte("glanced")
        seen = select(func.count()).select_from(glanced).scalar_subquery()
        matching = (
            select(literal_column("1"))
            .select_from(EVENTS)
            .where(*where.conditions(named=named))
            .limit(FEW_CANDIDATES + 1)
            .subquery("matching")
        )
        # A CTE: two branches ask, and it is counted once.
        counted = select(func.count().label("n")).select_from(matching).cte("counted")
        few = select(counted.c.n).scalar_subquery() <= FEW_CANDIDATES
        branches = [
            select(glanced).where(seen == size),
            select(probed).where(seen < size, ~few, filled == size),
            select(fallback).where(seen < size, or_(few, filled < size)),
        ]
    either = union_all(*branches).subquery("either")
    return select(either).order_by(*order_by(ordering, either.c))


def chained_page(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    steps: Sequence[JoinStep],
    *,
    named: bool = False,
) -> Select[tuple[object, ...]]:
    """PostgreSQL: the slice (``probe_or_page`` when searched, else ``page``) with the to-one
    chain of rows below each event (``relations.chained_columns``: ``steps[0]`` is the
    events), in order, in one statement: the whole request when that is all it reads, so it
    runs alone, one snapshot without a transaction (``Reader.rows_alone``)."""
    base = probe_or_page(where, ordering, limit, offset, named=named)
    if base is None:
        base = page(where, ordering, limit, offset, named=named)
    found = base.subquery("p0")
    joined, columns = chained_columns(steps, found)
    return select(*columns).select_from(joined).order_by(*order_by(ordering, found.c))


def keyset_page(
    where: EventFilter,
    keys: Sequence[SortKey],
    limit: int,
    *,
    after_values: Sequence[Any] | None = None,
    before_values: Sequence[Any] | None = None,
    backwards: bool = False,
) -> Select[tuple[object, ...]]:
    """Up to ``limit`` rows strictly between the two positions, from the start of that
    window (or from its end, in reversed order, when ``backwards``)."""
    conditions = where.conditions()
    if after_values is not None:
        conditions.append(after(keys, after_values))
    if before_values is not None:
        conditions.append(before(keys, before_values))
    order = [key.reversed() for key in keys] if backwards else list(keys)
    return select(EVENTS).where(*conditions).order_by(*order_terms(order)).limit(limit)


def exists_beyond(
    where: EventFilter, keys: Sequence[SortKey], values: Sequence[Any], *, forward: bool
) -> Select[tuple[int]]:
    """One row (or none) matching ``where`` at or after (``forward``) / at or before the
    position: whether a page has neighbours on that side."""
    strictly = before(keys, values) if forward else after(keys, values)
    return select(EVENTS.c.id).where(*where.conditions(), ~strictly).limit(1)
