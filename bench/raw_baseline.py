"""The floor W1 is compared with: the same JSON as the full-page query's ``data``, built by
hand from SQLite with plain SELECTs (one per table, ``WHERE id IN (...)``) and json.dumps.

No GraphQL, no ORM types: driver rows in, dicts out. It reads through the gateway's own
SQLite read engine (``gql_server.db.engine.sqlite_reader``: pysqlite on the event loop's
thread), so its statements take the same driver, pool and counter as the GraphQL workloads.
It is written for SQLite's storage forms (text instants, 0/1 booleans, hex UUIDs).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gql_server.db.engine import sqlite_reader

Row = dict[str, Any]


class Rows:
    """The rows a page needs, fetched table by table with IN lists."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.tables: dict[str, dict[Any, Row]] = {}

    async def fetch(self, table: str, ids: Iterable[Any]) -> dict[Any, Row]:
        wanted = sorted({i for i in ids if i is not None} - set(self.tables.get(table, {})))
        found = self.tables.setdefault(table, {})
        if wanted:
            marks = ",".join("?" * len(wanted))
            result = self.conn.exec_driver_sql(
                f"SELECT * FROM {table} WHERE id IN ({marks})", tuple(wanted)
            )
            for row in result.mappings():
                found[row["id"]] = dict(row)
        return found

    async def listed(self, link: str, child: str, parents: Iterable[Any]) -> dict[Any, list[Row]]:
        keys = sorted(set(parents))
        grouped: dict[Any, list[Row]] = {key: [] for key in keys}
        if keys:
            marks = ",".join("?" * len(keys))
            result = self.conn.exec_driver_sql(
                f"SELECT l.parent_id AS _parent, c.* FROM {link} l JOIN {child} c "
                f"ON c.id = l.child_id WHERE l.parent_id IN ({marks}) "
                "ORDER BY l.parent_id, l.position",
                tuple(keys),
            )
            for row in result.mappings():
                grouped[row["_parent"]].append(dict(row))
        return grouped

    def get(self, table: str, key: Any) -> Row | None:
        return None if key is None else self.tables.get(table, {}).get(key)


def _col(rows: Iterable[Row], *names: str) -> list[Any]:
    return [row[name] for row in rows for name in names]


def _instant(text: str | None) -> str | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _date(text: str | None) -> str | None:
    return None if text is None else date.fromisoformat(text).isoformat()


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


async def full_page(conn: Connection, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """``{"dockingEvents": {"count", "results"}}`` exactly as docs/queries/full-page.graphql
    answers it for the default ordering (docking, then id)."""
    # The count rides on the slice, as the gateway does it (a page past the end would need
    # a count of its own; W1's never is).
    result = conn.exec_driver_sql(
        "SELECT *, (SELECT count(*) FROM docking_event) AS _total FROM docking_event "
        "ORDER BY docking, id LIMIT ? OFFSET ?",
        (limit, offset),
    )
    events = [dict(row) for row in result.mappings()]
    count = events[0].pop("_total") if events else 0
    for event in events[1:]:
        del event["_total"]
    db = Rows(conn)

    # Level by level: each fetch reads the ids the previous ones found.
    locations = (await db.fetch("docking_location", _col(events, "docking_location_id"))).values()
    flights = (
        await db.fetch(
            "spacecraft_flight",
            _col(events, "flight_vehicle_chaser_id", "flight_vehicle_target_id"),
        )
    ).values()
    payload_flights = (
        await db.fetch(
            "payload_flight", _col(events, "payload_flight_chaser_id", "payload_flight_target_id")
        )
    ).values()
    await db.fetch(
        "space_station",
        _col(events, "space_station_chaser_id", "space_station_target_id")
        + _col(locations, "spacestation_id"),
    )
    spacecraft = (await db.fetch("spacecraft", _col(flights, "spacecraft_id"))).values()
    configs = (
        await db.fetch(
            "spacecraft_config",
            _col(spacecraft, "spacecraft_config_id") + _col(locations, "spacecraft_id"),
        )
    ).values()
    payloads = (
        await db.fetch(
            "payload", _col(payload_flights, "payload_id") + _col(locations, "payload_id")
        )
    ).values()
    both = [*flights, *payload_flights]
    await db.fetch("launch", _col(both, "launch_id"))
    landings = (await db.fetch("landing", _col(both, "landing_id"))).values()
    sites = (await db.fetch("landing_location", _col(landings, "landing_location_id"))).values()
    places = (await db.fetch("location", _col(sites, "location_id"))).values()
    bodies = (await db.fetch("celestial_body", _col(sites, "celestial_body_id"))).values()
    families = await db.listed(
        "spacecraft_config_family_link", "spacecraft_config_family", _col(configs, "id")
    )
    family_rows = [f for listed in families.values() for f in listed]
    await db.fetch("spacecraft_config_family", _col(family_rows, "parent_id"))
    agencies = (
        await db.fetch(
            "agency",
            _col(configs, "agency_id")
            + _col(payloads, "manufacturer_id", "operator_id")
            + _col(family_rows, "manufacturer_id"),
        )
    ).values()
    images = (
        await db.fetch(
            "image",
            _col([*db.tables["space_station"].values(), *spacecraft, *configs], "image_id")
            + _col([*payloads, *places, *sites, *bodies], "image_id"),
        )
    ).values()
    variants = await db.listed("image_variant_link", "image_variant", _col(images, "id"))
    variant_rows = [v for listed in variants.values() for v in listed]
    for table, ids in (
        ("image_license", _col(images, "license_id")),
        ("image_variant_type", _col(variant_rows, "type_id")),
        ("agency_type", _col(agencies, "type_id")),
        ("spacecraft_status", _col(spacecraft, "status_id")),
        ("spacecraft_config_type", _col(configs, "type_id")),
        ("payload_type", _col(payloads, "type_id")),
        ("landing_type", _col(landings, "type_id")),
        ("celestial_body_type", _col(bodies, "type_id")),
        ("country", _col(places, "country_id")),
    ):
        await db.fetch(table, ids)

    # Shaping: one function per fragment of the query.
    def pair(table: str, key: Any) -> Row | None:
        row = db.get(table, key)
        return None if row is None else {"id": row["id"], "name": row["name"]}

    def img(key: Any) -> Row | None:
        row = db.get("image", key)
        if row is None:
            return None
        lic = db.get("image_license", row["license_id"])
        return {
            "id": row["id"],
            "name": row["name"],
            "imageUrl": row["image_url"],
            "thumbnailUrl": row["thumbnail_url"],
            "credit": row["credit"],
            "license": None
            if lic is None
            else {k: lic[k] for k in ("id", "name", "priority", "link")},
            "singleUse": _bool(row["single_use"]),
            "variants": [
                {
                    "id": v["id"],
                    "imageUrl": v["image_url"],
                    "type": pair("image_variant_type", v["type_id"]),
                }
                for v in variants.get(row["id"], [])
            ],
        }

    def agency(key: Any) -> Row | None:
        row = db.get("agency", key)
        if row is None:
            return None
        return {
            "id": row["id"],
            "url": row["url"],
            "name": row["name"],
            "abbrev": row["abbrev"],
            "type": pair("agency_type", row["type_id"]),
        }

    def station(key: Any) -> Row | None:
        row = db.get("space_station", key)
        if row is None:
            return None
        return {
            "id": row["id"],
            "url": row["url"],
            "name": row["name"],
            "image": img(row["image_id"]),
        }

    def config(key: Any) -> Row | None:
        row = db.get("spacecraft_config", key)
        if row is None:
            return None
        return {
            "id": row["id"],
            "url": row["url"],
            "name": row["name"],
            "type": pair("spacecraft_config_type", row["type_id"]),
            "agency": agency(row["agency_id"]),
            "family": [
                {
                    "id": f["id"],
                    "name": f["name"],
                    "description": f["description"],
                    "manufacturer": agency(f["manufacturer_id"]),
                    "parent": pair("spacecraft_config_family", f["parent_id"]),
                    "maidenFlight": _date(f["maiden_flight"]),
                }
                for f in families.get(row["id"], [])
            ],
            "inUse": _bool(row["in_use"]),
            "image": img(row["image_id"]),
        }

    def payload(key: Any) -> Row | None:
        row = db.get("payload", key)
        if row is None:
            return None
        return {
            "id": row["id"],
            "name": row["name"],
            "type": pair("payload_type", row["type_id"]),
            "manufacturer": agency(row["manufacturer_id"]),
            "operator": agency(row["operator_id"]),
            "image": img(row["image_id"]),
        }

    def launch(key: Any) -> Row | None:
        row = db.get("launch", key)
        if row is None:
            return None
        return {"id": str(uuid.UUID(row["id"])), "url": row["url"], "name": row["name"]}

    def place(key: Any) -> Row | None:
        row = db.get("location", key)
        if row is None:
            return None
        country = db.get("country", row["country_id"])
        return {
            "id": row["id"],
            "url": row["url"],
            "name": row["name"],
            "active": _bool(row["active"]),
            "country": None
            if country is None
            else {
                "id": country["id"],
                "name": country["name"],
                "alpha2Code": country["alpha_2_code"],
                "alpha3Code": country["alpha_3_code"],
                "nationalityName": country["nationality_name"],
                "nationalityNameComposed": country["nationality_name_composed"],
            },
            "description": row["description"],
            "image": img(row["image_id"]),
            "mapImage": row["map_image"],
            "longitude": row["longitude"],
            "latitude": row["latitude"],
            "timezoneName": row["timezone_name"],
            "totalLaunchCount": row["total_launch_count"],
            "totalLandingCount": row["total_landing_count"],
        }

    def body(key: Any) -> Row | None:
        row = db.get("celestial_body", key)
        if row is None:
            return None
        return {
            "id": row["id"],
            "name": row["name"],
            "type": pair("celestial_body_type", row["type_id"]),
            "diameter": row["diameter"],
            "mass": row["mass"],
            "gravity": row["gravity"],
            "lengthOfDay": row["length_of_day"],
            "atmosphere": _bool(row["atmosphere"]),
            "image": img(row["image_id"]),
            "description": row["description"],
            "wikiUrl": row["wiki_url"],
        }

    def landing(key: Any) -> Row | None:
        row = db.get("landing", key)
        if row is None:
            return None
        site = db.get("landing_location", row["landing_location_id"])
        kind = db.get("landing_type", row["type_id"])
        return {
            "id": row["id"],
            "url": row["url"],
            "attempt": _bool(row["attempt"]),
            "success": _bool(row["success"]),
            "description": row["description"],
            "downrangeDistance": row["downrange_distance"],
            "landingLocation": None
            if site is None
            else {
                "id": site["id"],
                "name": site["name"],
                "active": _bool(site["active"]),
                "abbrev": site["abbrev"],
                "description": site["description"],
                "location": place(site["location_id"]),
                "longitude": site["longitude"],
                "latitude": site["latitude"],
                "image": img(site["image_id"]),
                "successfulLandings": site["successful_landings"],
                "attemptedLandings": site["attempted_landings"],
                "failedLandings": site["failed_landings"],
                "celestialBody": body(site["celestial_body_id"]),
            },
            "type": None
            if kind is None
            else {k: kind[k] for k in ("id", "name", "abbrev", "description")},
        }

    def craft(key: Any) -> Row | None:
        row = db.get("spacecraft", key)
        if row is None:
            return None
        return {
            "id": row["id"],
            "url": row["url"],
            "name": row["name"],
            "serialNumber": row["serial_number"],
            "isPlaceholder": _bool(row["is_placeholder"]),
            "image": img(row["image_id"]),
            "inSpace": _bool(row["in_space"]),
            "timeInSpace": row["time_in_space"],
            "timeDocked": row["time_docked"],
            "flightsCount": row["flights_count"],
            "missionEndsCount": row["mission_ends_count"],
            "status": pair("spacecraft_status", row["status_id"]),
            "description": row["description"],
            "spacecraftConfig": config(row["spacecraft_config_id"]),
            "fastestTurnaround": row["fastest_turnaround"],
        }

    def party(flight_id: Any, payload_flight_id: Any, station_id: Any) -> Row | None:
        if flight_id is not None:
            row = db.get("spacecraft_flight", flight_id)
            if row is None:
                return None
            return {
                "__typename": "SpacecraftFlight",
                "id": row["id"],
                "url": row["url"],
                "destination": row["destination"],
                "missionEnd": _instant(row["mission_end"]),
                "spacecraft": craft(row["spacecraft_id"]),
                "launch": launch(row["launch_id"]),
                "landing": landing(row["landing_id"]),
                "duration": row["duration"],
                "turnAroundTime": row["turn_around_time"],
            }
        if payload_flight_id is not None:
            row = db.get("payload_flight", payload_flight_id)
            if row is None:
                return None
            return {
                "__typename": "PayloadFlight",
                "id": row["id"],
                "url": row["url"],
                "destination": row["destination"],
                "amount": row["amount"],
                "payload": payload(row["payload_id"]),
                "launch": launch(row["launch_id"]),
                "landing": landing(row["landing_id"]),
            }
        mini = station(station_id)
        return None if mini is None else {"__typename": "SpaceStation", **mini}

    results = []
    for e in events:
        loc = db.get("docking_location", e["docking_location_id"])
        assert loc is not None
        results.append(
            {
                "id": e["id"],
                "url": e["url"],
                "docking": _instant(e["docking"]),
                "departure": _instant(e["departure"]),
                "dockingLocation": {
                    "id": loc["id"],
                    "name": loc["name"],
                    "spacestation": station(loc["spacestation_id"]),
                    "spacecraft": config(loc["spacecraft_id"]),
                    "payload": payload(loc["payload_id"]),
                },
                "chaser": party(
                    e["flight_vehicle_chaser_id"],
                    e["payload_flight_chaser_id"],
                    e["space_station_chaser_id"],
                ),
                "target": party(
                    e["flight_vehicle_target_id"],
                    e["payload_flight_target_id"],
                    e["space_station_target_id"],
                ),
            }
        )
    return {"dockingEvents": {"count": count, "results": results}}


async def full_page_bytes(engine: AsyncEngine, limit: int = 100, offset: int = 0) -> bytes:
    """The HTTP body a raw endpoint would send: ``{"data": ...}`` as compact JSON."""
    with read_engine(engine).connect() as conn:
        data = await full_page(conn, limit, offset)
    return json.dumps({"data": data}, separators=(",", ":")).encode()


def read_engine(engine: AsyncEngine) -> Engine:
    reader = sqlite_reader(engine)
    assert reader is not None, "the raw baseline reads a SQLite file"
    return reader


def raw_app(engine: AsyncEngine) -> Starlette:
    """A one-route ASGI app serving the baseline, so it is timed through the same
    httpx + ASGI path as the GraphQL workloads."""

    async def endpoint(request: Request) -> Response:
        args = await request.json()
        body = await full_page_bytes(
            engine, int(args.get("limit", 100)), int(args.get("offset", 0))
        )
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/raw", endpoint, methods=["POST"])])


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """Where two JSON values first differ, for the equality report."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: present on one side only"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} vs {len(b)} items"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"
