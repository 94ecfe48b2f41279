"""Reverse relations on the seed data: every one answers right, takes the list arguments,
and is batched (statements depend on the query's shape, not on how many parents)."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from support.client import Client, make_client
from support.data import seed_events
from support.db_dump import ingest


def ids(page: dict[str, Any]) -> list[int]:
    return [event["id"] for event in page["results"]]


def test_station_events_as_target_or_chaser(seeded: Client) -> None:
    data = seeded.data(
        """{ spaceStation(id: 4) {
              all: dockingEvents(limit: 100) { count results { id } }
              target: dockingEvents(role: TARGET, limit: 100) { count results { id } }
              chaser: dockingEvents(role: CHASER) { count results { id } }
              latest: dockingEvents(ordering: [DOCKING_DESC], limit: 2, offset: 1) { count results { id } }
              dragons: dockingEvents(search: "dragon") { count results { id } }
              harmony: dockingEvents(dockingLocationId: 19, ordering: [DEPARTURE_DESC]) { results { id } }
              dockingLocations { id name }
            } }"""
    )["spaceStation"]
    assert ids(data["all"]) == [570, 613, 619, 620] and data["all"]["count"] == 4
    assert ids(data["target"]) == [570, 613, 619, 620]
    assert data["chaser"] == {"count": 0, "results": []}
    assert data["latest"] == {"count": 4, "results": [{"id": 619}, {"id": 613}]}
    assert data["dragons"] == {"count": 2, "results": [{"id": 613}, {"id": 619}]}
    assert ids(data["harmony"]) == [619, 613]  # still docked first on DEPARTURE_DESC
    assert data["dockingLocations"] == [
        {"id": 3, "name": "Poisk zenith"},
        {"id": 19, "name": "Harmony forward"},
        {"id": 42, "name": "Prichal nadir"},
    ]


def test_location_flight_and_payload_flight_events(seeded: Client) -> None:
    data = seeded.data(
        """{
          harmony: dockingLocation(id: 19) { dockingEvents { count results { id } } }
          tianhe: dockingLocation(id: 41) { dockingEvents(dockingGt: "2025-01-01T00:00:00Z") { count } }
          dragon: spacecraftFlight(id: 837) { dockingEvents { count results { id } } }
          asChaser: spacecraftFlight(id: 837) { dockingEvents(role: CHASER) { count } }
          asTarget: spacecraftFlight(id: 837) { dockingEvents(role: TARGET) { count } }
          sdx01: payloadFlight(id: 37) { dockingEvents { results { id } } chaser: dockingEvents(role: CHASER) { count } }
          sdx02: payloadFlight(id: 38) { dockingEvents(role: TARGET) { results { id } } chaser: dockingEvents(role: CHASER) { count } }
        }"""
    )
    assert data["harmony"]["dockingEvents"] == {"count": 2, "results": [{"id": 613}, {"id": 619}]}
    assert data["tianhe"]["dockingEvents"] == {"count": 0}
    assert data["dragon"]["dockingEvents"] == {"count": 1, "results": [{"id": 613}]}
    assert data["asChaser"]["dockingEvents"]["count"] == 1
    assert data["asTarget"]["dockingEvents"]["count"] == 0
    assert data["sdx01"] == {"dockingEvents": {"results": [{"id": 616}]}, "chaser": {"count": 1}}
    assert data["sdx02"] == {"dockingEvents": {"results": [{"id": 616}]}, "chaser": {"count": 0}}


def test_spacecraft_flights_and_configs(seeded: Client) -> None:
    data = seeded.data(
        """{ spacecraft(id: 580) {
              flights { count results { id dockingEvents { results { id } } } }
              spacecraftConfig {
                name
                spacecraft(limit: 5) { count results { name } }
                agency { abbrev spacecraftConfigs { name } }
              }
            } }"""
    )["spacecraft"]
    assert data["flights"] == {
        "count": 1,
        "results": [{"id": 832, "dockingEvents": {"results": [{"id": 569}]}}],
    }
    config = data["spacecraftConfig"]
    assert config["spacecraft"] == {"count": 1, "results": [{"name": "Shenzhou 18"}]}
    assert config["agency"]["spacecraftConfigs"] == [{"name": config["name"]}]


def test_graph_navigates_both_ways(seeded: Client) -> None:
    # From an event to its station and back to the station's events.
    data = seeded.data(
        """{ dockingEvent(id: 613) { target { ... on SpaceStation {
              dockingEvents(ordering: [DOCKING_DESC], limit: 1) { results { id } } } } } }"""
    )
    assert data["dockingEvent"]["target"]["dockingEvents"]["results"] == [{"id": 620}]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("limit: 0", "limit must be between 1 and 100, got 0"),
        ("offset: -1", "offset must be 0 or more, got -1"),
    ],
)
def test_paging_bounds_on_reverse_relations(seeded: Client, arguments: str, message: str) -> None:
    body = seeded.post(f"{{ spaceStation(id: 4) {{ dockingEvents({arguments}) {{ count }} }} }}")
    (error,) = body["errors"]
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def station_events(stations: int, per_station: int = 7) -> list[dict[str, Any]]:
    """``stations`` stations with ``per_station`` events each (clones of the ISS's Cargo
    Dragon docking, each station with a port of its own), a week apart."""
    template = next(e for e in seed_events() if e["id"] == 613)
    events = []
    for s in range(stations):
        for k in range(per_station):
            event = copy.deepcopy(template)
            event["id"] = 100_000 + s * 100 + k
            station = event["space_station_target"]
            station["id"] = 1_000 + s
            station["name"] = f"Station {s}"
            station["url"] = f"https://ll.thespacedevs.com/2.3.0/space_stations/{1_000 + s}/"
            location = event["docking_location"]
            location["id"] = 10_000 + s
            location["name"] = f"Port of station {s}"
            location["spacestation"] = {k: station[k] for k in ("id", "url", "name", "image")}
            start = datetime(2020, 1, 1) + timedelta(days=7 * k, hours=s)
            event["docking"] = start.isoformat() + "Z"
            event["departure"] = (start + timedelta(days=3)).isoformat() + "Z"
            events.append(event)
    return events


def load_into(url: str, events: list[dict[str, Any]], folder: Path) -> None:
    source = folder / "events.json"
    source.write_text(json.dumps(events))
    ingest(url, source)


STATIONS_WITH_LAST_FIVE = """query ($n: Int) {
  spaceStations(limit: $n) { count results {
    name
    dockingLocations { name }
    dockingEvents(limit: 5, ordering: [DOCKING_DESC]) {
      count
      results { id docking durationSeconds dockingLocation { name spacestation { name } }
                chaser { ... on SpacecraftFlight { spacecraft { name } } } }
    }
  } }
}"""


def test_stations_with_their_last_five_events_cost_the_same_for_2_or_20(
    db_url: str, tmp_path: Path
) -> None:
    load_into(db_url, station_events(20), tmp_path)
    for client in make_client(db_url, seed_dir=None, response_cache_bytes=0):
        two = client.count_statements(STATIONS_WITH_LAST_FIVE, {"n": 2})
        twenty = client.count_statements(STATIONS_WITH_LAST_FIVE, {"n": 20})
        assert two == twenty
        bare = client.count_statements("{ spaceStations(limit: 20) { count results { name } } }")
        # + the stations' ports, their events (one window query), their counts (one GROUP
        # BY); then those ports' stations, the flights, the spacecraft. The events' ports
        # are the stations' ports, read already: the planner keeps the request's rows.
        assert twenty == bare + 6, (bare, twenty)
        page = client.data(STATIONS_WITH_LAST_FIVE, {"n": 20})["spaceStations"]
        assert page["count"] == 20
        for s, station in enumerate(page["results"]):
            assert station["name"] == f"Station {s}"
            assert station["dockingLocations"] == [{"name": f"Port of station {s}"}]
            got = station["dockingEvents"]
            assert got["count"] == 7
            assert [e["id"] for e in got["results"]] == [
                100_000 + s * 100 + k for k in (6, 5, 4, 3, 2)
            ]
            assert {e["dockingLocation"]["spacestation"]["name"] for e in got["results"]} == {
                f"Station {s}"
            }
            assert all(e["durationSeconds"] == 3 * 86_400 for e in got["results"])
