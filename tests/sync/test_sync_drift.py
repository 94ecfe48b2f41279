"""A sync reports what its pages hold that is not stored, and records it in ``sync_run``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from fake_ll2 import FakeLL2
from support.databases import sqlite_url
from test_sync import PAGE, make_fake, runs_of, sync


def test_a_sync_records_the_keys_its_pages_did_not_store(tmp_path: Path) -> None:
    fake: FakeLL2 = make_fake()
    for event in fake.events:
        event["docking_port_side"] = "aft"  # a key LL2 might add one day
    fake.data["space_stations"][0]["crew_capacity"] = 7
    url = sqlite_url(tmp_path / "synced.db")
    stream = io.StringIO()
    with fake.serve():
        report = sync(url, fake, stream=stream)
    assert report.outcome == "succeeded"
    (run,) = runs_of(url)
    recorded = json.loads(run["unknown_keys"])
    events = len(fake.events)
    assert recorded == {
        "unknown": {
            "$.results[*].docking_port_side": {
                "count": events,
                "example": "$.results[0].docking_port_side",
            },
            "$.results[*].crew_capacity": {"count": 1, "example": "$.results[0].crew_capacity"},
        },
        "not_stored": [],
    }
    # Each page says so as it is applied: one line per page of events.
    lines = [line for line in stream.getvalue().splitlines() if "docking_port_side" in line]
    assert len(lines) == -(-events // PAGE)
    assert (
        lines[0]
        .strip()
        .startswith(f"unknown key $.results[*].docking_port_side: {PAGE} times (first at ")
    )


def test_a_sync_without_unknown_keys_records_none(tmp_path: Path) -> None:
    fake = make_fake()
    url = sqlite_url(tmp_path / "synced.db")
    with fake.serve():
        assert sync(url, fake).outcome == "succeeded"
    assert [run["unknown_keys"] for run in runs_of(url)] == [None]
