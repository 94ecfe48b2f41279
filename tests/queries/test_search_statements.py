"""W4 (search "dragon", the first 20 events by docking date, ``count`` not selected): the
statements it costs on each backend, and none of them counts the matches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.bytecache import ByteLRU
from gql_server.db.engine import TRANSACTION_CONTROL, watch_statements
from gql_server.queries import docking_events, event_statements
from gql_server.settings import SEED_DIR, Settings

FIELDS = """
  id url docking departure
  dockingLocation { id name spacestation { id name } }
  chaser {
    __typename
    ... on SpaceStation { name }
    ... on SpacecraftFlight { spacecraft { name } }
    ... on PayloadFlight { payload { name } }
  }
"""
W4 = (
    'query Search { dockingEvents(search: "dragon", ordering: [DOCKING_ASC], limit: 20) '
    f"{{ results {{ {FIELDS} }} }} }}"
)


@pytest.fixture
def http(db_url: str) -> Iterator[TestClient]:
    # Response cache off: with it, the data version is read first (the cache's key).
    app = create_app(Settings(database_url=db_url, seed_dir=SEED_DIR, response_cache_bytes=0))
    with TestClient(app) as client:
        yield client


def test_w4_reads_no_count_and_few_statements(backend: str, http: TestClient) -> None:
    seen: list[str] = []
    stop = watch_statements(http.app.state.engine, seen.append)  # type: ignore[attr-defined]
    try:
        body = http.post("/graphql", json={"query": W4}).json()
    finally:
        stop()
    assert "errors" not in body, body
    results = body["data"]["dockingEvents"]["results"]
    # The seed's dockings of a Dragon (the name of the chaser's spacecraft), oldest first.
    assert results, "the seed has Dragon dockings"
    assert [r["docking"] for r in results] == sorted(r["docking"] for r in results)
    queries = [s for s in seen if s.strip().upper() not in TRANSACTION_CONTROL]
    # PostgreSQL: the searched slice, read from the search postings in docking order
    # (``search_walk``; the matches when the piece is in too many words), with the
    # joined to-one chain below each event, in one statement, alone (no transaction).
    # SQLite: the slice, read from the search table in docking order, then each related
    # table by id.
    assert len(queries) == (1 if backend == "postgresql" else 5), queries
    if backend == "postgresql":
        assert len(seen) == 1, seen
        assert "walk_words" in queries[0] and "capped_words" in queries[0]
    else:
        # `count` is not selected: nothing counts the matches.
        assert [q for q in queries if "count(" in q.lower()] == []
        assert queries[0].startswith("WITH walk AS"), queries[0]


def _ids(http: TestClient, arguments: str) -> list[int]:
    body = http.post(
        "/graphql", json={"query": f"{{ dockingEvents({arguments}) {{ results {{ id }} }} }}"}
    ).json()
    assert "errors" not in body, body
    return [row["id"] for row in body["data"]["dockingEvents"]["results"]]


@pytest.mark.parametrize("windows", [(200, 2000), (2, 4)], ids=["shipped", "narrow"])
@pytest.mark.parametrize("few", [2, 100])
def test_every_branch_of_the_probe_gives_the_slices_of_the_whole_list(
    http: TestClient, monkeypatch: pytest.MonkeyPatch, few: int, windows: tuple[int, int]
) -> None:
    # At 2: on SQLite "international" (4 candidates in the seed) and "zz" (too short to
    # count) go to the window; at 100, every term of 3 characters or more has fewer
    # candidates, and the probe is the page itself. On PostgreSQL the same two counts
    # choose between the matches and the larger window, once the small window fell short;
    # narrowed to 2 and 4 events, the windows fall short or fill for the seed's 7 events.
    small, window = windows
    monkeypatch.setattr(docking_events, "FEW_CANDIDATES", few)
    monkeypatch.setattr(docking_events, "SMALL_WINDOW", small)
    monkeypatch.setattr(docking_events, "PROBE_WINDOW", window)
    monkeypatch.setattr(event_statements, "SMALL_WINDOW", small)
    monkeypatch.setattr(event_statements, "PROBE_WINDOW", window)
    monkeypatch.setattr(event_statements, "_STATEMENTS", ByteLRU(1 << 20))
    for search in ("dragon", "international", "soyuz progress", "zz"):
        for ordering in ("[DOCKING_ASC]", "[DOCKING_DESC]", "[DEPARTURE_DESC]"):
            arguments = f'search: "{search}", ordering: {ordering}'
            whole = _ids(http, f"{arguments}, limit: 100")
            for limit in (1, 2):
                for offset in range(len(whole) + 1):
                    got = _ids(http, f"{arguments}, limit: {limit}, offset: {offset}")
                    assert got == whole[offset : offset + limit], (search, ordering, limit)


def test_searched_statements_are_accounted_at_what_they_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A searched slice's statement holds its probe's windows and CTEs (hundreds of kB):
    # the cache's byte budget counts that, and each term, not a flat figure.
    cache: ByteLRU[Any, Any] = ByteLRU(1 << 30)
    monkeypatch.setattr(event_statements, "_STATEMENTS", cache)
    order = (docking_events.Ordering.DOCKING_ASC,)
    event_statements.cached_page(docking_events.EventFilter(), order, 20, 0)
    plain = cache.bytes
    entry = plain - event_statements.STATEMENT_BYTES  # the cache's own per-entry bytes
    assert 0 <= entry < 1_000
    terms = " ".join(f"term{i}" for i in range(7))
    event_statements.cached_probe_or_page(docking_events.EventFilter(search=terms), order, 20, 0)
    assert cache.bytes - plain == (
        entry
        + event_statements.STATEMENT_BYTES
        + event_statements.SEARCHED_BYTES
        + 7 * event_statements.TERM_BYTES
    )
