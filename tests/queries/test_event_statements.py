"""The docking-event statements of ``gql_server.queries.docking_events``, built and run as
they are (no GraphQL), on 400 generated events on SQLite and PostgreSQL, against the plain
Python reading of LL2's rules in ``support.reference``: filters, search, ordering, paging,
the probe of a searched page, and keyset (cursor) pages."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from support.reference import Event, ids, kept, ordered
from support.statements import Generated, events_json

from gql_server.queries import docking_events as q
from gql_server.queries import event_filter
from gql_server.queries.docking_events import EventFilter, Ordering
from gql_server.queries.search_walk import walks

EVENTS = [Event.of(e) for e in events_json()]
BY_DOCKING = ordered(EVENTS)
MIDDLE = BY_DOCKING[200]
TIE = next(e for e in BY_DOCKING if sum(o.docking == e.docking for o in EVENTS) > 1)
DEPARTED = next(e for e in BY_DOCKING[150:] if e.departure is not None)
ALL = len(EVENTS)  # a page as long as the table: the whole order

ORDERINGS: dict[str, list[Ordering]] = {
    "none": [],
    "docking": [Ordering.DOCKING_ASC],
    "-docking": [Ordering.DOCKING_DESC],
    "departure": [Ordering.DEPARTURE_ASC],
    "-departure": [Ordering.DEPARTURE_DESC],
    "-departure,-docking": [Ordering.DEPARTURE_DESC, Ordering.DOCKING_DESC],
    "departure,-docking": [Ordering.DEPARTURE_ASC, Ordering.DOCKING_DESC],
    "-docking,departure": [Ordering.DOCKING_DESC, Ordering.DEPARTURE_ASC],
}

FILTERS: dict[str, dict[str, Any]] = {
    "none": {},
    "docking_gt": {"docking_gt": MIDDLE.docking},
    "docking_gte": {"docking_gte": MIDDLE.docking},
    "docking_lt": {"docking_lt": MIDDLE.docking},
    "docking_lte": {"docking_lte": MIDDLE.docking},
    # At an instant several events share: the bounds are strict or not, for all of them.
    "docking_gt_tie": {"docking_gt": TIE.docking},
    "docking_gte_tie": {"docking_gte": TIE.docking},
    "docking_lt_tie": {"docking_lt": TIE.docking},
    "docking_lte_tie": {"docking_lte": TIE.docking},
    "docking_range": {"docking_gte": BY_DOCKING[50].docking, "docking_lt": BY_DOCKING[90].docking},
    "empty_range": {"docking_gt": MIDDLE.docking, "docking_lt": MIDDLE.docking},
    "docking_location_id": {"docking_location_id": 4},
    "flight_vehicle_chaser_id": {"flight_vehicle_chaser_id": 22},
    "space_station_target_id": {"space_station_target_id": 18},
    "unknown_station": {"space_station_target_id": 999_999},
    # Attached at an instant: docked at or before it, departed after it (or never).
    "docked_at": {"docked_at": MIDDLE.docking + timedelta(days=3)},
    "docked_at_docking": {"docked_at": DEPARTED.docking},
    "docked_at_departure": {"docked_at": DEPARTED.departure},
    "search": {"search": "soyuz"},
    "search_case": {"search": "SoYuZ"},
    "search_terms": {"search": "international space"},
    "search_phrase": {"search": '"crew dragon"'},
    "search_commas": {"search": "nauka,soyuz"},
    "search_short_term": {"search": "ss"},  # under three characters: no trigram index
    "search_wildcards": {"search": "%_"},  # literal, as every character
    "search_blank": {"search": "  , "},
    "search_none": {"search": "no such thing"},
    "everything": {
        "space_station_target_id": 4,
        "docking_gte": BY_DOCKING[100].docking,
        "docking_lte": BY_DOCKING[300].docking,
        "search": "progress",
    },
}


def test_the_reference_is_not_vacuous() -> None:
    sizes = {name: len(kept(EVENTS, **f)) for name, f in FILTERS.items()}
    assert sizes["none"] == ALL
    assert sizes["empty_range"] == sizes["unknown_station"] == sizes["search_none"] == 0
    assert sizes["docking_gte_tie"] - sizes["docking_gt_tie"] > 1  # the tie
    assert all(0 < n < ALL for name, n in sizes.items() if name.startswith("search_") and name not in ("search_none", "search_blank", "search_wildcards"))
    assert 0 < sizes["everything"] < min(sizes["search_terms"], sizes["docking_range"] + 100)
    assert sizes["search_blank"] == ALL and sizes["search_wildcards"] == 0


@pytest.mark.parametrize("name", list(FILTERS))
def test_filters_and_search_keep_what_ll2_keeps(generated: Generated, name: str) -> None:
    where = EventFilter(**FILTERS[name])
    want = ids(ordered(kept(EVENTS, **FILTERS[name])))
    page, count = generated.rows(q.page(where, None, ALL, 0), event_filter.count(where))
    assert [row["id"] for row in page] == want
    ((total,),) = [row.values() for row in count]
    assert total == len(want)


@pytest.mark.parametrize("search", [None, "international"])
@pytest.mark.parametrize("name", list(ORDERINGS))
def test_orderings(generated: Generated, name: str, search: str | None) -> None:
    ordering = ORDERINGS[name]
    want = ids(ordered(kept(EVENTS, search=search), [o.value for o in ordering]))
    (got,) = generated.ids(q.page(EventFilter(search=search), ordering, ALL, 0))
    assert got == want


@pytest.mark.parametrize("search", [None, "soyuz"])
def test_pages_are_slices_of_the_order(generated: Generated, search: str | None) -> None:
    ordering = [Ordering.DEPARTURE_DESC]
    where = EventFilter(search=search)
    whole = ids(ordered(kept(EVENTS, search=search), ["-departure"]))
    cases = list(itertools.product((1, 7, 100), (0, 3, len(whole) - 2, len(whole), 1000)))
    pages = generated.ids(*[q.page(where, ordering, limit, offset) for limit, offset in cases])
    for (limit, offset), got in zip(cases, pages, strict=True):
        assert got == whole[offset : offset + limit], (limit, offset)


@pytest.mark.parametrize("name", list(ORDERINGS))
def test_deep_pages_find_their_rows_by_key_first(
    generated: Generated, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From ``DEFERRED_OFFSET`` on, a page reads its rows' keys first (the order's index),
    then the rows by id: the same slices of the order, for every ordering, filtered or
    not (the threshold lowered to 5 here: 400 events)."""
    monkeypatch.setattr(q, "DEFERRED_OFFSET", 5)
    ordering = ORDERINGS[name]
    for filtered in ("none", "docking_gte", "docking_location_id", "docking_range"):
        where = EventFilter(**FILTERS[filtered])
        whole = ids(ordered(kept(EVENTS, **FILTERS[filtered]), [o.value for o in ordering]))
        cases = [(7, 5), (100, 37), (3, len(whole) - 2), (10, len(whole) + 4), (5, 0)]
        statements = [q.page(where, ordering, limit, offset) for limit, offset in cases]
        assert len(whole) > 20, filtered
        assert [" found" in str(s) for s in statements] == [True] * 4 + [False]
        pages = generated.ids(*statements)
        for (limit, offset), got in zip(cases, pages, strict=True):
            assert got == whole[offset : offset + limit], (filtered, limit, offset)


@pytest.mark.parametrize("search", ["soyuz", "international space", "tianhe", "no such thing"])
def test_a_searched_page_probes_the_top_of_the_order_first(
    generated: Generated, search: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe looks at the first PROBE_WINDOW events only: when it fills the page, that is
    the page; the probe-or-page statement always is (in docking order there is none: the
    page walks the search index, ``search_walk``). A window of 40 events (2,000 in service)
    puts both cases within 400 events."""
    monkeypatch.setattr(q, "PROBE_WINDOW", 40)
    where = EventFilter(search=search)
    full = short = 0
    for name in ("none", "-docking", "-departure"):
        ordering = ORDERINGS[name]
        whole = ids(ordered(kept(EVENTS, search=search), [o.value for o in ordering]))
        cases = [(limit, offset) for limit in (1, 5, 20) for offset in (0, 4, 20) if limit + offset <= 40]
        statements = []
        for limit, offset in cases:
            probe, either = q.probe(where, ordering, limit, offset), q.probe_or_page(where, ordering, limit, offset)
            assert probe is not None and (either is None) == walks(where, ordering)
            statements += [probe, either if either is not None else q.page(where, ordering, limit, offset)]
        found = generated.ids(*statements)
        for (limit, offset), probed, either in zip(cases, found[::2], found[1::2], strict=True):
            want = whole[offset : offset + limit]
            assert either == want, (name, limit, offset)
            if len(probed) == limit:
                full += 1
                assert probed == want, (name, limit, offset)
            else:
                short += 1
                assert len(probed) < limit
    # Beyond the window there is no probe: the page is the search index's.
    assert q.probe(where, None, 30, 20) is None and q.probe_or_page(where, None, 30, 20) is None
    assert full + short > 0
    if search in ("soyuz", "international space"):
        assert full > 0  # common terms fill pages from the top of the order
    if search == "tianhe":
        assert short > 0  # rarer ones fall back


def walk(generated: Generated, where: EventFilter, ordering: list[Ordering], *, forward: bool) -> list[int]:
    """Every event in pages of 7 through keyset (cursor) positions, first to last."""
    keys = q.sort_keys(ordering)
    seen: list[int] = []
    position = None
    for _ in range(ALL):  # bounded: a page holds at least one event
        statement = (
            q.keyset_page(where, keys, 7, after_values=position)
            if forward
            else q.keyset_page(where, keys, 7, before_values=position, backwards=True)
        )
        (page,) = generated.rows(statement)
        if not page:
            return seen if forward else seen[::-1]
        seen += [row["id"] for row in page]
        position = q.position(keys, page[-1])
    raise AssertionError("the walk did not end")


@pytest.mark.parametrize("search", [None, "progress"])
@pytest.mark.parametrize("name", ["none", "-docking", "departure", "-departure,-docking"])
def test_keyset_pages_walk_the_order_both_ways(generated: Generated, name: str, search: str | None) -> None:
    ordering = ORDERINGS[name]
    where = EventFilter(search=search)
    whole = ids(ordered(kept(EVENTS, search=search), [o.value for o in ordering]))
    assert walk(generated, where, ordering, forward=True) == whole
    assert walk(generated, where, ordering, forward=False) == whole


@pytest.mark.parametrize("name", ["none", "-departure"])
def test_keyset_windows_and_neighbours(generated: Generated, name: str) -> None:
    """Between two positions: the events strictly between; ``exists_beyond``: whether an
    event of the list lies at or after (at or before) a position, for positions of events
    the list does not hold too."""
    ordering = ORDERINGS[name]
    keys = q.sort_keys(ordering)
    (everything,) = generated.rows(q.page(EventFilter(), ordering, ALL, 0))
    assert [row["id"] for row in everything] == ids(ordered(EVENTS, [o.value for o in ordering]))
    where = EventFilter(space_station_target_id=18)
    listed = {e.id for e in kept(EVENTS, space_station_target_id=18)}
    order = [row["id"] for row in everything]
    samples = [0, 1, 57, 180, 250, ALL - 2, ALL - 1]
    statements = []
    for a, b in itertools.pairwise(samples):
        start, end = q.position(keys, everything[a]), q.position(keys, everything[b])
        statements.append(q.keyset_page(EventFilter(), keys, ALL, after_values=start, before_values=end))
    for k in samples:
        at = q.position(keys, everything[k])
        statements += [
            q.exists_beyond(where, keys, at, forward=True),
            q.exists_beyond(where, keys, at, forward=False),
        ]
    found = generated.ids(*statements)
    windows, beyond = found[: len(samples) - 1], found[len(samples) - 1 :]
    for (a, b), got in zip(itertools.pairwise(samples), windows, strict=True):
        assert got == order[a + 1 : b], (a, b)
    for k, forward, backward in zip(samples, beyond[::2], beyond[1::2], strict=True):
        assert bool(forward) == any(i in listed for i in order[k:]), k
        assert bool(backward) == any(i in listed for i in order[: k + 1]), k
        assert set(forward) <= listed and set(backward) <= listed
