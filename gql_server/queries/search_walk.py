"""SQLite: a searched page in docking order, read from the FTS5 table in that order.

The search table's rowid is an order key (migration 0008): ``bucket * 2^31 + id``, where the
bucket is the docking time in 64-second steps (clamped to 32 bits). Keys never decrease as
docking grows, so FTS5, which hands out a term's matches by rowid, hands them out in
docking order; bucket apart, within one bucket, they come by id, which is not quite the
page's order (two events 10 seconds apart share a bucket). Hence the page's candidates:

1. **the walk**: the first ``offset + limit`` matches of every condition, by key (the
   longest term through the FTS5 table, the other terms and filters tested on each row);
2. **the rest of the last bucket the walk reached**: the matches of the longest term whose
   key lies beyond the walk's last but in its bucket, which may come before it in docking
   order.

Every event before the walk's last bucket is in the walk; every event after it comes after
all of them. Sorted exactly (docking, then id, then the other keys) and sliced, the
candidates give the page. The walk stops at ``offset + limit`` matches, whatever the size of
the table or the number of matches: "dragon" oldest first reads 20 rows at 10,000 events and
at a million (the matches that came before do not count: FTS5 skips to them).

On other dialects the condition is ``true``: PostgreSQL has no index that keeps matches in
an order (``docs/search.md``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    bindparam,
    func,
    literal_column,
    select,
    table,
    text,
    true,
    union_all,
)

from gql_server.queries.event_filter import EVENTS, EventFilter, Ordering
from gql_server.queries.search import (
    FTS_TABLE,
    ID_ROOM,
    LONGEST,
    TRIGRAM,
    IndexedContains,
    phrase,
    search_conditions,
)
from gql_server.search_terms import folded_terms, unmatchable


def walks(where: EventFilter, ordering: Sequence[Ordering] | None) -> bool:
    """Whether a searched page in ``ordering`` is read by the walk (on SQLite): docking
    first (or no ordering: docking ascending), and a term the FTS5 table serves."""
    if ordering and ordering[0] not in (Ordering.DOCKING_ASC, Ordering.DOCKING_DESC):
        return False
    terms = folded_terms(where.search)
    return bool(terms) and not unmatchable(terms) and any(len(term) >= TRIGRAM for term in terms)


def unnarrowed(where: EventFilter, *, named: bool) -> list[ColumnElement[bool]]:
    """``where``'s conditions with each term a test on the row alone (not narrowed first
    through the FTS5 table): for rows the walk already chose."""
    conditions = replace(where, search=None).conditions(named=named)
    conditions.extend(search_conditions(EVENTS.c.search_document, where.search, named=named))
    return conditions


def walked(
    where: EventFilter,
    ordering: Sequence[Ordering] | None,
    limit: int,
    offset: int,
    *,
    named: bool,
) -> ColumnElement[bool]:
    """The condition that keeps a docking event among the page's candidates (above): on
    SQLite ``id IN (walk, rest of its last bucket)``, elsewhere ``true``. ``walks`` must
    hold. ``named``: the term and the slice's bounds are parameters (``LONGEST``, the
    slice's), as in ``docking_events``' statements."""
    descending = bool(ordering) and ordering[0] is Ordering.DOCKING_DESC  # type: ignore[index]
    terms = [term for term in folded_terms(where.search) if len(term) >= TRIGRAM]
    if named:  # the parameters of docking_events' named statements (SLICE_LIMIT, ...)
        term: Any = bindparam(LONGEST, type_=String())
        reach: Any = bindparam("slice_limit", type_=Integer()) + bindparam(
            "slice_offset", type_=Integer()
        )
    else:
        term = bindparam("walk_term", phrase(max(terms, key=len)), type_=String())
        reach = limit + offset
    fts = table(FTS_TABLE)
    key = literal_column(f"{FTS_TABLE}.rowid", Integer())
    # One clause in both places: its parameter is the same one.
    match = text(f"{FTS_TABLE} MATCH :{term.key}").bindparams(term)
    walk = (
        select(key.label("k"))
        .select_from(fts.join(EVENTS, EVENTS.c.id == key % ID_ROOM))
        .where(match, *unnarrowed(where, named=named))
        .order_by(key.desc() if descending else key.asc())
        .limit(reach)
        .correlate(None)
        .cte("walk")  # read once, asked three times
    )
    if descending:
        last = select(func.min(walk.c.k)).scalar_subquery()
        beyond = [key < last, key >= (last // ID_ROOM) * ID_ROOM]
    else:
        last = select(func.max(walk.c.k)).scalar_subquery()
        beyond = [key > last, key < (last // ID_ROOM + 1) * ID_ROOM]
    rest = select(key % ID_ROOM).select_from(fts).where(match, *beyond).correlate(None)
    candidates = union_all(select(walk.c.k % ID_ROOM), rest)
    return IndexedContains(true(), EVENTS.c.id.in_(candidates))
