"""A page without a size holds 10 events (LL2's default), on every event list: the root list
and connection, and the lists and connections under a station and a port, alone and batched
over parents. The seed has 7 events, so these tests use 120 generated ones: a default of 100
(or any other than 10) shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.client import Client, make_client
from support.databases import BACKENDS, database_factory
from support.db_dump import ingest

from gql_server.synthetic import generate_events, write_pages

COUNT, SEED = 120, 3
DEFAULT = 10
EVENTS = list(generate_events(COUNT, seed=SEED))
PAGE = "count results { id }"
CONNECTION = "totalCount edges { node { id } } pageInfo { hasNextPage endCursor }"


def first_ids(events: list[dict[str, Any]], n: int = DEFAULT, skip: int = 0) -> list[int]:
    """The ids of ``events`` in the default order (docking ascending, then id)."""
    ordered = sorted(events, key=lambda e: (e["docking"], e["id"]))
    return [e["id"] for e in ordered][skip : skip + n]


def at_station(station: int) -> list[dict[str, Any]]:
    """The events a station took part in, as target or as chaser (no ``role``)."""
    return [
        e
        for e in EVENTS
        if station in {(e[k] or {}).get("id") for k in ("space_station_target", "space_station_chaser")}
    ]


def at_port(port: int) -> list[dict[str, Any]]:
    return [e for e in EVENTS if (e["docking_location"] or {}).get("id") == port]


def busiest(key: str) -> list[int]:
    """Parents (stations or ports) with more than a default page of events, busiest first."""
    parents = {(e[key] or {}).get("id") for e in EVENTS} - {None}
    select = at_station if key == "space_station_target" else at_port
    found = sorted(parents, key=lambda p: -len(select(p)))
    return [p for p in found if len(select(p)) > DEFAULT]


@pytest.fixture(scope="module", params=BACKENDS)
def many(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The app on 120 generated events (no seed), per backend; read-only tests share it."""
    folder: Path = tmp_path_factory.mktemp("many")
    url = database_factory(str(request.param), request, folder)()
    ingest(url, *write_pages(folder / "pages", COUNT, seed=SEED))
    yield from make_client(url, seed_dir=None)


def ids(page: dict[str, Any]) -> list[int]:
    if "edges" in page:
        return [edge["node"]["id"] for edge in page["edges"]]
    return [event["id"] for event in page["results"]]


def test_there_is_more_than_a_default_page_everywhere() -> None:
    assert len(EVENTS) > DEFAULT
    assert busiest("space_station_target") and busiest("docking_location")


def test_the_root_list_holds_10_by_default(many: Client) -> None:
    for arguments in ("", "(limit: null)", "(offset: 0)"):
        page = many.data(f"{{ dockingEvents{arguments} {{ {PAGE} }} }}")["dockingEvents"]
        assert page["count"] == COUNT
        assert ids(page) == first_ids(EVENTS), arguments
    page = many.data(f"{{ dockingEvents(offset: 10) {{ {PAGE} }} }}")["dockingEvents"]
    assert ids(page) == first_ids(EVENTS, skip=10)


def test_the_root_connection_holds_10_by_default(many: Client) -> None:
    first = many.data(f"{{ dockingEventsConnection {{ {CONNECTION} }} }}")["dockingEventsConnection"]
    assert first["totalCount"] == COUNT
    assert ids(first) == first_ids(EVENTS)
    assert first["pageInfo"]["hasNextPage"] is True
    # The next page, after the cursor and still without a size: the next 10.
    query = "query ($after: String) { dockingEventsConnection(after: $after) { SELECTION } }"
    query = query.replace("SELECTION", CONNECTION)
    second = many.data(query, {"after": first["pageInfo"]["endCursor"]})["dockingEventsConnection"]
    assert ids(second) == first_ids(EVENTS, skip=10)


def test_lists_under_a_station_and_a_port_hold_10_by_default(many: Client) -> None:
    station, port = busiest("space_station_target")[0], busiest("docking_location")[0]
    query = """query ($station: Int!, $port: Int!) {
      spaceStation(id: $station) { dockingEvents { PAGE } dockingEventsConnection { CONNECTION } }
      dockingLocation(id: $port) { dockingEvents { PAGE } dockingEventsConnection { CONNECTION } }
    }""".replace("PAGE", PAGE).replace("CONNECTION", CONNECTION)
    data = many.data(query, {"station": station, "port": port})
    for parent, events in ((data["spaceStation"], at_station(station)), (data["dockingLocation"], at_port(port))):
        assert parent["dockingEvents"]["count"] == len(events) > DEFAULT
        assert ids(parent["dockingEvents"]) == first_ids(events)
        assert parent["dockingEventsConnection"]["totalCount"] == len(events)
        assert ids(parent["dockingEventsConnection"]) == first_ids(events)
        assert parent["dockingEventsConnection"]["pageInfo"]["hasNextPage"] is True


def test_lists_batched_over_every_parent_hold_10_each_by_default(many: Client) -> None:
    query = """{
      spaceStations(limit: 100) { results { id dockingEvents { PAGE } dockingEventsConnection { CONNECTION } } }
      dockingLocations(limit: 100) { results { id dockingEvents { PAGE } dockingEventsConnection { CONNECTION } } }
    }""".replace("PAGE", PAGE).replace("CONNECTION", CONNECTION)
    data = many.data(query)
    checked = 0
    for field, select in (("spaceStations", at_station), ("dockingLocations", at_port)):
        for parent in data[field]["results"]:
            events = select(parent["id"])
            want = first_ids(events)
            assert len(want) == min(len(events), DEFAULT)
            assert ids(parent["dockingEvents"]) == want, (field, parent["id"])
            assert ids(parent["dockingEventsConnection"]) == want, (field, parent["id"])
            checked += len(events) > DEFAULT
    assert checked >= 2  # at least a station and a port with more than a page


def test_the_port_list_holds_10_by_default(many: Client) -> None:
    ports = sorted({e["docking_location"]["id"] for e in EVENTS if e["docking_location"]})
    assert len(ports) > DEFAULT
    page = many.data("{ dockingLocations { count results { id } } }")["dockingLocations"]
    assert page["count"] == len(ports)
    assert ids(page) == ports[:DEFAULT]
