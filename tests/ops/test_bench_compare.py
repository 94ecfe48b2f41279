"""bench/compare.py's table (``bench/run.py --peers``), built from canned rates: the peers
themselves never run in tests (they need Node and npm)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("compare")
    finally:
        sys.path.remove(str(BENCH))


def _args(workloads: str = "W1 same,W1 varied,W3,W3 nested,W4") -> argparse.Namespace:
    return argparse.Namespace(
        events=10_000,
        clients=4,
        warmup=5.0,
        duration=10.0,
        rounds=1,
        workers=2,
        workloads=workloads,
    )


def test_the_table_gives_each_gateway_rate_over_the_faster_peer(compare: ModuleType) -> None:
    chosen = [compare.Server(key, title, {}) for key, title in [
        ("v4", "PostGraphile 4"), ("v5", "PostGraphile 5"),
        ("sqlite", "gateway, SQLite"), ("postgresql", "gateway, PostgreSQL"),
    ]]  # fmt: skip
    canned = {
        "v4": {"W1 same": 33.0, "W1 varied": 33.0, "W3": 8619.0, "W3 nested": 1600.0, "W4": 968.0},
        "v5": {"W1 same": 21.0, "W1 varied": 21.0, "W3": 4298.0, "W3 nested": 1000.0, "W4": 1000.0},
        "sqlite": {"W1 same": 146.0, "W1 varied": 126.0, "W3": 3180.0, "W3 nested": 2400.0, "W4": 315.0},
        "postgresql": {"W1 same": 88.0, "W1 varied": 71.0, "W3": 776.0, "W3 nested": 2000.0, "W4": 1500.0},
    }
    rates = {k: {w: (r, "-") for w, r in v.items()} for k, v in canned.items()}
    lines = compare.report(chosen, rates, _args()).splitlines()
    assert lines[2] == (
        "| workload | PostGraphile 4 | PostGraphile 5 | gateway, SQLite | gateway, PostgreSQL |"
    )
    rows = {line.split(" | ")[0].lstrip("| "): line for line in lines if line.startswith("| W")}
    assert list(rows) == [
        "W1 100 events, full tree (same query)",
        "W1 100 events, offsets varied",
        "W3 one event by id, its 11 columns",
        "W3 nested: with port, station, chaser name",
        'W4 search "dragon", 20 events',
    ]
    # Ratios to the faster PostGraphile of each row: v4 for W1 and W3, v5 for W4.
    assert rows["W1 100 events, full tree (same query)"].endswith(
        "| 33 | 21 | 146 (4.42x) | 88 (2.67x) |"
    )
    assert rows["W3 one event by id, its 11 columns"].endswith(
        "| 8,619 | 4,298 | 3,180 (0.37x) | 776 (0.09x) |"
    )
    assert rows["W3 nested: with port, station, chaser name"].endswith(
        "| 1,600 | 1,000 | 2,400 (1.50x) | 2,000 (1.25x) |"
    )
    assert rows['W4 search "dragon", 20 events'].endswith(
        "| 968 | 1,000 | 315 (0.32x) | 1,500 (1.50x) |"
    )
    assert "events=10,000" in lines[0] and "--workers 2" in lines[0]


def test_w3_answers_state_the_same_facts_in_either_shape(compare: ModuleType) -> None:
    """The peers answer W3 with the event's columns (one field per party kind); the gateway
    with objects and a union: the check compares the facts both state."""
    head = {"id": 7, "url": "u", "docking": "2020-01-02T03:04:05Z", "departure": None}
    peer = {
        **head, "docking": "2020-01-02T03:04:05+00:00", "dockingLocationId": 3,
        "spaceStationChaserId": None, "flightVehicleChaserId": 11, "payloadFlightChaserId": None,
        "spaceStationTargetId": 4, "flightVehicleTargetId": None, "payloadFlightTargetId": None,
    }  # fmt: skip
    gateway = {
        **head, "dockingLocation": {"id": 3},
        "chaser": {"__typename": "SpacecraftFlight", "id": 11},
        "target": {"__typename": "SpaceStation", "id": 4},
    }  # fmt: skip
    said = compare._what_w3_says("W3", peer)
    assert said == compare._what_w3_says("W3", gateway)
    assert compare._what_w3_says("W3", {**gateway, "target": {"__typename": "SpaceStation", "id": 5}}) != said
    peer_nested = {
        **head, "dockingLocation": {"id": 3, "name": "Harmony", "spacestation": {"id": 4, "name": "ISS"}},
        "spaceStationChaser": None, "flightVehicleChaser": {"spacecraft": {"name": "C206"}},
        "payloadFlightChaser": None,
    }  # fmt: skip
    gateway_nested = {
        **head, "dockingLocation": peer_nested["dockingLocation"],
        "chaser": {"__typename": "SpacecraftFlight", "spacecraft": {"name": "C206"}},
    }  # fmt: skip
    nested = compare._what_w3_says("W3 nested", peer_nested)
    assert nested == compare._what_w3_says("W3 nested", gateway_nested)
    assert nested[-1] == "C206"


def test_without_peers_there_is_no_ratio(compare: ModuleType) -> None:
    chosen = [compare.Server("sqlite", "gateway, SQLite", {})]
    rates = {"sqlite": {"W4": (315.0, "300-330")}}
    table = compare.report(chosen, rates, _args("W4"))
    assert '| W4 search "dragon", 20 events | 315 |' in table
    assert "x)" not in table


def test_run_py_hands_peers_to_compare(
    compare: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    # `bench/run.py --peers ...` is compare.main with the other options.
    run = sys.modules["run"]  # compare imported it
    with pytest.raises(SystemExit) as exit_:
        run.main(["--peers", "--help"])
    assert exit_.value.code == 0
    assert "--servers" in capsys.readouterr().out  # compare.py's option, not run.py's
