"""Statements per request depend on the query's shape, never on the page size."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from support.client import Client, make_client
from support.data import FULL_PAGE_QUERY, seed_events
from support.databases import run

from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.ingest.files import ingest_paths


def shifted_copies(events: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    """``copies`` copies of ``events`` with new ids, each copy two years after the last, so
    ordering by docking yields the copies one after another, every copy the same shapes."""
    result = []
    for k in range(copies):
        for event in events:
            clone = copy.deepcopy(event)
            clone["id"] = event["id"] + 10_000 * (k + 1)
            for key in ("docking", "departure"):
                if clone[key]:
                    instant = datetime.fromisoformat(clone[key]) + timedelta(days=730 * k)
                    clone[key] = instant.isoformat().replace("+00:00", "Z")
            result.append(clone)
    return result


def client_with(url: str, tmp_path: Path, events: list[dict[str, Any]]) -> Any:
    source = tmp_path / "events.json"
    source.write_text(json.dumps(events))

    async def load() -> None:
        engine = create_engine(url)
        await ensure_schema(engine)
        await ingest_paths(engine, [source])
        await engine.dispose()

    run(load())
    return make_client(url, seed_dir=None, response_cache_bytes=0)


def test_limit_5_and_limit_100_cost_the_same(db_url: str, tmp_path: Path) -> None:
    # The five station dockings of the seed page share one shape; 30 copies of them.
    station_dockings = [e for e in seed_events() if e["space_station_target"]]
    assert len(station_dockings) == 5
    for client in client_with(db_url, tmp_path, shifted_copies(station_dockings, 30)):
        small = client.count_statements(FULL_PAGE_QUERY, {"limit": 5})
        large = client.count_statements(FULL_PAGE_QUERY, {"limit": 100})
        assert small == large
        assert large <= 40  # far below one per row: 100 events reach ~1,500 rows


def test_every_shape_costs_the_same_for_one_copy_or_fourteen(db_url: str, tmp_path: Path) -> None:
    for client in client_with(db_url, tmp_path, shifted_copies(seed_events(), 15)):
        one_copy = client.count_statements(FULL_PAGE_QUERY, {"limit": 7})
        many = client.count_statements(FULL_PAGE_QUERY, {"limit": 100})
        assert one_copy == many
        assert many <= 60


def test_point_lookups_are_batched(counting_client: Client) -> None:
    # The event with its location in one statement of joins (a lone point lookup:
    # planner/point.py), on both backends.
    one = counting_client.count_statements(
        "{ a: dockingEvent(id: 569) { id dockingLocation { name } } }"
    )
    # Several point lookups: the events, then their locations, batched.
    three = counting_client.count_statements(
        """{ a: dockingEvent(id: 569) { id dockingLocation { name } }
             b: dockingEvent(id: 570) { id dockingLocation { name } }
             c: dockingEvent(id: 613) { id dockingLocation { name } } }"""
    )
    backend = counting_client.http.app.state.engine.dialect.name  # type: ignore[attr-defined]
    assert one == 1, backend
    assert three == 2
