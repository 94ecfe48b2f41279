"""A searched page in docking order read from the search index in key order
(``gql_server.queries.search_walk``). On SQLite keys order events by 64-second bucket, then
by id, so within a bucket their order is not the page's; on PostgreSQL the postings order
each word's events by docking, then id, which ties at one instant. Here nine "soyuz" events
share one bucket with their docking order the reverse of their ids (two of them at one
instant), and every slice of every docking ordering is compared with the plain Python
reading of LL2's rules. Then the keys and postings follow an event's changes (triggers): a
docking moved, an event removed, an ingest again; and the migrations fill them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Executable, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from support.databases import BACKENDS, run
from support.db_dump import ingest
from support.reference import Event, ids, kept, ordered
from support.statements import Generated, events_json, filled, rows

from gql_server.db.engine import create_engine
from gql_server.db.migrate import make_config
from gql_server.queries import docking_events as q
from gql_server.queries import search_walk
from gql_server.queries.docking_events import EventFilter, Ordering
from gql_server.queries.search import ID_ROOM
from gql_server.queries.search_walk import walks

# A bucket's start: a multiple of 64 seconds since the epoch.
BUCKET = datetime.fromtimestamp(64 * 26_000_000, UTC)


def crowded() -> list[dict[str, Any]]:
    """``events_json()``, with nine of its "soyuz" events (every third, from the 30th) moved
    into one bucket, the later the id the earlier the docking; the last two at one instant."""
    events = events_json()
    soyuz = [e for e in events if kept([Event.of(e)], search="soyuz")][30::3][:9]
    assert len(soyuz) == 9
    for place, event in enumerate(sorted(soyuz, key=lambda e: e["id"])):
        seconds = 60 - 7 * min(place, 7)
        event["docking"] = (BUCKET + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")
        event["departure"] = None
    return events


@pytest.fixture(scope="module", params=BACKENDS)
def walked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    yield filled(str(request.param), request, tmp_path_factory.mktemp("walk"), crowded())


ORDERINGS = {
    "none": [],
    "docking": [Ordering.DOCKING_ASC],
    "-docking": [Ordering.DOCKING_DESC],
    "-docking,departure": [Ordering.DOCKING_DESC, Ordering.DEPARTURE_ASC],
}


def test_the_bucket_is_crowded_out_of_id_order() -> None:
    events = [Event.of(e) for e in crowded()]
    inside = [e for e in events if BUCKET <= e.docking < BUCKET + timedelta(seconds=64)]
    assert len(inside) == 9
    by_docking = [e.id for e in ordered(inside)]
    assert by_docking != sorted(by_docking)  # the keys' order (by id) is not the page's


# "e s": one quoted term whose longest piece, "e", is in many words (PostgreSQL's walk reads
# them all, and an event holding two of them is one candidate).
@pytest.mark.parametrize("search", ["soyuz", "soyuz international", "soy", "soyuz ss", '"e s"'])
@pytest.mark.parametrize("name", list(ORDERINGS))
def test_every_slice_of_a_walked_page_is_the_reference(walked: Generated, name: str, search: str) -> None:
    ordering = ORDERINGS[name]
    where = EventFilter(search=search)
    assert walks(where, ordering)
    events = walked.events
    whole = ids(ordered(kept(events, search=search), [o.value for o in ordering]))
    assert whole
    # Slices around the crowded bucket and at the ends of the order.
    inside = {e.id for e in events if BUCKET <= e.docking < BUCKET + timedelta(seconds=64)}
    places = [i for i, event_id in enumerate(whole) if event_id in inside]
    starts = sorted({0, len(whole) - 1, *(p + d for p in places[:1] + places[-1:] for d in range(-3, 4))})
    cases = [(limit, start) for limit in (1, 2, 3, 5) for start in starts if 0 <= start <= len(whole)]
    found = walked.ids(*(q.page(where, ordering, limit, start) for limit, start in cases))
    for (limit, start), got in zip(cases, found, strict=True):
        assert got == whole[start : start + limit], (limit, start)


def test_a_filter_and_the_walk(walked: Generated) -> None:
    where = EventFilter(search="soyuz", docking_gte=BUCKET + timedelta(seconds=20))
    whole = ids(ordered(kept(walked.events, search="soyuz", docking_gte=where.docking_gte)))
    (got,) = walked.ids(q.page(where, [Ordering.DOCKING_ASC], 4, 0))
    assert got == whole[:4] and len(got) == 4


def _in_transaction(url: str, work: Callable[[Connection], Any]) -> None:
    """``work`` on a connection to ``url``, in one transaction."""

    async def go() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(work)
        finally:
            await engine.dispose()

    run(go())


def _moved(url: str, statement: str, values: dict[str, Any]) -> None:
    _in_transaction(url, lambda c: c.execute(text(statement), values))


def _ingested_again(url: str, folder: Path, events: list[dict[str, Any]], *, removed: int) -> None:
    """Ingest ``events`` again (its upsert), another "soyuz" event than ``removed`` moved
    late: it comes first newest first, and the removed event is back where the file has it."""
    second = next(e for e in events if e["id"] != removed and kept([Event.of(e)], search="soyuz"))
    second["docking"] = "2998-01-01T00:00:00Z"
    again = folder / "again.json"
    again.write_text(json.dumps(events))
    ingest(url, again)
    want = ids(ordered(kept([Event.of(e) for e in events], search="soyuz"), ["-docking"]))
    (page,) = rows(url, q.page(EventFilter(search="soyuz"), [Ordering.DOCKING_DESC], 3, 0))
    assert [r["id"] for r in page] == want[:3] and want[0] == second["id"]


def test_the_keys_follow_a_moved_and_a_removed_event(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("moved")
    made = filled("sqlite", request, folder, crowded())
    url, events = made.url, made.json
    where, order = EventFilter(search="soyuz"), [Ordering.DOCKING_ASC]
    (first,) = rows(url, q.page(where, order, 1, 0))
    # The first "soyuz" event moves to the end of time: a walked page finds it last.
    _moved(url, "UPDATE docking_event SET docking = :at WHERE id = :id", {"at": "2999-01-01 00:00:00.000000", "id": first[0]["id"]})
    (page,) = rows(url, q.page(where, [Ordering.DOCKING_DESC], 1, 0))
    assert [r["id"] for r in page] == [first[0]["id"]]
    (keys,) = rows(url, text("SELECT rowid AS k FROM docking_event_search ORDER BY rowid"))
    assert len({k["k"] % ID_ROOM for k in keys}) == len(keys) == len(events)
    _moved(url, "DELETE FROM docking_event WHERE id = :id", {"id": first[0]["id"]})
    (page,) = rows(url, q.page(where, [Ordering.DOCKING_DESC], 1, 0))
    assert page and page[0]["id"] != first[0]["id"]
    (count,) = rows(url, text("SELECT count(*) AS n FROM docking_event_search WHERE docking_event_search MATCH '\"soyuz\"'"))
    assert count[0]["n"] == len(kept([Event.of(e) for e in events], search="soyuz")) - 1
    _ingested_again(url, folder, events, removed=first[0]["id"])
    (keys,) = rows(url, text("SELECT rowid AS k FROM docking_event_search"))
    assert sorted(k["k"] % ID_ROOM for k in keys) == sorted(e["id"] for e in events)


def test_migration_0008_keys_a_filled_table_and_goes_back(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    made = filled("sqlite", request, tmp_path_factory.mktemp("migrate"), crowded())
    url, events = made.url, made.json
    soyuz = sorted(e["id"] for e in events if kept([Event.of(e)], search="soyuz"))
    matched = text("SELECT rowid AS k FROM docking_event_search WHERE docking_event_search MATCH '\"soyuz\"'")

    _in_transaction(url, lambda c: command.downgrade(make_config(c), "0007"))  # rowid = event id, as 0005 made it
    (keys,) = rows(url, matched)
    assert sorted(k["k"] for k in keys) == soyuz
    _in_transaction(url, lambda c: command.upgrade(make_config(c), "head"))  # rowid = order key
    (keys,) = rows(url, matched)
    assert sorted(k["k"] % ID_ROOM for k in keys) == soyuz and min(k["k"] for k in keys) > ID_ROOM
    by_key = [k["k"] % ID_ROOM for k in sorted(keys, key=lambda k: k["k"])]
    by_docking = ids(ordered(kept([Event.of(e) for e in events], search="soyuz")))
    assert by_key != by_docking  # the crowded bucket comes by id in key order
    (page,) = rows(url, q.page(EventFilter(search="soyuz"), [Ordering.DOCKING_ASC], 50, 0))
    assert [r["id"] for r in page] == by_docking[:50]


POSTED = text(
    "SELECT w.word, p.docking, p.event_id FROM docking_event_search_posting AS p"
    " JOIN docking_event_search_word AS w ON w.id = p.word_id"
)
DOCUMENTS = text("SELECT id, docking, search_document FROM docking_event")


def _posted(url: str) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """PostgreSQL: the postings as stored, and as the events' documents make them (each
    word, split on spaces and the field separator, with the event's docking and id)."""
    posted, documents = rows(url, POSTED, DOCUMENTS)
    wanted = {
        (word, d["docking"], d["id"])
        for d in documents
        for word in d["search_document"].replace("\x1f", " ").split(" ")
        if word
    }
    return {(p["word"], p["docking"], p["event_id"]) for p in posted}, wanted


def test_the_postings_follow_a_moved_and_a_removed_event(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("posted")
    made = filled("postgresql", request, folder, crowded())
    url, events = made.url, made.json
    posted, wanted = _posted(url)
    assert posted == wanted and len(wanted) > 2 * len(events)
    where, order = EventFilter(search="soyuz"), [Ordering.DOCKING_ASC]
    (first,) = rows(url, q.page(where, order, 1, 0))
    # The first "soyuz" event moves to the end of time: a walked page finds it last.
    moved = {"at": datetime(2999, 1, 1, tzinfo=UTC), "id": first[0]["id"]}
    _moved(url, "UPDATE docking_event SET docking = :at WHERE id = :id", moved)
    (page,) = rows(url, q.page(where, [Ordering.DOCKING_DESC], 1, 0))
    assert [r["id"] for r in page] == [first[0]["id"]]
    # A change that leaves the document and docking alone leaves the postings as they were.
    _moved(url, "UPDATE docking_event SET departure = NULL WHERE id = :id", {"id": first[0]["id"]})
    posted, wanted = _posted(url)
    assert posted == wanted and any(p[1].year == 2999 for p in posted)
    _moved(url, "DELETE FROM docking_event WHERE id = :id", {"id": first[0]["id"]})
    posted, wanted = _posted(url)
    assert posted == wanted and first[0]["id"] not in {p[2] for p in posted}
    _ingested_again(url, folder, events, removed=first[0]["id"])
    posted, wanted = _posted(url)
    assert posted == wanted and {p[2] for p in posted} == {e["id"] for e in events}


def test_migration_0009_posts_a_filled_table_and_goes_back(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    made = filled("postgresql", request, tmp_path_factory.mktemp("migrate"), crowded())
    url, events = made.url, made.json
    tables = text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'docking_event_search%'")
    _in_transaction(url, lambda c: command.downgrade(make_config(c), "0008"))
    assert rows(url, tables) == [[]]
    _in_transaction(url, lambda c: command.upgrade(make_config(c), "head"))
    posted, wanted = _posted(url)
    assert posted == wanted and {p[2] for p in posted} == {e["id"] for e in events}
    by_docking = ids(ordered(kept([Event.of(e) for e in events], search="soyuz")))
    (page,) = rows(url, q.page(EventFilter(search="soyuz"), [Ordering.DOCKING_ASC], 50, 0))
    assert [r["id"] for r in page] == by_docking[:50]


def _plan(url: str, statement: Executable) -> dict[str, Any]:
    """EXPLAIN ANALYZE's plan of ``statement`` on ``url``, with the planner kept from reading
    a table whole (sequential and bitmap scans, hash joins): at 400 events that is its
    cheapest plan, while at 10,000 it walks the postings' key (``bench/``, docs/search.md)."""

    async def go() -> dict[str, Any]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin"):
                    await conn.execute(text(f"SET {setting} = off"))
                compiled = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
                explained = await conn.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}"))
                plan: dict[str, Any] = explained.scalar_one()[0]["Plan"]
                return plan
        finally:
            await engine.dispose()

    result: dict[str, Any] = run(go())
    return result


def _scans(plan: dict[str, Any], relation: str) -> list[dict[str, Any]]:
    """The plan's nodes that read ``relation``, nested plans included."""
    found = [plan] if plan.get("Relation Name") == relation else []
    for child in plan.get("Plans", []):
        found += _scans(child, relation)
    return found


def test_the_walk_reads_what_the_page_holds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """PostgreSQL: each word's postings are read from the page's start, and no further than
    the page reaches (EXPLAIN ANALYZE's rows, per loop), however many events match."""
    walked = filled("postgresql", request, tmp_path_factory.mktemp("read"), crowded())
    where = EventFilter(search="soyuz")
    matches = len(kept(walked.events, search="soyuz"))
    for ordering, limit, offset in [([], 3, 0), ([Ordering.DOCKING_DESC], 2, 5)]:
        plan = _plan(walked.url, q.page(where, ordering, limit, offset))
        scans = _scans(plan, "docking_event_search_posting")
        # Two reads of the postings: the walk (each word's list, from the page's start) and
        # the rest of its last instant; both through the postings' key, in order.
        assert [s["Node Type"] for s in scans] == ["Index Only Scan"] * 2
        assert matches > 10 * (limit + offset)
        # At most the page's reach of each list (and the events tied with its last).
        assert max(s["Actual Rows"] for s in scans) <= limit + offset + 2


def test_a_term_with_a_space_is_another_statement() -> None:
    """PostgreSQL's walk reads the postings alone for one term without a space: a term with
    one (walked by a piece of it) must not share its statement."""
    one, spaced = EventFilter(search="dragon"), EventFilter(search='"dra gon"')
    assert one.shape() != spaced.shape()
    assert "docking_event.search_document" not in _walk_of(one)
    assert "docking_event.search_document" in _walk_of(spaced)


def _walk_of(where: EventFilter) -> str:
    """The PostgreSQL walk's CTE of ``where``'s page, as SQL."""
    sql = str(q.page(where, [], 20, 0, named=True).compile(dialect=postgresql.dialect()))
    return sql[sql.index("walk AS") : sql.index("SELECT matches.")]


@pytest.mark.parametrize("most", [0, 1, 10_000])
def test_a_piece_in_too_many_words_reads_the_matches(
    walked: Generated, most: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``MAX_WALKED_WORDS`` words holding the piece, PostgreSQL's page is read from the
    matches instead of the walk: the same pages either way."""
    monkeypatch.setattr(search_walk, "MAX_WALKED_WORDS", most)
    if walked.backend == "postgresql":
        (held,) = walked.rows(text("SELECT count(*) AS n FROM docking_event_search_words('e')"))
        assert held[0]["n"] > 1  # "e s" walks many words, "soyuz" one
    for search in ['"e s"', "soyuz"]:
        where = EventFilter(search=search)
        for ordering in (ORDERINGS["none"], ORDERINGS["-docking"]):
            whole = ids(ordered(kept(walked.events, search=search), [o.value for o in ordering]))
            cases = [(3, 0), (2, 5), (4, len(whole) - 2)]
            found = walked.ids(*(q.page(where, ordering, limit, start) for limit, start in cases))
            for (limit, start), got in zip(cases, found, strict=True):
                assert got == whole[start : start + limit], (search, limit, start)
