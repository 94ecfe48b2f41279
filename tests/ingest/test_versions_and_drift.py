"""Never lose LL2 data silently: older versions are read, unknown keys reported, other
kinds of object named, hostile JSON and parent loops refused with file and JSON path."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ll2_versions import event_220, event_230_completing_100, page_210
from support.client import Client
from support.data import ROOT, SEED_PAGE, seed_events
from support.databases import run
from support.db_dump import dump, ingest

from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.ingest.errors import IngestError
from gql_server.ingest.files import FileReport, ingest_paths

LAUNCH_210 = "349eb56f-50e8-4858-9977-e4b7121c40f5"  # the real 2.1.0 event's launch_id


def write(path: Path, document: Any) -> Path:
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def ingest_reports(url: str, *paths: Path, strict: bool = False) -> list[FileReport]:
    async def go() -> list[FileReport]:
        engine = create_engine(url)
        try:
            await ensure_schema(engine, migrate=True)
            return await ingest_paths(engine, paths, strict=strict)
        finally:
            await engine.dispose()

    return run(go())


def cli_ingest(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gql_server", "ingest", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


EVENT_QUERY = """
query ($where: String, $chaser: Int) {
  dockingEvents(search: $where, flightVehicleChaserId: $chaser, limit: 100) {
    count
    results {
      id
      url
      dockingLocation { name spacestation { name } }
      target { __typename ... on SpaceStation { name } }
      chaser {
        __typename
        ... on SpacecraftFlight {
          id
          launch { id }
          spacecraft { name spacecraftConfig { name agency { name type { name } } } }
        }
      }
    }
  }
}
"""


def events(client: Client, **variables: Any) -> dict[int, dict[str, Any]]:
    page = client.data(EVENT_QUERY, variables)["dockingEvents"]
    assert page["count"] == len(page["results"])
    return {e["id"]: e for e in page["results"]}


def not_stored(report: FileReport) -> dict[str, int]:
    return {key: f.count for (key, _), f in report.drift.not_stored.items()}


# -- older versions ----------------------------------------------------------------------


def test_2_1_0_events_keep_their_chaser(client: Client, db_url: str, tmp_path: Path) -> None:
    soyuz_before = events(client, where="Soyuz")
    (report,) = ingest_reports(db_url, write(tmp_path / "archive.json", page_210()))
    assert report.events == 3
    assert report.drift.versions == {"2.1.0": 3}
    assert report.drift.unknown == {}  # every 2.1.0 key is mapped or named below
    image_url = "$.results[*].flight_vehicle.spacecraft.spacecraft_config.image_url"
    agency_type = "$.results[*].flight_vehicle.spacecraft.spacecraft_config.agency.type"
    assert not_stored(report) == {
        image_url: 3,  # no image id to store it under
        "$.results[*].launch_id": 3,  # no launch of these ids is stored
        agency_type: 1,  # "Multinational": no stored agency type has that name
    }

    # The chaser is served, and the LL2 filter and search find the events by it.
    by_flight = events(client, chaser=220)
    assert list(by_flight) == [100]
    event = by_flight[100]
    assert event["url"] == "https://ll.thespacedevs.com/2.1.0/docking_event/100/"
    assert event["chaser"]["__typename"] == "SpacecraftFlight"
    assert event["chaser"]["spacecraft"]["name"] == "Soyuz TMA-16"
    config = event["chaser"]["spacecraft"]["spacecraftConfig"]
    # The agency's type, a name in 2.1.0, is the stored type of that name (from the seed).
    assert config["agency"]["type"] == {"name": "Government"}
    assert event["target"] is None  # 2.1.0 has no target
    assert event["dockingLocation"] == {"name": "Zvezda aft", "spacestation": None}
    soyuz_after = events(client, where="Soyuz")
    assert set(soyuz_after) - set(soyuz_before) == {100, 101}
    assert set(events(client, where="Soyuz TMA")) == {100, 101}
    assert list(events(client, where="Progress M-05M")) == [102]
    progress = events(client, chaser=222)[102]["chaser"]["spacecraft"]["spacecraftConfig"]
    assert progress["agency"] == {"name": "Test Consortium", "type": None}


def test_a_later_2_3_0_ingest_completes_2_1_0_events(
    client: Client, db_url: str, tmp_path: Path
) -> None:
    archive = write(tmp_path / "archive.json", page_210())
    ingest_reports(db_url, archive)
    soyuz_at_iss = next(e for e in seed_events() if e["id"] == 570)
    current = write(tmp_path / "current.json", [event_230_completing_100(soyuz_at_iss)])
    (report,) = ingest_reports(db_url, current)
    assert not report.drift and report.drift.versions == {"2.3.0": 1}
    event = events(client, chaser=220)[100]
    assert event["url"] == "https://ll.thespacedevs.com/2.3.0/docking_events/100/"
    assert event["target"] == {"__typename": "SpaceStation", "name": "International Space Station"}
    assert event["dockingLocation"]["spacestation"] == {"name": "International Space Station"}
    assert event["chaser"]["launch"] == {"id": LAUNCH_210}

    # The archive again: what 2.3.0 added stays (2.1.0 lacks those keys), and the launch
    # id of event 100 now names a stored launch, so only the other two are reported.
    (again,) = ingest_reports(db_url, archive)
    assert not_stored(again)["$.results[*].launch_id"] == 2
    event = events(client, chaser=220)[100]
    assert event["target"] == {"__typename": "SpaceStation", "name": "International Space Station"}
    assert event["chaser"]["launch"] == {"id": LAUNCH_210}
    assert event["url"].startswith("https://ll.thespacedevs.com/2.1.0/")  # as that file says


def test_2_2_0_events_map_flight_vehicle_and_space_station(
    client: Client, db_url: str, tmp_path: Path
) -> None:
    (report,) = ingest_reports(db_url, write(tmp_path / "v220.json", event_220()))
    assert report.drift.versions == {"2.2.0": 1}
    assert report.drift.unknown == {}
    assert set(not_stored(report)) == {"$.space_station.image_url", "$.launch_id"}
    event = events(client, chaser=864)[615]
    assert event["chaser"]["spacecraft"]["name"] == "Tianzhou-8"
    assert event["target"] == {"__typename": "SpaceStation", "name": "Tiangong space station"}
    assert event["dockingLocation"]["spacestation"] == {"name": "Tiangong space station"}
    assert list(events(client, where="Tianzhou-8")) == [615]


# -- unknown keys and --strict -----------------------------------------------------------


def _drifted_page() -> dict[str, Any]:
    page = json.loads(SEED_PAGE.read_text())
    for event in page["results"]:
        event["docking_port_side"] = "aft"  # a key LL2 might add one day
    page["results"][3]["docking_location"]["crew_hatch"] = {"id": 1}
    return page


def test_unknown_keys_are_reported_by_pattern(db_url: str, tmp_path: Path) -> None:
    (seed,) = ingest_reports(db_url, SEED_PAGE)
    assert not seed.drift  # the seed page round-trips: nothing unknown, nothing dropped
    (report,) = ingest_reports(db_url, write(tmp_path / "drift.json", _drifted_page()))
    found = {k: (f.count, f.example) for k, f in report.drift.unknown.items()}
    assert found == {
        "$.results[*].docking_port_side": (7, "$.results[0].docking_port_side"),
        "$.results[*].docking_location.crew_hatch": (1, "$.results[3].docking_location.crew_hatch"),
    }
    assert report.events == 7  # what is known is stored all the same


def test_cli_reports_unknown_keys_and_strict_refuses(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)
    page = _drifted_page()
    for event in page["results"]:
        event["departure"] = "2031-01-01T00:00:00Z"  # a change that must not land
    drifted = write(tmp_path / "drift.json", page)

    strict = cli_ingest(db_url, "--strict", str(drifted))
    assert strict.returncode == 1, strict.stderr
    assert f"error: {drifted}: $.results[0].docking_port_side: refused (--strict)" in strict.stderr
    assert "unknown key $.results[*].docking_location.crew_hatch: 1 time" in strict.stderr
    assert "nothing of that file was written" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert dump(db_url) == before

    lenient = cli_ingest(db_url, str(drifted))
    assert lenient.returncode == 0, lenient.stderr
    assert (
        "unknown key $.results[*].docking_port_side: 7 times (first at "
        "$.results[0].docking_port_side); not stored"
    ) in lenient.stderr
    assert "1 of them held keys that were not stored" in lenient.stderr
    assert dump(db_url) != before


def test_strict_refuses_what_an_older_version_cannot_store(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)
    archive = write(tmp_path / "archive.json", page_210())
    with pytest.raises(IngestError, match=r"refused \(--strict\)") as caught:
        ingest_reports(db_url, archive, strict=True)
    assert caught.value.file == str(archive)
    assert "not stored $.results[*].launch_id: 3 times" in caught.value.message
    assert dump(db_url) == before


def test_an_older_form_in_a_2_3_0_event_is_the_wrong_type(db_url: str, tmp_path: Path) -> None:
    """An agency's type given by name is 2.1.0's form; in a 2.3.0 event it is a string where
    an object is required, refused at its path, even where another occurrence of the same
    agency gives the type as an object (hypothesis found it: the string was read as a
    name and the document stored)."""
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)
    page = json.loads(SEED_PAGE.read_text())
    found = []

    def agencies(obj: Any, path: str) -> None:
        if isinstance(obj, dict):
            if isinstance(obj.get("type"), dict) and "abbrev" in obj:
                found.append((obj, path))
            for key, value in obj.items():
                agencies(value, f"{path}.{key}")
        elif isinstance(obj, list):
            for index, value in enumerate(obj):
                agencies(value, f"{path}[{index}]")

    agencies(page, "$")
    ids = [obj["id"] for obj, _ in found]
    obj, path = next((o, p) for o, p in reversed(found) if ids.count(o["id"]) > 1)
    obj["type"] = obj["type"]["name"]
    broken = write(tmp_path / "named.json", page)
    with pytest.raises(IngestError) as caught:
        ingest(db_url, broken)
    assert caught.value.path == f"{path}.type", caught.value
    assert "expected an object, got a string" in caught.value.message
    assert dump(db_url) == before


# -- the wrong kind of object ------------------------------------------------------------

STATION = {  # a /space_stations/ object (normal mode), as sync reads them
    "id": 901,
    "url": "https://ll.thespacedevs.com/2.3.0/space_stations/901/",
    "name": "Haven Demo",
    "image": None,
    "status": {"id": 1, "name": "Active"},
    "founded": "2026-05-01",
    "deorbited": None,
    "description": "Not docked to yet.",
    "orbit": "Low Earth Orbit",
    "type": {"id": 1, "name": "Government"},
    "owners": [],
    "active_expeditions": [],
    "response_mode": "normal",
}
STATION_WITHOUT_URL = {k: v for k, v in STATION.items() if k != "url"}


def _seed(key: str) -> Any:
    return copy.deepcopy(seed_events()[1][key])


WRONG_KINDS = [
    (
        STATION,
        "$",
        "a space station object (its url is https://ll.thespacedevs.com/2.3.0/space_stations/901/) is not a docking event",
    ),
    (
        STATION_WITHOUT_URL,
        "$",
        "a space station object (has `orbit`, `status`, `founded`, `owners`) is not a docking event",
    ),
    ([STATION_WITHOUT_URL], "$[0]", "a space station object (has `orbit`"),
    (
        _seed("flight_vehicle_chaser"),
        "$",
        "a spacecraft flight object (its url is https://lldev.thespacedevs.com/2.3.0/spacecraft_flights/833/",
    ),
    (
        _seed("docking_location"),
        "$",
        "a docking location object (has `spacestation`, `spacecraft`, `payload`) is not a docking event",
    ),
]


@pytest.mark.parametrize(("document", "path", "message"), WRONG_KINDS)
def test_other_kinds_of_object_are_named(
    db_url: str, tmp_path: Path, document: Any, path: str, message: str
) -> None:
    bad = write(tmp_path / "other.json", document)
    with pytest.raises(IngestError) as caught:
        ingest_reports(db_url, bad)
    assert caught.value.path == path
    assert caught.value.message.startswith(message), caught.value.message
    assert "ingest takes docking-event pages, lists or objects" in caught.value.message


def test_pages_of_stations_and_docking_locations_are_read(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, SEED_PAGE)
    location = _seed("docking_location") | {"id": 902, "name": "Haven Demo forward"}
    location["spacestation"] = {k: STATION[k] for k in ("id", "url", "name", "image")}
    stations = write(tmp_path / "stations.json", {"count": 1, "results": [STATION]})
    locations = write(tmp_path / "locations.json", {"count": 1, "results": [location]})
    reports = ingest_reports(db_url, stations, locations)
    assert [r.events for r in reports] == [0, 0]
    assert not any(r.drift for r in reports)  # active_expeditions, response_mode: not data here
    tables = dump(db_url)
    assert (901, "Haven Demo") in {row[:3:2] for row in tables["space_station"]}
    assert any(row[0] == 902 and row[2] == 901 for row in tables["docking_location"])


# -- hostile JSON ------------------------------------------------------------------------


def _nested(depth: int) -> str:
    return '{"count": 1, "results": [{"id": 1, "x": ' + "[" * depth + "]" * depth + "}]}"


HOSTILE = [
    ("deep.json", _nested(1_000), "JSON nested too deeply"),
    ("bomb.json", _nested(100_000), "JSON nested too deeply"),
    (
        "huge.json",
        '{"count": 1,\n "results": [{"id": ' + "7" * 5_000 + "}]}",
        "invalid JSON: an integer of 5000 digits (line 2, column 21)",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), HOSTILE)
def test_hostile_json_gets_a_message_naming_the_file(
    db_url: str, tmp_path: Path, name: str, text: str, message: str
) -> None:
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)
    bad = write(tmp_path / name, text)
    result = cli_ingest(db_url, str(bad))
    assert result.returncode == 1
    assert f"error: {bad}: $: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert dump(db_url) == before


# -- what LL2 data can mean --------------------------------------------------------------

FAMILY = "$.results[0].flight_vehicle_chaser.spacecraft.spacecraft_config.family"


def _families(*families: dict[str, Any]) -> dict[str, Any]:
    page = json.loads(SEED_PAGE.read_text())
    config = page["results"][0]["flight_vehicle_chaser"]["spacecraft"]["spacecraft_config"]
    config["family"] = list(families)
    return page


def _family(family_id: int, parent: int | None) -> dict[str, Any]:
    """A family of an id the seed page does not use (a later occurrence would win)."""
    family = {"id": family_id, "name": f"Family {family_id}", "response_mode": "normal"}
    family["parent"] = None if parent is None else {"id": parent, "name": f"Family {parent}"}
    return family


LOOPS = [
    (
        _families(_family(500, 500)),
        f"{FAMILY}[0].parent",
        "spacecraft config family 500 is its own parent",
    ),
    (
        _families(_family(500, 501), _family(501, 500)),
        f"{FAMILY}[0].parent",
        "spacecraft config family parents form a loop: 500 -> 501 -> 500",
    ),
]
NOT_POSITIVE = [
    (
        {"count": 1, "results": [seed_events()[0] | {"id": 0}]},
        "$.results[0].id",
        "LL2 ids are positive, got 0",
    ),
    (
        _families(_family(-3, None)),
        f"{FAMILY}[0].id",
        "LL2 ids are positive, got -3",
    ),
]


@pytest.mark.parametrize(("document", "path", "message"), LOOPS + NOT_POSITIVE)
def test_parent_loops_and_ids_below_one_are_refused(
    db_url: str, tmp_path: Path, document: Any, path: str, message: str
) -> None:
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)
    bad = write(tmp_path / "bad.json", document)
    with pytest.raises(IngestError) as caught:
        ingest_reports(db_url, bad)
    assert (caught.value.file, caught.value.path) == (str(bad), path)
    assert caught.value.message == message
    assert dump(db_url) == before


def test_a_parent_loop_through_stored_rows_is_refused(db_url: str, tmp_path: Path) -> None:
    first = write(tmp_path / "a.json", _families(_family(500, 501)))
    ingest(db_url, first)
    before = dump(db_url)
    second = write(tmp_path / "b.json", _families(_family(501, 500)))
    with pytest.raises(IngestError) as caught:
        ingest_reports(db_url, second)
    assert caught.value.path == f"{FAMILY}[0].parent"
    assert caught.value.message == "spacecraft config family parents form a loop: 501 -> 500 -> 501"
    assert dump(db_url) == before
