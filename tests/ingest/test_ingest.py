"""Ingestion: an upsert that keeps what the input leaves out, one transaction a file."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.data import ROOT, SEED_PAGE, seed_events
from support.databases import run
from support.db_dump import dump, ingest

from gql_server.db.base import Base
from gql_server.db.engine import create_engine
from gql_server.ingest.errors import IngestError


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


@pytest.fixture
def url(db_url: str) -> str:
    return db_url


def test_ingesting_twice_leaves_the_same_database(url: str) -> None:
    ingest(url, SEED_PAGE)
    first = dump(url)
    ingest(url, SEED_PAGE)
    second = dump(url)
    # Only a write that changes rows bumps the data version (caches and subscriptions
    # watch it): the second, identical ingest leaves it at 1 ...
    assert [row[1] for row in first.pop("data_version")] == [1]
    assert [row[1] for row in second.pop("data_version")] == [1]
    # ... and every row of data as it was.
    assert second == first
    assert len(first["docking_event"]) == 7
    # Shared objects are stored once: two stations, one NASA license, one "Unknown" license.
    assert len(first["space_station"]) == 2
    assert sum(1 for row in first["image_license"] if row[1] == "Unknown") == 1


def test_page_list_and_single_event_forms(url: str, tmp_path: Path) -> None:
    events = seed_events()
    folder = tmp_path / "pages"
    folder.mkdir()
    write(folder / "a.json", events[:3])  # a bare list
    write(folder / "b.json", events[3])  # one event object
    (folder / "nested").mkdir()
    write(folder / "nested" / "c.json", {"count": 3, "results": events[4:]})  # an envelope
    ingest(url, folder)
    assert len(dump(url)["docking_event"]) == 7


def test_changed_fields_update_and_absent_keys_are_kept(url: str, tmp_path: Path) -> None:
    ingest(url, SEED_PAGE)
    event = copy.deepcopy(seed_events()[0])  # 569, Tiangong target with an image
    event["departure"] = "2024-11-04T00:00:00Z"
    event["space_station_target"] = {
        "id": 18,
        "url": event["space_station_target"]["url"],
        "name": "Tiangong",
    }
    del event["docking_location"]["spacestation"]["image"]
    ingest(url, write(tmp_path / "changed.json", event))
    tables = dump(url)
    (row,) = [r for r in tables["docking_event"] if r[0] == 569]
    columns = [c.name for c in Base.metadata.tables["docking_event"].columns]
    assert row[columns.index("departure")].isoformat().startswith("2024-11-04T00:00:00")
    (station,) = [r for r in tables["space_station"] if r[0] == 18]
    station_columns = [c.name for c in Base.metadata.tables["space_station"].columns]
    assert station[station_columns.index("name")] == "Tiangong"
    # The image key was absent: the stored image stays.
    assert station[station_columns.index("image_id")] == 1941


def test_null_stores_null(url: str, tmp_path: Path) -> None:
    ingest(url, SEED_PAGE)
    event = copy.deepcopy(seed_events()[0])
    event["departure"] = None
    # Station 18 appears twice in the event; the later occurrence wins, so null both.
    event["docking_location"]["spacestation"]["image"] = None
    event["space_station_target"]["image"] = None
    ingest(url, write(tmp_path / "nulls.json", event))
    tables = dump(url)
    columns = [c.name for c in Base.metadata.tables["docking_event"].columns]
    (row,) = [r for r in tables["docking_event"] if r[0] == 569]
    assert row[columns.index("departure")] is None
    station_columns = [c.name for c in Base.metadata.tables["space_station"].columns]
    (station,) = [r for r in tables["space_station"] if r[0] == 18]
    assert station[station_columns.index("image_id")] is None


def test_a_renamed_station_changes_what_search_finds(url: str, tmp_path: Path) -> None:
    ingest(url, SEED_PAGE)
    event = copy.deepcopy(seed_events()[1])  # 570, a spacecraft flight to the ISS
    event["space_station_target"]["name"] = "Straße Station"
    ingest(url, write(tmp_path / "renamed.json", {"count": 1, "results": [event]}))
    documents = {r[0]: r[-1] for r in dump(url)["docking_event"]}
    # Every ISS event now carries the new, case-folded name (ß folds to ss).
    for event_id in (570, 613, 619, 620):
        assert "strasse station" in documents[event_id]
        assert "international space station" not in documents[event_id]
    assert "strasse" not in documents[569]


BAD_INPUTS = [
    ("{not json", "$", "invalid JSON"),
    ('"just a string"', "$", "expected an LL2 page envelope"),
    ({"count": 1, "results": {"id": 1}}, "$.results", "expected a list of events"),
    ({"results": [{"id": 1}]}, "$.results[0]", "missing required key 'docking'"),
]


def _broken(mutate: Any) -> dict[str, Any]:
    page = json.loads(SEED_PAGE.read_text())
    mutate(page["results"])
    return page


def _two_chasers(events: list[dict[str, Any]]) -> None:
    events[2]["space_station_chaser"] = events[0]["space_station_target"]


BAD_PAGES = [
    (
        lambda ev: ev[3].__setitem__("id", "613"),
        "$.results[3].id",
        "expected an integer, got a string",
    ),
    (
        lambda ev: ev[1].__setitem__("docking", "soon"),
        "$.results[1].docking",
        "expected an ISO 8601 date-time",
    ),
    (
        lambda ev: ev[0]["docking_location"].pop("name"),
        "$.results[0].docking_location",
        "missing required key 'name'",
    ),
    (
        lambda ev: ev[0]["flight_vehicle_chaser"]["spacecraft"]["spacecraft_config"].__setitem__(
            "family", {}
        ),
        "$.results[0].flight_vehicle_chaser.spacecraft.spacecraft_config.family",
        "expected a list",
    ),
    (
        lambda ev: ev[4]["flight_vehicle_chaser"]["launch"].__setitem__("id", "not-a-uuid"),
        "$.results[4].flight_vehicle_chaser.launch.id",
        "expected a UUID",
    ),
    (_two_chasers, "$.results[2]", "at most one chaser"),
    (lambda ev: ev[6].__setitem__("url", None), "$.results[6].url", "must not be null"),
]


@pytest.mark.parametrize(("document", "path", "message"), BAD_INPUTS)
def test_bad_documents_name_file_and_path(
    url: str, tmp_path: Path, document: Any, path: str, message: str
) -> None:
    check_refused(url, write(tmp_path / "bad.json", document), path, message)


@pytest.mark.parametrize(("mutate", "path", "message"), BAD_PAGES)
def test_bad_events_name_file_and_path(
    url: str, tmp_path: Path, mutate: Any, path: str, message: str
) -> None:
    # The bad event is last to be read in some cases, first in others: either way nothing
    # of the file may be written.
    check_refused(url, write(tmp_path / "bad.json", _broken(mutate)), path, message)


def check_refused(url: str, bad: Path, path: str, message: str) -> None:
    ingest(url, SEED_PAGE)
    before = dump(url)
    with pytest.raises(IngestError) as caught:
        ingest(url, bad)
    error = caught.value
    assert error.file == str(bad)
    assert error.path == path
    assert message in error.message
    assert str(error).startswith(f"{bad}: {path}: ")
    assert dump(url) == before


def test_a_database_refusal_rolls_the_whole_file_back(url: str, tmp_path: Path) -> None:
    ingest(url, SEED_PAGE)
    before = dump(url)
    # Valid on its own, but event 569 already has a spacecraft-flight chaser stored: adding
    # a station chaser without nulling it breaks the one-chaser constraint in the database.
    events = copy.deepcopy(seed_events())
    events[0].pop("flight_vehicle_chaser")
    events[0]["space_station_chaser"] = events[1]["space_station_target"]
    events[3]["departure"] = "2030-01-01T00:00:00Z"  # a change that must not land either
    bad = write(tmp_path / "refused.json", events)
    with pytest.raises(IngestError, match="the database refused the data"):
        ingest(url, bad)
    assert dump(url) == before


def test_cli_reports_file_and_path_and_exits_1(url: str, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", {"results": [{"id": 1, "url": "u", "docking": "x"}]})
    result = subprocess.run(
        [sys.executable, "-m", "gql_server", "ingest", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 1
    assert f"error: {bad}: $.results[0]: missing required key 'docking_location'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_ingests_and_reports_progress(url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gql_server", "ingest", str(SEED_PAGE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "[1/1]" in result.stderr and "7 events" in result.stderr
    assert len(dump(url)["docking_event"]) == 7


def test_changes_are_logged_per_data_version(url: str, tmp_path: Path) -> None:
    from gql_server.ingest.load import remove_events

    ingest(url, SEED_PAGE)
    ingest(url, SEED_PAGE)  # nothing changed: no new version, nothing logged
    event = copy.deepcopy(seed_events()[0])
    event["departure"] = "2024-11-04T00:00:00Z"
    ingest(url, write(tmp_path / "changed.json", event))

    async def remove() -> None:
        engine = create_engine(url)
        async with engine.begin() as conn:
            assert await remove_events(conn, [570, 99999]) == 1
        await engine.dispose()

    run(remove())
    log = [(row[1], row[2], row[3]) for row in sorted(dump(url)["docking_event_change"])]
    assert log[:7] == [(1, i, "created") for i in (569, 570, 613, 619, 620, 609, 616)]
    assert log[7:] == [(2, 569, "updated"), (3, 570, "removed")]
    assert [row[1] for row in dump(url)["data_version"]] == [3]
