"""The compiled executor (gql_server/graphql/compiled/) answers byte for byte as graphql-core's
executor does, on both backends: two apps on one seeded database, one compiled and one not
(``compiled=False``: graphql-core executes every request, the planner below it as before),
the same request to each, the response bodies compared as bytes. The compiled app also
counts which requests it answered itself and which it handed to graphql-core (errors,
introspection), so each case asserts which path it took.

(Besides these, every app the test fixtures build runs with ``compiled_check``: each compiled
answer in the whole suite is compared with graphql-core's in the same request.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from support.client import graphql_view
from support.data import POINT_QUERY

from gql_server.app import create_app
from gql_server.db.engine import TRANSACTION_CONTROL, watch_statements
from gql_server.graphql.compiled.run import CompiledStats
from gql_server.settings import SEED_DIR, Settings

ROOT = Path(__file__).resolve().parents[2]
FULL_PAGE = (ROOT / "docs" / "queries" / "full-page.graphql").read_text()

POINT = POINT_QUERY

# Fragments on every member of the chaser/target union, named and inline, with aliases.
PARTIES = """
fragment Station on SpaceStation { __typename id name status { name } }
fragment Flight on SpacecraftFlight { __typename id destination spacecraft { id name } }
fragment Payload on PayloadFlight { __typename id destination payload { id name } }
query Parties($limit: Int) {
  page: dockingEvents(limit: $limit, ordering: [DOCKING_DESC]) {
    total: count
    results {
      key: id
      chaser { ...Station ...Flight ...Payload }
      target { ...Station ...Flight ...Payload }
      sameTarget: target { ... on SpaceStation { id } ... on SpacecraftFlight { id } }
    }
  }
}
"""

SWITCHES = """query Switches($full: Boolean!, $bare: Boolean!) {
  dockingEvents(limit: 3) {
    count @skip(if: $bare)
    results {
      id
      docking @include(if: $full)
      dockingLocation @include(if: $full) { name }
      ... on DockingEvent @skip(if: $full) { url }
    }
  }
}"""

# (name, body, the compiled executor answers it itself)
CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("golden page", {"query": FULL_PAGE, "variables": {"limit": 100, "offset": 0}}, True),
    ("golden page, offset", {"query": FULL_PAGE, "variables": {"limit": 3, "offset": 2}}, True),
    ("point", {"query": POINT, "variables": {"id": 569}}, True),
    ("point, unknown id: null", {"query": POINT, "variables": {"id": 987654}}, True),
    ("union members, fragments, aliases", {"query": PARTIES, "variables": {"limit": 7}}, True),
    ("skip/include on", {"query": SWITCHES, "variables": {"full": True, "bare": False}}, True),
    ("skip/include off", {"query": SWITCHES, "variables": {"full": False, "bare": True}}, True),
    (
        "__typename at every level, several root fields",
        {
            "query": "{ __typename a: dockingEvent(id: 569) { __typename id } "
            "b: dockingEvents(limit: 2) { __typename count results { __typename id } } "
            "c: dockingEvent(id: -5) { id } }"
        },
        True,
    ),
    (
        "search and filters",
        {"query": '{ dockingEvents(search: "soyuz", limit: 5) { count results { id } } }'},
        True,
    ),
    (
        "a page past the end",
        {"query": "{ dockingEvents(limit: 5, offset: 500) { count results { id } } }"},
        True,
    ),
    (
        "reverse relations and nested pages",
        {
            "query": "{ spaceStation(id: 18) { name dockingEvents(limit: 2) { count "
            "results { id } } dockingLocations { name } } }"
        },
        True,
    ),
    (
        "error: a refused argument",
        {"query": "{ dockingEvents(limit: -1) { count } ok: dockingEvent(id: 569) { id } }"},
        False,
    ),
    ("introspection", {"query": "{ __schema { queryType { name } } }"}, False),
]


def _stats(app: Any) -> CompiledStats:
    return graphql_view(app).schema.compiled_stats  # type: ignore[no-any-return]


class Pair:
    def __init__(self, compiled: TestClient, reference: TestClient) -> None:
        self.compiled, self.reference = compiled, reference
        self.stats = _stats(compiled.app)
        self.statements = {"compiled": 0, "reference": 0}
        for name, client in (("compiled", compiled), ("reference", reference)):
            watch_statements(client.app.state.engine, self._counter(name))  # type: ignore[attr-defined]

    def _counter(self, name: str) -> Any:
        def count(statement: str) -> None:
            if statement.strip().upper() not in TRANSACTION_CONTROL:
                self.statements[name] += 1

        return count

    def bodies(self, body: dict[str, Any]) -> tuple[bytes, bytes]:
        ours = self.compiled.post("/graphql", json=body)
        theirs = self.reference.post("/graphql", json=body)
        assert ours.status_code == theirs.status_code
        return ours.content, theirs.content


@pytest.fixture
def pair(db_url: str) -> Iterator[Pair]:
    """A compiled app and a graphql-core app on one seeded database, response caches off."""
    common: dict[str, Any] = {"database_url": db_url, "response_cache_bytes": 0}
    compiled = create_app(Settings(seed_dir=SEED_DIR, compiled=True, **common))
    with TestClient(compiled) as ours:
        reference = create_app(Settings(seed_dir=None, compiled=False, **common))
        with TestClient(reference) as theirs:
            yield Pair(ours, theirs)


def test_same_bytes_as_graphql_core(pair: Pair) -> None:
    for name, body, answered in CASES:
        before = (pair.stats.compiled + pair.stats.direct, pair.stats.fallbacks)
        ours, theirs = pair.bodies(body)
        assert ours == theirs, name
        assert b'"data"' in ours, name
        # Answered by the compiled executor, or by the direct lane (a point lookup asked
        # before: compiled/direct.py).
        answered_by_us = pair.stats.compiled + pair.stats.direct
        took = (answered_by_us - before[0], pair.stats.fallbacks - before[1])
        if answered:
            assert took == (1, 0), name
        elif name.startswith("error"):
            assert took == (0, 1), name  # tried, then graphql-core answered with its error
            assert b"BAD_USER_INPUT" in ours
        else:
            assert took == (0, 0), name  # introspection goes straight to graphql-core


def test_skip_and_include_values_compile_apart(pair: Pair) -> None:
    on, _ = pair.bodies({"query": SWITCHES, "variables": {"full": True, "bare": False}})
    off, _ = pair.bodies({"query": SWITCHES, "variables": {"full": False, "bare": True}})
    assert b'"count"' in on and b'"docking"' in on and b'"url"' not in on
    assert b'"count"' not in off and b'"docking"' not in off and b'"url"' in off


def test_point_lookup_reads_as_few_statements_as_before(pair: Pair, backend: str) -> None:
    """W3: the compiled executor sends exactly what graphql-core's path sends (a warm-up
    first, so both apps' caches are in the same state): one statement of joins on
    both backends (planner/point.py; SQLite read one per table before: event, port,
    station, flight, spacecraft)."""
    body = {"query": POINT, "variables": {"id": 569}}
    pair.bodies(body)
    pair.statements.update(compiled=0, reference=0)
    ours, theirs = pair.bodies(body)
    assert ours == theirs
    assert pair.statements["compiled"] == pair.statements["reference"]
    assert pair.statements["compiled"] == 1, backend


def test_setting_off_leaves_graphql_core(db_url: str) -> None:
    app = create_app(Settings(database_url=db_url, seed_dir=SEED_DIR, compiled=False))
    with TestClient(app) as client:
        response = client.post("/graphql", json={"query": POINT, "variables": {"id": 569}})
        assert response.json()["data"]["dockingEvent"]["id"] == 569
        assert _stats(app) == CompiledStats()
