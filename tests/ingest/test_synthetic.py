"""The synthetic LL2 generator: deterministic, LL2-shaped, streaming, and ingestible."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from support.data import FULL_PAGE_QUERY, seed_events

from gql_server.app import create_app
from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.db.models import DockingEvent
from gql_server.ingest.files import ingest_paths
from gql_server.settings import Settings
from gql_server.synthetic import generate_events, write_pages

SEED_EVENTS = seed_events()
INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

# Keys whose value is an object of one LL2 type wherever it occurs: a path restarts at the
# last of them, so the chaser and the target sides, or an image on a station and on a
# spacecraft, are compared as the same shape (the seed page shows each type at least once).
ANCHORS = {
    "flight_vehicle_chaser": "<spacecraft flight>",
    "flight_vehicle_target": "<spacecraft flight>",
    "payload_flight_chaser": "<payload flight>",
    "payload_flight_target": "<payload flight>",
    "space_station_chaser": "<station>",
    "space_station_target": "<station>",
    "spacestation": "<station>",
    "payload": "<payload>",
    "landing": "<landing>",
    "image": "<image>",
}


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def key_paths(events: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Every JSON key path of ``events`` (``[]`` for list items) with the value types seen."""
    found: dict[str, set[str]] = {}

    def walk(value: Any, path: str) -> None:
        found.setdefault(path, set()).add(_type(value))
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, ANCHORS.get(key, f"{path}.{key}"))
        elif isinstance(value, list):
            for item in value:
                walk(item, f"{path}[]")

    for event in events:
        walk(event, "$")
    return found


def test_same_count_and_seed_give_the_same_json() -> None:
    first = list(generate_events(400, seed=7))
    assert first == list(generate_events(400, seed=7))
    assert first != list(generate_events(400, seed=8))


def test_pages_are_byte_identical_across_runs(tmp_path: Path) -> None:
    one = write_pages(tmp_path / "a", 250, seed=3, page_size=100)
    two = write_pages(tmp_path / "b", 250, seed=3, page_size=100)
    assert [p.name for p in one] == ["page-00001.json", "page-00002.json", "page-00003.json"]
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    pages = [json.loads(p.read_text()) for p in one]
    assert [len(p["results"]) for p in pages] == [100, 100, 50]
    assert pages[0]["count"] == 250 and pages[0]["previous"] is None and pages[2]["next"] is None
    generated = list(generate_events(250, seed=3))
    assert [e for p in pages for e in p["results"]] == generated


def test_key_paths_and_value_types_match_the_real_ll2_page() -> None:
    seed = key_paths(SEED_EVENTS)
    generated = key_paths(generate_events(3000))
    assert set(generated) - set(seed) == set(), "keys LL2 does not have"
    assert set(seed) - set(generated) == set(), "LL2 keys never generated"
    wrong = {p: (t, seed[p]) for p, t in generated.items() if not t <= seed[p]}
    assert wrong == {}


def test_events_are_plausible() -> None:
    events = list(generate_events(2000, seed=1))
    assert [e["id"] for e in events] == list(range(1, 2001))
    chasers = ("flight_vehicle_chaser", "payload_flight_chaser", "space_station_chaser")
    targets = ("flight_vehicle_target", "payload_flight_target", "space_station_target")
    kinds = set()
    for event in events:
        chaser = [k for k in chasers if event[k] is not None]
        target = [k for k in targets if event[k] is not None]
        assert len(chaser) == 1 and len(target) == 1, event["id"]
        kinds.add((chaser[0], target[0]))
        assert INSTANT.match(event["docking"])
        assert "1998" <= event["docking"][:4] <= "2026"
        if event["departure"] is not None:
            assert INSTANT.match(event["departure"]) and event["departure"] >= event["docking"]
    assert kinds == {
        ("flight_vehicle_chaser", "space_station_target"),
        ("payload_flight_chaser", "payload_flight_target"),
        ("space_station_chaser", "flight_vehicle_target"),
    }
    assert any(e["departure"] is None for e in events)
    names = " ".join(
        e["flight_vehicle_chaser"]["spacecraft"]["name"]
        for e in events
        if e["flight_vehicle_chaser"] is not None
    )
    for word in ("Dragon", "Soyuz", "Progress", "Shenzhou", "Cygnus"):
        assert word in names


def test_events_stream() -> None:
    events = generate_events(1_000_000_000)
    assert isinstance(events, Iterator)
    assert [e["id"] for e in itertools.islice(events, 3)] == [1, 2, 3]


async def _round_trip(tmp_path: Path) -> tuple[int, dict[str, Any]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'synthetic.db'}"
    engine = create_engine(url)
    try:
        await ensure_schema(engine)
        await ingest_paths(engine, write_pages(tmp_path / "pages", 500, seed=11))
        async with engine.connect() as conn:
            rows = (await conn.execute(select(func.count()).select_from(DockingEvent))).scalar()
    finally:
        await engine.dispose()
    app = create_app(Settings(database_url=url, seed_dir=None, graphiql=False))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        response = await http.post(
            "/graphql", json={"query": FULL_PAGE_QUERY, "variables": {"limit": 100, "offset": 400}}
        )
    return int(rows or 0), response.json()


def test_500_events_round_trip_through_ingest_and_graphql(tmp_path: Path) -> None:
    rows, body = asyncio.run(_round_trip(tmp_path))
    assert rows == 500
    assert "errors" not in body, body["errors"][:3]
    page = body["data"]["dockingEvents"]
    assert page["count"] == 500
    assert len(page["results"]) == 100
