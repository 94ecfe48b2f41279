"""LL2 2.4.0's docking-event filters (`docked`, `dockingYear`, `dockingMonth`, `dockingDay`)
on every event list: the root list and connection, `dockingStats`, the reverse lists and
nested connections of stations, ports, spacecraft flights and payload flights, and the
`dockingEventChanged` subscription; on both backends, over the seed plus 300 generated
events, with a PostgreSQL session time zone and a process `TZ` that are not UTC (the
calendar filters are UTC). Also: every event list takes exactly the same filters."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLSchema
from sqlalchemy import text
from starlette.testclient import TestClient
from support.servers import in_thread
from websockets.asyncio.client import connect

from gql_server.app import create_app
from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.graphql.arguments import EVENT_FILTERS
from gql_server.graphql.schema import build_schema
from gql_server.ingest.files import ingest_paths
from gql_server.settings import SEED_DIR, Settings
from gql_server.synthetic import write_pages

PG_ZONE = "Pacific/Kiritimati"  # UTC+14: most instants fall on another day than in UTC
PROCESS_ZONE = "America/Los_Angeles"
KIRITIMATI = timezone(timedelta(hours=14))
WAIT = 15.0  # seconds any expected subscription message may take, at most


@pytest.fixture
def process_zone() -> Iterator[None]:
    """The test process (and the server threads in it) in a non-UTC local time zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = PROCESS_ZONE
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


async def _prepare(url: str, folder: Path) -> None:
    """The seed and 300 generated events; on PostgreSQL, the database's sessions in UTC+14."""
    engine = create_engine(url)
    try:
        await ensure_schema(engine)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                name = (await conn.execute(text("SELECT current_database()"))).scalar_one()
                await conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO '{PG_ZONE}'"))
                await conn.commit()
        pages = write_pages(folder / "pages", 300, seed=7)
        await ingest_paths(engine, [SEED_DIR / "docking_events_page.json", *pages])
    finally:
        await engine.dispose()
    if url.startswith("postgresql"):  # a new session takes the database's setting
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                assert (await conn.execute(text("SHOW timezone"))).scalar_one() == PG_ZONE
        finally:
            await engine.dispose()


class Gql:
    def __init__(self, http: TestClient) -> None:
        self.http = http

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.http.post("/graphql", json={"query": query, "variables": variables or {}}).json()
        assert isinstance(body, dict), body
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def world(db_url: str, tmp_path: Path, process_zone: None) -> Iterator[Gql]:
    asyncio.run(_prepare(db_url, tmp_path))
    app = create_app(Settings(database_url=db_url, seed_dir=None))
    with TestClient(app) as http:
        yield Gql(http)


EVENT_FIELDS = """id docking departure dockingLocation { id } flightVehicleChaser { id }
  payloadFlightChaser { id } spaceStationTarget { id } spaceStationChaser { id }"""


def all_events(client: Gql) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for offset in range(0, 10_000, 100):  # bounded: 307 events
        page = client.data(
            f"{{ dockingEvents(limit: 100, offset: {offset}) {{ count results {{ {EVENT_FIELDS} }} }} }}"
        )["dockingEvents"]
        events += page["results"]
        if len(events) >= page["count"]:
            break
    for event in events:
        event["at"] = datetime.fromisoformat(event["docking"]).astimezone(UTC)
    return events


def ref(event: dict[str, Any], key: str) -> int | None:
    return event[key]["id"] if event[key] else None


FILTERS = "docked: $docked, dockingYear: $year, dockingMonth: $month, dockingDay: $day, dockingGte: $gte, search: $search"
VARIABLES = "$docked: Boolean, $year: [Int!], $month: [Int!], $day: [Int!], $gte: DateTime, $search: String"
PAGE = "{ count results { id } }"
EDGES = "{ totalCount edges { node { id } } }"

EVERY_SURFACE = f"""
query ({VARIABLES}, $station: Int!, $port: Int!, $flight: Int!, $payload: Int!) {{
  list: dockingEvents({FILTERS}, limit: 100) {PAGE}
  connection: dockingEventsConnection({FILTERS}, first: 100) {EDGES}
  stats: dockingStats({FILTERS}, groupBy: [YEAR]) {{ key {{ year }} count }}
  spaceStation(id: $station) {{
    list: dockingEvents(role: TARGET, {FILTERS}, limit: 100) {PAGE}
    either: dockingEvents({FILTERS}, limit: 100) {PAGE}
    connection: dockingEventsConnection(role: TARGET, {FILTERS}, first: 100) {EDGES}
  }}
  dockingLocation(id: $port) {{
    list: dockingEvents({FILTERS}, limit: 100) {PAGE}
    connection: dockingEventsConnection({FILTERS}, first: 100) {EDGES}
  }}
  spacecraftFlight(id: $flight) {{
    list: dockingEvents(role: CHASER, {FILTERS}, limit: 100) {PAGE}
    connection: dockingEventsConnection(role: CHASER, {FILTERS}, first: 100) {EDGES}
  }}
  payloadFlight(id: $payload) {{
    list: dockingEvents(role: CHASER, {FILTERS}, limit: 100) {PAGE}
    connection: dockingEventsConnection(role: CHASER, {FILTERS}, first: 100) {EDGES}
  }}
  stations: spaceStations(limit: 100) {{ results {{ id
    dockingEvents({FILTERS}, limit: 100) {{ count }} }} }}
  ports: dockingLocations(limit: 100) {{ results {{ id
    dockingEventsConnection({FILTERS}, first: 0) {{ totalCount }} }} }}
}}
"""


def matcher(variables: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """The filters in Python, on UTC calendar values (search is only used as blank here)."""

    def keep(event: dict[str, Any]) -> bool:
        at: datetime = event["at"]
        docked, years = variables.get("docked"), variables.get("year")
        months, days, gte = variables.get("month"), variables.get("day"), variables.get("gte")
        return (
            (docked is None or (event["departure"] is None) == docked)
            and (not years or at.year in years)
            and (not months or at.month in months)
            and (not days or at.day in days)
            and (gte is None or at >= datetime.fromisoformat(gte))
        )

    return keep


def ids(events: list[dict[str, Any]]) -> list[int]:
    return [e["id"] for e in sorted(events, key=lambda e: (e["at"], e["id"]))]


def busiest(events: list[dict[str, Any]], key: str) -> int:
    (parent, _), *_ = Counter(ref(e, key) for e in events if ref(e, key) is not None).most_common(1)
    return int(parent)


def cases(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    years = Counter(e["at"].year for e in events)
    (y1, _), (y2, _), *_ = years.most_common()
    # Days where UTC and UTC+14 disagree for some events: a filter in the session's zone fails.
    shifted = Counter(e["at"].day for e in events if e["at"].astimezone(KIRITIMATI).day != e["at"].day)
    days = [day for day, _ in shifted.most_common(3)]
    middle = sorted(e["at"] for e in events)[len(events) // 2].isoformat()
    return [
        {"docked": True},
        {"docked": False},
        {"year": [y1, y2]},
        {"month": [1, 12]},
        {"month": [6]},
        {"day": days},
        {"day": [31]},
        {"docked": False, "year": [y1], "month": [1, 2, 3, 4, 5, 6]},
        {"day": list(range(1, 16)), "gte": middle, "docked": False},
        {"year": [y2, y1, y2], "month": [7, 8, 9, 10, 11, 12], "search": " "},
        {"year": [], "month": [], "day": []},  # empty lists filter nothing (as LL2's empty param)
    ]


def test_every_new_filter_on_every_event_list(world: Gql) -> None:
    events = all_events(world)
    assert len(events) == 307
    parents = {
        "station": busiest(events, "spaceStationTarget"),
        "port": busiest(events, "dockingLocation"),
        "flight": busiest(events, "flightVehicleChaser"),
        "payload": busiest(events, "payloadFlightChaser"),
    }
    stations = {int(s["id"]) for s in world.data("{ spaceStations(limit: 100) { results { id } } }")["spaceStations"]["results"]}
    ports = {int(p["id"]) for p in world.data("{ dockingLocations(limit: 100) { results { id } } }")["dockingLocations"]["results"]}
    narrowed = 0
    for variables in cases(events):
        keep = matcher(variables)
        chosen = [e for e in events if keep(e)]
        if any(variables.get(k) for k in ("docked", "year", "month", "day")) or "docked" in variables:
            assert 0 < len(chosen) < len(events), variables  # each case is a real test
            narrowed += 1
        else:
            assert len(chosen) == len(events)
        data = world.data(EVERY_SURFACE, {**variables, **parents})
        expected = ids(chosen)
        assert data["list"]["count"] == len(expected), variables
        assert [r["id"] for r in data["list"]["results"]] == expected[:100], variables
        assert data["connection"]["totalCount"] == len(expected)
        assert [e["node"]["id"] for e in data["connection"]["edges"]] == expected[:100]
        by_year = Counter(e["at"].year for e in chosen)
        assert {b["key"]["year"]: b["count"] for b in data["stats"]} == dict(by_year), variables

        def check(found: dict[str, Any], wanted: list[dict[str, Any]], variables: Any = variables) -> None:
            wanted_ids = ids(wanted)
            assert found["list"]["count"] == len(wanted_ids), variables
            assert [r["id"] for r in found["list"]["results"]] == wanted_ids[:100], variables
            assert found["connection"]["totalCount"] == len(wanted_ids), variables
            assert [e["node"]["id"] for e in found["connection"]["edges"]] == wanted_ids[:100]

        check(data["spaceStation"], [e for e in chosen if ref(e, "spaceStationTarget") == parents["station"]])
        either = [
            e for e in chosen if parents["station"] in (ref(e, "spaceStationTarget"), ref(e, "spaceStationChaser"))
        ]
        assert data["spaceStation"]["either"]["count"] == len(either)
        assert [r["id"] for r in data["spaceStation"]["either"]["results"]] == ids(either)[:100]
        check(data["dockingLocation"], [e for e in chosen if ref(e, "dockingLocation") == parents["port"]])
        check(data["spacecraftFlight"], [e for e in chosen if ref(e, "flightVehicleChaser") == parents["flight"]])
        check(data["payloadFlight"], [e for e in chosen if ref(e, "payloadFlightChaser") == parents["payload"]])
        # Batched over a page of parents: every station's and every port's count.
        station_counts = {int(s["id"]): s["dockingEvents"]["count"] for s in data["stations"]["results"]}
        assert set(station_counts) == stations
        for station, got in station_counts.items():
            sides = ("spaceStationTarget", "spaceStationChaser")
            assert got == sum(1 for e in chosen if station in (ref(e, k) for k in sides)), (variables, station)
        port_counts = {int(p["id"]): p["dockingEventsConnection"]["totalCount"] for p in data["ports"]["results"]}
        assert set(port_counts) == ports
        for port, got in port_counts.items():
            assert got == sum(1 for e in chosen if ref(e, "dockingLocation") == port), (variables, port)
    assert narrowed == 10


def test_calendar_filters_read_utc_not_the_session_zone(world: Gql) -> None:
    """An event docked at 23:30 UTC on a 31 December is, in UTC+14, on 1 January of the next
    year: the filters must see 31 December."""
    events = all_events(world)
    late = [e for e in events if e["at"].astimezone(KIRITIMATI).date() != e["at"].date()]
    assert late  # the data has events whose UTC date differs from the session's
    for event in late[:5]:
        at: datetime = event["at"]
        found = world.data(
            "query ($y: [Int!], $m: [Int!], $d: [Int!]) { dockingEvents(dockingYear: $y, "
            "dockingMonth: $m, dockingDay: $d, limit: 100) { results { id } } }",
            {"y": [at.year], "m": [at.month], "d": [at.day]},
        )["dockingEvents"]["results"]
        assert event["id"] in [r["id"] for r in found]
        local = at.astimezone(KIRITIMATI)
        found = world.data(
            "query ($d: [Int!], $m: [Int!]) { dockingEvents(dockingDay: $d, dockingMonth: $m, "
            "limit: 100) { results { id } } }",
            {"d": [local.day], "m": [local.month]},
        )["dockingEvents"]["results"]
        assert event["id"] not in [r["id"] for r in found]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("dockingMonth: [13]", "`dockingMonth` takes numbers from 1 to 12; got 13"),
        ("dockingMonth: [0, 1]", "`dockingMonth` takes numbers from 1 to 12; got 0"),
        ("dockingDay: [32]", "`dockingDay` takes numbers from 1 to 31; got 32"),
        ("dockingDay: [-1]", "`dockingDay` takes numbers from 1 to 31; got -1"),
        ("dockingYear: [0]", "`dockingYear` takes numbers from 1 to 9999; got 0"),
        ("dockingYear: [10000]", "`dockingYear` takes numbers from 1 to 9999; got 10000"),
        (
            "dockingYear: [" + ", ".join(str(y) for y in range(1900, 2001)) + "]",
            "`dockingYear` takes at most 100 distinct values; got 101",
        ),
    ],
)
def test_out_of_range_calendar_values_are_bad_user_input(
    seeded: Any, arguments: str, message: str
) -> None:
    surfaces = [
        f"{{ dockingEvents({arguments}) {{ count }} }}",
        f"{{ dockingEventsConnection({arguments}) {{ totalCount }} }}",
        f"{{ dockingStats(groupBy: [], {arguments}) {{ count }} }}",
        f"{{ spaceStation(id: 4) {{ dockingEvents({arguments}) {{ count }} }} }}",
        f"{{ spacecraftFlight(id: 858) {{ dockingEvents(role: CHASER, {arguments}) {{ count }} }} }}",
        f"{{ dockingLocation(id: 19) {{ dockingEventsConnection({arguments}) {{ totalCount }} }} }}",
    ]
    for query in surfaces:
        body = seeded.post(query)
        assert "errors" in body, query
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert error["message"] == message, query


def test_a_string_or_a_float_is_refused_by_graphql(seeded: Any) -> None:
    for arguments in ('dockingYear: "2024"', "dockingMonth: [1.5]", 'docked: "yes"'):
        body = seeded.post(f"{{ dockingEvents({arguments}) {{ count }} }}")
        assert body["errors"][0]["extensions"]["code"] in ("BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED")
        assert body.get("data") is None


# --- every event list takes the same filters --------------------------------------------

SURFACE_OWN = {
    "role", "first", "after", "last", "before", "ordering", "limit", "offset", "groupBy",
    "eventIds", "sinceVersion",
}  # fmt: skip


def event_lists(schema: GraphQLSchema) -> list[tuple[str, str, Any]]:
    found = []
    roots = {"Query", "Subscription"}
    for type_name, kind in schema.type_map.items():
        for name, field in getattr(kind, "fields", {}).items() if hasattr(kind, "fields") else []:
            of = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if str(of) in ("DockingEventPage", "DockingEventConnection") or (
                type_name in roots and name in ("dockingStats", "dockingEventChanged")
            ):
                found.append((type_name, name, field))
    return found


def test_every_event_list_takes_exactly_the_same_filters() -> None:
    schema = build_schema()._schema
    lists = event_lists(schema)
    names = {(owner, name) for owner, name, _ in lists}
    assert {
        ("Query", "dockingEvents"), ("Query", "dockingEventsConnection"), ("Query", "dockingStats"),
        ("Subscription", "dockingEventChanged"),
        ("SpaceStation", "dockingEvents"), ("SpaceStation", "dockingEventsConnection"),
        ("DockingLocation", "dockingEvents"), ("DockingLocation", "dockingEventsConnection"),
        ("SpacecraftFlight", "dockingEvents"), ("SpacecraftFlight", "dockingEventsConnection"),
        ("PayloadFlight", "dockingEvents"), ("PayloadFlight", "dockingEventsConnection"),
    } <= names  # fmt: skip
    declared = [
        "".join(part if i == 0 else part.title() for i, part in enumerate(f.name.split("_")))
        for f in EVENT_FILTERS
    ]
    assert {"docked", "dockingYear", "dockingMonth", "dockingDay", "dockingGt", "search"} <= set(declared)
    reference = schema.query_type.fields["dockingEvents"]  # type: ignore[union-attr]
    for owner, name, field in lists:
        filters = [arg for arg in field.args if arg not in SURFACE_OWN]
        assert filters == declared, (owner, name)  # same names, same order
        for arg in filters:
            theirs, ours = field.args[arg], reference.args[arg]
            assert str(theirs.type) == str(ours.type), (owner, name, arg)
            assert theirs.description == ours.description and theirs.description, (owner, name, arg)
            assert theirs.default_value == ours.default_value, (owner, name, arg)


# --- the subscription ---------------------------------------------------------------------


@contextlib.contextmanager
def serving(url: str) -> Iterator[int]:
    with in_thread(Settings(database_url=url, seed_dir=None), WAIT) as (port, _):
        yield port


SUBSCRIPTION = f"""subscription ({VARIABLES}) {{
  dockingEventChanged(sinceVersion: 0, {FILTERS}) {{ kind eventId }}
}}"""


async def replayed(port: int, variables: dict[str, Any], last: int) -> list[int]:
    """The event ids the subscription replays, up to and including ``last`` (bounded)."""
    async with connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=WAIT
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "connection_ack"
        payload = {"query": SUBSCRIPTION, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        seen: list[int] = []
        for _ in range(400):  # bounded: 309 events were written
            message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
            if message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
                continue
            assert message["type"] == "next", message
            change = message["payload"]["data"]["dockingEventChanged"]
            assert change["kind"] == "CREATED"
            seen.append(change["eventId"])
            if change["eventId"] == last:
                break
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        return seen


def test_the_subscription_applies_the_new_filters(world: Gql, db_url: str, tmp_path: Path) -> None:
    events = all_events(world)
    # Two events written after the others, each in a version of its own: still attached,
    # then departed. A case waits for the later of those it passes: once it arrives, every
    # earlier change has been judged (the stream is in log order).
    seed = json.loads((SEED_DIR / "docking_events_page.json").read_text())["results"][0]
    written = [
        {**seed, "id": 99_998, "docking": "2021-06-15T23:30:00Z", "departure": None},
        {**seed, "id": 99_999, "docking": "2021-06-15T23:45:00Z", "departure": "2021-07-01T00:00:00Z"},
    ]

    async def write() -> None:
        engine = create_engine(db_url)
        try:
            for event in written:
                (tmp_path / f"{event['id']}.json").write_text(json.dumps([event]))
                await ingest_paths(engine, [tmp_path / f"{event['id']}.json"])
        finally:
            await engine.dispose()

    asyncio.run(write())
    for event in written:
        event["at"] = datetime.fromisoformat(event["docking"]).astimezone(UTC)
    year = Counter(e["at"].year for e in events).most_common(1)[0][0]
    attached = Counter(e["at"].year for e in events if e["departure"] is None).most_common(1)[0][0]
    with serving(db_url) as port:
        for variables in (
            {"docked": False, "year": [year, 2021]},
            {"docked": True},
            {"month": [6], "day": [15, 1, 2, 3, 4, 5, 6, 7]},
            {"day": [15], "docked": False},
            {"year": [attached, 2021], "docked": True, "day": list(range(1, 16))},
        ):
            keep = matcher(variables)
            passing = [e["id"] for e in [*events, *written] if keep(e)]
            last = max(e["id"] for e in written if keep(e))
            assert 1 < len(passing) < len(events), variables
            got = asyncio.run(asyncio.wait_for(replayed(port, variables, last), 4 * WAIT))
            assert got[-1] == last
            assert sorted(got) == sorted(i for i in passing if i <= last), variables
