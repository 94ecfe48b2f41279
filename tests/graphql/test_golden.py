"""The golden record: the seed page survives ingest -> SQL -> GraphQL -> LL2 JSON unchanged."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from support.client import Client
from support.data import FULL_PAGE_QUERY, seed_events

# A union member's __typename tells which of LL2's three keys of a side it fills.
PARTY_KEYS = {
    "SpacecraftFlight": "flight_vehicle",
    "PayloadFlight": "payload_flight",
    "SpaceStation": "space_station",
}


def snake(name: str) -> str:
    name = re.sub(r"([A-Z])", r"_\1", name).lower()
    return re.sub(r"(?<=[a-z])(\d)", r"_\1", name)


def to_ll2(value: Any) -> Any:
    if isinstance(value, list):
        return [to_ll2(item) for item in value]
    if isinstance(value, dict):
        return {snake(k): to_ll2(v) for k, v in value.items() if k != "__typename"}
    return value


def event_to_ll2(event: dict[str, Any]) -> dict[str, Any]:
    event = dict(event)
    sides = {side: event.pop(side) for side in ("chaser", "target")}
    result = to_ll2(event)
    for side, party in sides.items():
        for key in PARTY_KEYS.values():
            result[f"{key}_{side}"] = None
        if party is not None:
            result[f"{PARTY_KEYS[party['__typename']]}_{side}"] = to_ll2(party)
    return result


def without_response_mode(value: Any) -> Any:
    """LL2's ``response_mode`` names the serializer used at a position of the REST response
    (one page serves the same family as ``normal`` and as ``list``); it is not data, so the
    gateway does not store it and the comparison leaves it out."""
    if isinstance(value, list):
        return [without_response_mode(item) for item in value]
    if isinstance(value, dict):
        return {k: without_response_mode(v) for k, v in value.items() if k != "response_mode"}
    return value


def instants(value: Any) -> Any:
    """Date-time strings become datetimes, so both sides compare as instants."""
    if isinstance(value, list):
        return [instants(item) for item in value]
    if isinstance(value, dict):
        return {k: instants(v) for k, v in value.items()}
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)", value):
        return datetime.fromisoformat(value)
    return value


def test_seed_page_round_trips_through_graphql(seeded: Client) -> None:
    source = seed_events()
    page = seeded.data(FULL_PAGE_QUERY, {"limit": 100})["dockingEvents"]
    assert page["count"] == len(source)
    rebuilt = {event["id"]: event_to_ll2(event) for event in page["results"]}
    assert sorted(rebuilt) == sorted(event["id"] for event in source)
    for event in source:
        assert instants(rebuilt[event["id"]]) == instants(without_response_mode(event)), event["id"]


def test_date_times_are_served_in_utc_with_z(seeded: Client) -> None:
    results = seeded.data("{ dockingEvents(limit: 100) { results { docking departure } } }")
    values = [v for e in results["dockingEvents"]["results"] for v in e.values() if v]
    assert values and all(v.endswith("Z") for v in values)
    assert "2024-11-05T14:52:11Z" in values
