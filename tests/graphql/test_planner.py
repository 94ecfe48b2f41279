"""The look-ahead planner answers exactly what graphql-core alone answers, byte for byte,
with fewer statements: each table (or link) a planned selection reaches is read once.

Every document runs against the same database through two apps: the planner on (the
default) and off (``planner=False``: every field through graphql-core's resolvers).
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.client import Client, make_client
from support.data import FULL_PAGE_QUERY, SEED_DIR
from support.databases import database_factory
from support.db_dump import ingest

from gql_server.db.engine import TRANSACTION_CONTROL, watch_statements
from gql_server.synthetic import write_pages

PAIRS: dict[str, tuple[Client, Client]] = {}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Client, Client]]:
    """(planner on, planner off) over one database: the seed page and 300 synthetic events."""
    folder = tmp_path_factory.mktemp("planner")
    url = database_factory(str(request.param), request, folder)()
    ingest(url, SEED_DIR, *write_pages(folder / "pages", 300, seed=7))
    on = make_client(url, seed_dir=None, response_cache_bytes=0)
    off = make_client(url, seed_dir=None, response_cache_bytes=0, planner=False)
    yield next(on), next(off)
    for clients in (on, off):
        next(clients, None)


def raw(client: Client, query: str, variables: dict[str, Any] | None = None) -> bytes:
    response = client.http.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.content


KEYS_ONLY = """fragment Keys on DockingEvent { id url docking departure
  dockingLocation { id } place: dockingLocation { __typename key: id }
  chaser { __typename ... on SpaceStation { id } ... on SpacecraftFlight { id }
    ... on PayloadFlight { id } }
  target { ... on SpaceStation { __typename id } ... on SpacecraftFlight { id } } }"""

DOCUMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "full page": (FULL_PAGE_QUERY, {"limit": 100}),
    "full page, latest departures": (
        FULL_PAGE_QUERY,
        {"limit": 100, "offset": 40, "ordering": ["DEPARTURE_DESC"]},
    ),
    "aliases and merged selections": (
        """{ a: dockingEvents(limit: 30, ordering: [DOCKING_DESC]) { results {
              id when: docking durationSeconds duration nodeId
              chaser { __typename
                ... on SpaceStation { id name }
                ... on SpaceStation { url image { id license { name } } }
                ... on SpacecraftFlight { spacecraft { name } s2: spacecraft { id status { name } } }
              }
              target { ... on SpaceStation { owners { name country { name alpha2Code } } } }
              dockingLocation { id ... on DockingLocation { name spacestation { name } } }
           } }
           b: dockingEvents(limit: 3) { count results { id } } }""",
        {},
    ),
    "skip and include": (
        """query ($yes: Boolean!, $no: Boolean!) { dockingEvents(limit: 20) { results {
              id url @skip(if: $yes) docking @include(if: $yes)
              chaser @include(if: $no) { __typename }
              dockingLocation @skip(if: $no) { name spacestation @include(if: $yes) { id } }
           } } }""",
        {"yes": True, "no": False},
    ),
    "point lookups": (
        """{ one: dockingEvent(id: 3) { ...E } two: dockingEvent(id: 5) { ...E }
             none: dockingEvent(id: 999999) { ...E } }
           fragment E on DockingEvent { id dockingLocation { name payload { name } }
             chaser { ... on PayloadFlight { payload { name manufacturer { name } } } } }""",
        {},
    ),
    # A lone point lookup is one statement of joins (planner/point.py): every chaser and
    # target kind, nulls along the chain, a variable id, an unknown id.
    "a lone point lookup, joined": (
        """query ($id: Int!) { dockingEvent(id: $id) { ...Chain } }"""
        + "\n"
        + """fragment Chain on DockingEvent { id url docking departure __typename
             dockingLocation { id name spacestation { name image { name } } payload { name } }
             chaser { __typename ... on SpaceStation { name image { name } }
               ... on SpacecraftFlight { spacecraft { name } launch { name } }
               ... on PayloadFlight { payload { name manufacturer { name } } } }
             target { __typename ... on SpaceStation { name } ... on SpacecraftFlight { id } } }""",
        {"id": 3},
    ),
    # Relations asked for their id (and __typename) alone are answered from the referencing
    # columns, without reading the rows (plan.py: Reference and Alternatives, keyed): what
    # PostGraphile's by-id query asks (the event's columns), in the gateway's shape.
    "relations by their ids alone, a point lookup": (
        "query ($id: Int!) { dockingEvent(id: $id) { ...Keys } }\n" + KEYS_ONLY,
        {"id": 3},
    ),
    "relations by their ids alone, a page": (
        "{ dockingEvents(limit: 80, ordering: [DOCKING_DESC]) { results { ...Keys } } }\n"
        + KEYS_ONLY,
        {},
    ),
    "a lone unknown id": (
        "{ dockingEvent(id: 999999) { id dockingLocation { name spacestation { name } } } }",
        {},
    ),
    "a page of to-one chains, joined": (
        """{ dockingEvents(limit: 60, ordering: [DOCKING_DESC]) { results {
              id dockingLocation { name spacestation { name } payload { name } }
              chaser { __typename ... on SpaceStation { name }
                ... on SpacecraftFlight { spacecraft { name } }
                ... on PayloadFlight { payload { name manufacturer { name } } } } } } }""",
        {},
    ),
    "nodes through the interface": (
        """query ($ids: [ID!]!) { nodes(ids: $ids) { __typename nodeId
              ... on SpaceStation { name image { name } }
              ... on DockingEvent { id chaser { __typename } } } }""",
        {"ids": []},  # filled in by the test from real global ids
    ),
    "planned inside graphql-core's part": (
        """{ spaceStations(limit: 20) { count results {
              name owners { name type { name } }
              dockingLocations { name spacecraft { name family { name parent { name } } } }
              dockingEvents(limit: 4, ordering: [DOCKING_DESC]) { count results {
                id dockingLocation { name } chaser { ... on SpacecraftFlight { launch { name } } }
              } }
           } } }""",
        {},
    ),
    "an agency's designs (children declared on the field)": (
        """{ dockingEvents(limit: 40) { results { id chaser { ... on SpacecraftFlight {
              spacecraft { spacecraftConfig { name agency { name spacecraftConfigs {
                id name agency { name } } } } } } } } } }""",
        {},
    ),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_the_planner_answers_what_graphql_core_answers(
    pair: tuple[Client, Client], name: str
) -> None:
    on, off = pair
    query, variables = DOCUMENTS[name]
    if name == "nodes through the interface":
        events = on.data(
            "{ dockingEvents(limit: 5) { results { nodeId target { ... on SpaceStation { nodeId } } } } }"
        )
        variables = {
            "ids": [e["nodeId"] for e in events["dockingEvents"]["results"]]
            + [e["target"]["nodeId"] for e in events["dockingEvents"]["results"] if e["target"]]
        }
    planned = raw(on, query, variables)
    assert b'"errors"' not in planned, planned[:500]
    assert planned == raw(off, query, variables)


def statements_of(client: Client, query: str, variables: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    stop = watch_statements(client.http.app.state.engine, seen.append)  # type: ignore[attr-defined]
    try:
        client.data(query, variables)
    finally:
        stop()
    return [s for s in seen if s.strip().upper() not in TRANSACTION_CONTROL]


def test_relations_asked_for_their_ids_alone_read_no_other_table(
    pair: tuple[Client, Client],
) -> None:
    on, _ = pair
    point = "query ($id: Int!) { dockingEvent(id: $id) { ...Keys } }\n" + KEYS_ONLY
    page = "{ dockingEvents(limit: 80) { results { ...Keys } } }\n" + KEYS_ONLY
    for query, variables in ((point, {"id": 3}), (page, {})):
        sent = statements_of(on, query, variables)
        tables = {t for s in sent for t in re.findall(r"\b(?:FROM|JOIN) (\w+)", s)}
        assert tables <= {"docking_event", "data_version"}, sent
    # One name more is a row more: the location is read again.
    sent = statements_of(
        on, point.replace("dockingLocation { id }", "dockingLocation { id name }"), {"id": 3}
    )
    assert any("docking_location" in s for s in sent), sent


def test_the_full_page_reads_each_table_once(pair: tuple[Client, Client]) -> None:
    on, off = pair
    planned = statements_of(on, FULL_PAGE_QUERY, {"limit": 100})
    # A statement's table: its first FROM, but for the slice's count in its select list.
    tables = Counter(
        m.group(1)
        for s in planned
        if (m := re.search(r"\bFROM (?!docking_event_count\b)(\w+)", s))
        and m.group(1) not in ("data_version",)
    )
    # docking_event: the page's slice carries its count (one statement, not two), the
    # count the triggers keep, as nothing is filtered.
    assert tables.pop("docking_event") == 1
    (page,) = [s for s in planned if re.search(r"\bFROM docking_event\b", s)]
    assert re.search(r"\(SELECT docking_event_count\.n\s+FROM docking_event_count", page), page
    twice = {table: n for table, n in tables.items() if n > 1}
    # A family's parent is a family: read when a parent is not among the families read.
    twice.pop("spacecraft_config_family", None)
    assert twice == {}, twice
    assert len(tables) >= 20  # the whole LL2 tree was reached
    unplanned = statements_of(off, FULL_PAGE_QUERY, {"limit": 100})
    assert len(planned) < len(unplanned)


def test_a_page_costs_the_same_statements_at_any_size(pair: tuple[Client, Client]) -> None:
    on, _ = pair
    small = len(statements_of(on, FULL_PAGE_QUERY, {"limit": 3}))
    large = len(statements_of(on, FULL_PAGE_QUERY, {"limit": 100}))
    assert large <= small + 3  # tables the three first events happen not to reach


def test_what_the_planner_cannot_answer_exactly_is_left_to_graphql_core(tmp_path: Path) -> None:
    """A value its scalar refuses (SQLite stores any integer; GraphQL's Int is 32-bit): the
    error, its path and the nulls around it are graphql-core's, planner or not."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'odd.db'}"
    ingest(url, SEED_DIR)
    with sqlite3.connect(tmp_path / "odd.db") as db:
        changed = db.execute("UPDATE spacecraft SET flights_count = ?", (2**40,)).rowcount
    assert changed > 0
    query = """{ dockingEvents(limit: 5) { results { id chaser {
        ... on SpacecraftFlight { spacecraft { name flightsCount } } } } } }"""
    answers = []
    for planner in (True, False):
        for client in make_client(url, seed_dir=None, response_cache_bytes=0, planner=planner):
            answers.append(raw(client, query))
    assert answers[0] == answers[1]
    assert b"Int cannot represent non 32-bit signed integer value" in answers[0]
    assert b'"flightsCount":null' in answers[0]
