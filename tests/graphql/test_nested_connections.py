"""The cursor connections under a station, a port, a flight and a payload flight: the same
arguments and cursors as the root `dockingEventsConnection`, and batched over parents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.client import Client, make_client
from support.databases import run

from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.graphql.schema import build_schema
from gql_server.ingest.files import ingest_paths
from gql_server.synthetic import write_pages

EDGES = "totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"

ROOT_PAGE = """
query Root($first: Int, $after: String, $last: Int, $before: String, $station: Int, $port: Int,
    $ordering: [DockingEventOrdering!]) {
  dockingEventsConnection(first: $first, after: $after, last: $last, before: $before,
      spaceStationTargetId: $station, dockingLocationId: $port, ordering: $ordering) {
    EDGES
  }
}
""".replace("EDGES", EDGES)

STATION_PAGE = """
query Station($id: Int!, $first: Int, $after: String, $last: Int, $before: String,
    $ordering: [DockingEventOrdering!]) {
  spaceStation(id: $id) {
    dockingEventsConnection(role: TARGET, first: $first, after: $after, last: $last,
        before: $before, ordering: $ordering) { EDGES }
  }
}
""".replace("EDGES", EDGES)

PORT_PAGE = """
query Port($id: Int!, $first: Int, $after: String, $last: Int, $before: String,
    $ordering: [DockingEventOrdering!]) {
  dockingLocation(id: $id) {
    dockingEventsConnection(first: $first, after: $after, last: $last, before: $before,
        ordering: $ordering) { EDGES }
  }
}
""".replace("EDGES", EDGES)


def walk(fetch: Any, *, forward: bool) -> list[dict[str, Any]]:
    """Every page of a connection, two events at a time, forward or backward."""
    pages = []
    cursor = None
    for _ in range(20):  # bounded: the seed has 7 events
        args = {"first": 2, "after": cursor} if forward else {"last": 2, "before": cursor}
        page = fetch(args)
        pages.append(page)
        info = page["pageInfo"]
        if not (info["hasNextPage"] if forward else info["hasPreviousPage"]):
            return pages
        cursor = info["endCursor"] if forward else info["startCursor"]
    raise AssertionError("the connection did not end")


@pytest.mark.parametrize(
    "ordering",
    [["DOCKING_DESC"], ["DEPARTURE_ASC"], ["DEPARTURE_DESC", "DOCKING_ASC"]],
)
def test_nested_connections_page_like_the_root_one(seeded: Client, ordering: list[str]) -> None:
    stations = seeded.data("{ spaceStations(limit: 100) { results { id } } }")
    ports = seeded.data("{ dockingLocations(limit: 100) { results { id } } }")
    cases = [
        (STATION_PAGE, "spaceStation", {"station": s["id"]}, s["id"])
        for s in stations["spaceStations"]["results"]
    ] + [
        (PORT_PAGE, "dockingLocation", {"port": p["id"]}, p["id"])
        for p in ports["dockingLocations"]["results"]
    ]
    seen_events = 0
    for query, field, root_filter, parent in cases:
        for forward in (True, False):

            def nested(args: dict[str, Any], q: str = query, f: str = field, p: int = parent) -> Any:
                variables = {"id": p, "ordering": ordering, **args}
                return seeded.data(q, variables)[f]["dockingEventsConnection"]

            def root(args: dict[str, Any], r: dict[str, int] = root_filter) -> Any:
                variables = {**r, "ordering": ordering, **args}
                return seeded.data(ROOT_PAGE, variables)["dockingEventsConnection"]

            # Same pages, same cursors, same pageInfo: a cursor of one is a cursor of the other.
            assert walk(nested, forward=forward) == walk(root, forward=forward)
        seen_events += root({"first": 100})["totalCount"]
    assert seen_events >= 7  # the stations and ports do have events


def test_a_flights_connection_by_role(seeded: Client) -> None:
    data = seeded.data(
        """{ spacecraftFlight(id: 858) {
              chaser: dockingEventsConnection(role: CHASER) { totalCount edges { node { id } } }
              target: dockingEventsConnection(role: TARGET) { totalCount edges { node { id } } }
              both: dockingEventsConnection(first: 0) { totalCount edges { node { id } } pageInfo { hasNextPage } }
            } }"""
    )["spacecraftFlight"]
    assert data["chaser"] == {"totalCount": 1, "edges": [{"node": {"id": 620}}]}
    assert data["target"] == {"totalCount": 0, "edges": []}
    assert data["both"] == {"totalCount": 1, "edges": [], "pageInfo": {"hasNextPage": True}}


def test_bad_nested_cursor_is_bad_user_input(seeded: Client) -> None:
    body = seeded.post('{ spaceStation(id: 4) { dockingEventsConnection(after: "nope") { totalCount } } }')
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = seeded.post("{ spaceStation(id: 4) { dockingEventsConnection(first: 101) { totalCount } } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_nested_connections_take_the_root_connections_arguments() -> None:
    schema = build_schema()._schema
    root = schema.query_type.fields["dockingEventsConnection"]
    for type_name in ("SpaceStation", "DockingLocation", "SpacecraftFlight", "PayloadFlight"):
        nested = schema.type_map[type_name].fields["dockingEventsConnection"]  # type: ignore[union-attr]
        assert str(nested.type) == str(root.type) == "DockingEventConnection!"
        extra = set(nested.args) - set(root.args)
        assert extra <= {"role"}
        # The root's filters that name the parent itself are kept too (as on `dockingEvents`).
        for name, argument in root.args.items():
            assert str(nested.args[name].type) == str(argument.type), (type_name, name)
            assert nested.args[name].description == argument.description
            assert nested.args[name].description


PAGE_OF_STATIONS = """
query Stations($limit: Int) {
  spaceStations(limit: $limit) { results { id
    dockingEventsConnection(first: 2, ordering: [DOCKING_DESC]) { EDGES } } }
  dockingLocations(limit: $limit) { results { id
    dockingEventsConnection(last: 1, before: null) { EDGES } } }
}
""".replace("EDGES", EDGES)


def test_nested_connections_are_batched(counting_client: Client) -> None:
    one = counting_client.count_statements(PAGE_OF_STATIONS, {"limit": 1})
    all_of_them = counting_client.count_statements(PAGE_OF_STATIONS, {"limit": 100})
    stations = counting_client.data("{ spaceStations { count } dockingLocations { count } }")
    assert stations["spaceStations"]["count"] + stations["dockingLocations"]["count"] >= 4
    assert one == all_of_them
    # Two pages, and per connection: its slice and its counts.
    assert all_of_them <= 7, all_of_them
    print(f"statements for every station and port, each with its connection: {all_of_them}")


FLIGHTS_WITH_CONNECTIONS = """
query Flights($limit: Int) {
  dockingEvents(limit: $limit, ordering: [DOCKING_DESC]) { results { id
    chaser { __typename
      ... on SpacecraftFlight { id
        dockingEventsConnection(first: 2) { EDGES } }
      ... on PayloadFlight { id
        dockingEventsConnection(last: 2, role: CHASER) { EDGES } } }
    dockingLocation { id dockingEventsConnection(first: 3, ordering: [DEPARTURE_DESC]) { EDGES } }
    target { __typename
      ... on SpaceStation { id dockingEventsConnection(role: TARGET, first: 1) { EDGES } } } } }
}
""".replace("EDGES", EDGES)


def test_a_page_of_events_each_with_nested_connections_costs_the_same_for_5_or_100(
    db_url: str, tmp_path: Path
) -> None:
    """Synthetic data (many flights, several stations and ports): every parent of a list has
    its own connection, and the statements depend on the query's shape only."""

    async def load() -> None:
        engine = create_engine(db_url)
        try:
            await ensure_schema(engine)
            await ingest_paths(engine, write_pages(tmp_path / "pages", 300, seed=5))
        finally:
            await engine.dispose()

    run(load())
    for client in make_client(db_url, seed_dir=None, response_cache_bytes=0):
        few = client.count_statements(FLIGHTS_WITH_CONNECTIONS, {"limit": 5})
        many = client.count_statements(FLIGHTS_WITH_CONNECTIONS, {"limit": 100})
        data = client.data(FLIGHTS_WITH_CONNECTIONS, {"limit": 100})["dockingEvents"]["results"]
        parents = {(e["chaser"]["__typename"], e["chaser"].get("id")) for e in data}
        parents |= {("DockingLocation", e["dockingLocation"]["id"]) for e in data if e["dockingLocation"]}
        assert len(parents) > 50  # so one statement per parent would show
        flights = [e["chaser"]["dockingEventsConnection"] for e in data if "dockingEventsConnection" in e["chaser"]]
        assert len(flights) > 50 and all(c["totalCount"] >= len(c["edges"]) >= 1 for c in flights)
        assert few == many, (few, many)
        assert many <= 20, many
        print(f"100 events with 4 nested connections each ({len(parents)}+ parents): {many} statements")
