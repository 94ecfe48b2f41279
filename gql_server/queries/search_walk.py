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

PostgreSQL has the search postings instead (migration 0009): every word of the documents
with its events keyed by (docking, id). The longest piece of a term between spaces lies
within one word of any document that matches, so the events of the words that contain it
(the vocabulary's trigram index finds them) hold every match. The page's candidates:

1. **the walk**: for each such word, its first ``offset + limit`` events by key that meet
   every condition (a LATERAL read of its list in order, stopping there); of all of them,
   the first ``offset + limit`` distinct events by key. An event among the page's first
   ``offset + limit`` is among the first that many of every list holding it;
2. **the rest of the walk's last docking instant**: the words' events at the walk's last
   docking time, which the page orders by id ascending (the walk, descending, by id
   descending) or by later keys.

Each word's list is read from where the page starts, whatever the size of the table: the
walk costs the page's rows times the words that hold the piece (one, for "dragon"). Past
``MAX_WALKED_WORDS`` words (the walk's gate, from ``walked``) the page reads the matches
instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    String,
    bindparam,
    column,
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
    PIECE,
    TRIGRAM,
    IndexedContains,
    like_escaped,
    phrase,
    search_conditions,
    walk_piece,
)
from gql_server.search_terms import folded_terms, unmatchable

# The search postings (migration 0009, PostgreSQL); their words come through
# ``docking_event_search_words(piece)``.
POSTINGS = table(
    "docking_event_search_posting",
    column("word_id", Integer()),
    column("docking", EVENTS.c.docking.type),
    column("event_id", Integer()),
)


def walks(where: EventFilter, ordering: Sequence[Ordering] | None) -> bool:
    """Whether a searched page in ``ordering`` is read by the walk: docking first (or no
    ordering: docking ascending), and a term of three characters or more (what the FTS5
    table serves; PostgreSQL's walk follows the same rule)."""
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
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The condition that keeps a docking event among the page's candidates (above): ``id
    IN (walk, rest)``, from SQLite's FTS5 table or PostgreSQL's search postings; and the
    walk's gate: on PostgreSQL, whether the piece (``walk_piece``) lies in at most
    ``MAX_WALKED_WORDS`` words, the condition of the walk's branch (and its negation, of
    the matches'), which PostgreSQL tests once, before the branch runs; true on SQLite,
    whose walk reads the FTS5 table's list of the longest term. ``walks`` must hold.
    ``named``: the terms and the slice's bounds are parameters (``LONGEST``, ``PIECE``, the
    slice's), as in ``docking_events``' statements."""
    descending = bool(ordering) and ordering[0] is Ordering.DOCKING_DESC  # type: ignore[index]
    terms = folded_terms(where.search)
    if named:  # the parameters of docking_events' named statements (SLICE_LIMIT, ...)
        term: Any = bindparam(LONGEST, type_=String())
        reach: Any = bindparam("slice_limit", type_=Integer()) + bindparam(
            "slice_offset", type_=Integer()
        )
    else:
        long_enough = [term for term in terms if len(term) >= TRIGRAM]
        term = bindparam("walk_term", phrase(max(long_enough, key=len)), type_=String())
        reach = limit + offset
    # Through a function the planner counts one row of (migration 0009): the plan is the
    # same for any piece, so PostgreSQL keeps one plan of a prepared statement instead of
    # planning it again for each (a piece's own estimate, from the vocabulary's trigram
    # statistics, made the plan for any piece look dearer). Read once: the gate counts
    # the words (up to one past the cap), and the walk reads their lists when they are few.
    found = func.docking_event_search_words(_piece(terms, named), type_=Integer())
    words = (
        select(found.table_valued("id").c.id)
        .limit(MAX_WALKED_WORDS + 1)
        .correlate(None)
        .cte("walk_words")
    )
    capped = select(words.c.id).subquery("capped_words")
    counted = select(func.count()).select_from(capped).scalar_subquery()
    candidates = IndexedContains(
        _posting_walk(where, words, reach, descending, named),
        _fts_walk(where, term, reach, descending, named),
    )
    return candidates, IndexedContains(counted <= MAX_WALKED_WORDS, true())


# PostgreSQL walks the words holding the piece each from the page's start: a piece in more
# words than this (a few digits of the serial numbers in spacecraft names: at a million
# events, 30,619 words hold "12") may cost more than the matches, which the page reads
# instead.
MAX_WALKED_WORDS = 64


def _piece(terms: Sequence[str], named: bool) -> Any:
    """The walk's piece of ``terms``, a LIKE pattern's middle: the ``PIECE`` parameter when
    ``named``."""
    if named:
        return bindparam(PIECE, type_=String())
    piece = like_escaped(walk_piece(terms))
    return bindparam("walk_piece", piece, type_=String())


def _fts_walk(
    where: EventFilter, term: Any, reach: Any, descending: bool, named: bool
) -> ColumnElement[bool]:
    """SQLite: the walk through the FTS5 table, keyed by bucket and id."""
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
    return EVENTS.c.id.in_(candidates)


def _posted_alone(where: EventFilter) -> bool:
    """Whether the postings of the words holding the piece are the matches themselves: one
    term, the piece (no space in it), and no filter. Then the walk reads no event."""
    terms = set(folded_terms(where.search))
    return (
        len(terms) == 1
        and " " not in next(iter(terms))
        and not replace(where, search=None).conditions()
    )


def _posting_walk(
    where: EventFilter, words: CTE, reach: Any, descending: bool, named: bool
) -> ColumnElement[bool]:
    """PostgreSQL: the walk through the search postings of ``words`` (their ids)."""
    key = [POSTINGS.c.docking, POSTINGS.c.event_id]
    order = [k.desc() if descending else k.asc() for k in key]
    listed: Any = select(*key).where(POSTINGS.c.word_id == words.c.id).order_by(*order)
    if not _posted_alone(where):
        # Each posting's event tested as it comes, in the list's order (``OFFSET 0`` keeps
        # the list a subquery read by its key: planned whole, PostgreSQL may rather read
        # every event that holds the term through the trigram index, and sort them).
        ordered = listed.offset(literal_column("0")).correlate(words).subquery("ordered")
        listed = (
            select(ordered.c.docking, ordered.c.event_id)
            .select_from(ordered.join(EVENTS, EVENTS.c.id == ordered.c.event_id))
            .where(*unnarrowed(where, named=named))
            .order_by(*(k.desc() if descending else k.asc() for k in ordered.c))
        )
    # A word's first matches in order: its postings read by their key.
    listed = listed.limit(reach).correlate_except(POSTINGS, EVENTS).lateral("listed")
    first = [listed.c.docking, listed.c.event_id]
    walk = (
        select(*first)
        .distinct()  # a match may hold two of the words
        .select_from(words.join(listed, true()))
        .order_by(*(k.desc() if descending else k.asc() for k in first))
        .limit(reach)
        .correlate(None)
        .cte("walk")
    )
    last = select((func.min if descending else func.max)(walk.c.docking)).scalar_subquery()
    rest = (
        select(POSTINGS.c.event_id)
        .where(POSTINGS.c.word_id.in_(select(words.c.id)), POSTINGS.c.docking == last)
        .correlate(None)
    )
    return EVENTS.c.id.in_(union_all(select(walk.c.event_id), rest))
