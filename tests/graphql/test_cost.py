"""The cost model prices every list the schema has, and its declared sizes hold for LL2's
data (the real page and generated events)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from support.data import seed_events

from gql_server.graphql.cost import LIST_SIZES, rule
from gql_server.graphql.schema import build_schema
from gql_server.synthetic import generate_events


def list_fields() -> Iterable[tuple[str, str, Any]]:
    schema = build_schema()._schema
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or not isinstance(gtype, GraphQLObjectType):
            continue
        for field_name, field in gtype.fields.items():
            kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if isinstance(kind, GraphQLList):
                yield name, field_name, field


def test_every_list_field_has_a_price() -> None:
    unpriced = [f"{t}.{f}" for t, f, field in list_fields() if rule(t, f, field) is None]
    assert unpriced == [], "add these to LIST_SIZES, or size them by an argument"
    # And the walker knows no list the schema no longer has.
    known = {(t, f) for t, f, _ in list_fields()}
    assert set(LIST_SIZES) <= known


def test_page_lists_are_sized_by_their_page() -> None:
    rules = {(t, f): rule(t, f, field) for t, f, field in list_fields()}
    assert rules[("DockingEventPage", "results")] == "page"
    assert rules[("DockingEventConnection", "edges")] == "page"
    assert rules[("Query", "nodes")] == "ids"
    assert rules[("Query", "dockingStats")] == "buckets"


# The JSON key of each declared list that a docking event's tree holds directly.
JSON_LISTS = {
    "country": ("Agency", "country"),
    "variants": ("Image", "variants"),
    "program": ("Payload", "program"),
    "owners": ("SpaceStation", "owners"),
    "family": ("SpacecraftConfig", "family"),
}


def largest_lists(events: Iterable[dict[str, Any]]) -> dict[tuple[str, str], int]:
    largest: dict[tuple[str, str], int] = defaultdict(int)
    configs: dict[int, set[int]] = defaultdict(set)
    locations: dict[int, set[int]] = defaultdict(set)
    stays: dict[int, list[tuple[str, str | None]]] = defaultdict(list)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            agency = value.get("agency")
            if "family" in value and isinstance(agency, dict):  # a spacecraft config
                configs[agency["id"]].add(value["id"])
            for key, child in value.items():
                if isinstance(child, list) and key in JSON_LISTS:
                    field = JSON_LISTS[key]
                    largest[field] = max(largest[field], len(child))
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    for event in events:
        walk(event)
        station = (event["docking_location"] or {}).get("spacestation")
        if station:
            locations[station["id"]].add(event["docking_location"]["id"])
            stays[station["id"]].append((event["docking"], event["departure"]))
    largest[("Agency", "spacecraftConfigs")] = max(map(len, configs.values()), default=0)
    largest[("SpaceStation", "dockingLocations")] = max(map(len, locations.values()), default=0)
    largest[("SpaceStation", "dockedAt")] = max(map(most_at_once, stays.values()), default=0)
    return largest


def most_at_once(stays: list[tuple[str, str | None]]) -> int:
    """The most stays overlapping at one instant (a sweep over arrivals and departures)."""
    moments = sorted(
        [(arrival, 1) for arrival, _ in stays]
        + [(departure, -1) for _, departure in stays if departure is not None],
        key=lambda moment: (moment[0], moment[1]),
    )
    here = most = 0
    for _, step in moments:
        here += step
        most = max(most, here)
    return most


def test_declared_sizes_hold_for_the_real_page_and_generated_data() -> None:
    events = [*seed_events(), *generate_events(5_000, seed=11)]
    largest = largest_lists(events)
    # Normal-mode pages hold no agency countries, payload programs or station owners
    # (detailed mode and /space_stations/ do): those sizes stand on LL2's documentation.
    assert set(largest) <= set(LIST_SIZES)
    over = {field: size for field, size in largest.items() if size > LIST_SIZES[field]}
    assert over == {}
    # The check measured something: the data has non-trivial lists.
    assert largest[("SpaceStation", "dockingLocations")] > 1
    assert largest[("SpaceStation", "dockedAt")] > 1
