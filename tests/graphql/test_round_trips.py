"""Round trips to PostgreSQL per request: every statement SQLAlchemy executes (each one
Bind/Execute exchange: statements are prepared once per connection, by SQLAlchemy's asyncpg
prepared-statement cache, and the requests below are sent twice so that the second finds them
prepared), plus what asyncpg sends by itself (its query logger: the transactions' BEGIN and
ROLLBACK, which do not pass through SQLAlchemy's cursor).

A lone point lookup (``dockingEvent(id:)`` with its to-one chain) is one statement of joins
(``gql_server/graphql/planner/point.py``) sent without an explicit transaction
(``Reader.rows_alone``): one round trip, where it took BEGIN, five statements and ROLLBACK.
So is a lone list whose ``results`` only follow to-one relations (``Context.page_chain``):
its page, searched or not, and the chain below each event, in one statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from support.client import Client, make_client
from support.data import SEED_DIR
from support.databases import database_factory
from support.db_dump import ingest

from gql_server.synthetic import write_pages

POINT = """query ($id: Int!) { dockingEvent(id: $id) {
  id url docking departure
  dockingLocation { id name spacestation { id name } }
  chaser { __typename ... on SpaceStation { name } ... on SpacecraftFlight { spacecraft { name } }
    ... on PayloadFlight { payload { name } } } } }"""


@pytest.fixture(scope="module")
def logged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Client, list[str]]]:
    """The app on PostgreSQL (response cache off), and the list every query asyncpg sends
    for it is appended to."""
    folder = tmp_path_factory.mktemp("round-trips")
    url = database_factory("postgresql", request, folder)()
    ingest(url, SEED_DIR, *write_pages(folder / "pages", 50, seed=3))
    clients = make_client(url, seed_dir=None, response_cache_bytes=0)
    client = next(clients)
    sent: list[str] = []
    hooked: set[int] = set()

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        if id(driver) not in hooked:
            hooked.add(id(driver))
            driver.add_query_logger(lambda record: sent.append(record.query))

    engine = client.http.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine.sync_engine, "checkout", on_checkout)
    # SQLAlchemy's statements (not those the reader sends to asyncpg itself: the query
    # logger hears those already).
    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    yield client, sent
    event.remove(engine.sync_engine, "before_cursor_execute", before)
    event.remove(engine.sync_engine, "checkout", on_checkout)
    next(clients, None)


def sent_for(logged: tuple[Client, list[str]], query: str, variables: dict[str, Any]) -> list[str]:
    client, sent = logged
    client.data(query, variables)  # warm: this connection has prepared the statement
    sent.clear()
    data = client.data(query, variables)
    assert data  # an answer, without errors
    return [" ".join(q.split()) for q in sent]


def test_a_point_lookup_is_one_round_trip(logged: tuple[Client, list[str]]) -> None:
    for event_id in (1, 7, 20, 999_999):  # station, flight and payload chasers; unknown
        queries = sent_for(logged, POINT, {"id": event_id})
        assert len(queries) == 1, queries
        assert queries[0].startswith("SELECT"), queries
        assert "LEFT OUTER JOIN" in queries[0]


PAGE = """query ($search: String, $offset: Int, $years: [Int!]) {
  dockingEvents(search: $search, ordering: [DOCKING_DESC], limit: 7, offset: $offset,
      dockingYear: $years) {
    __typename results { id docking dockingLocation { name spacestation { name } }
      chaser { __typename ... on SpacecraftFlight { spacecraft { name } }
        ... on PayloadFlight { payload { name } } } } } }"""


@pytest.mark.parametrize(
    "variables",
    [{}, {"search": "dragon"}, {"offset": 1500}, {"years": [2020, 2021]}],
    ids=["page", "searched", "deep", "years"],
)
def test_a_lone_page_of_to_one_chains_is_one_round_trip(
    logged: tuple[Client, list[str]], variables: dict[str, Any]
) -> None:
    queries = sent_for(logged, PAGE, variables)
    assert len(queries) == 1, queries
    assert "LEFT OUTER JOIN spacecraft AS" in queries[0], queries
    # The page's order (a searched page walks the search postings in it).
    assert "p0.docking DESC" in queries[0], queries


def test_a_page_with_its_count_keeps_its_transaction(logged: tuple[Client, list[str]]) -> None:
    # `count` with `results`: two statements' worth (the slice carries the total), read in
    # the request's one snapshot.
    query = PAGE.replace("__typename results", "count results")
    queries = sent_for(logged, query, {"search": "dragon"})
    begun = [q for q in queries if q.startswith("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")]
    assert len(begun) == 1, queries
    assert queries[-1].startswith("ROLLBACK"), queries


def test_two_root_fields_still_read_one_snapshot(logged: tuple[Client, list[str]]) -> None:
    # The control: two lookups batch breadth-first inside one read-only transaction, and
    # the logger sees its BEGIN and ROLLBACK (so it would see them above, were they sent).
    query = (
        "{ a: dockingEvent(id: 1) { id dockingLocation { name } } b: dockingEvent(id: 2) { id } }"
    )
    queries = sent_for(logged, query, {})
    # (SQLAlchemy reports a statement just before the driver begins the transaction for it.)
    assert (
        sum(q.startswith("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") for q in queries) == 1
    )
    assert queries[-1].startswith("ROLLBACK"), queries
    assert len(queries) == 4, queries  # BEGIN, the events, their locations, ROLLBACK
