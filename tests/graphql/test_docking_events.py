"""LL2's filters, search, ordering and paging on ``dockingEvents``, checked on the seed page."""

from __future__ import annotations

from typing import Any

import pytest
from support.client import Client, make_client

ALL = [569, 570, 609, 613, 616, 619, 620]  # by docking, ascending


def ids(client: Client, arguments: str, variables: dict[str, Any] | None = None) -> list[int]:
    declared = ", ".join(f"${k}: {t}" for k, t in (variables or {}).get("__types__", {}).items())
    values = {k: v for k, v in (variables or {}).items() if k != "__types__"}
    query = f"query ({declared}) {{ dockingEvents({arguments}) {{ count results {{ id }} }} }}"
    if not declared:
        query = f"{{ dockingEvents({arguments}) {{ count results {{ id }} }} }}"
    page = client.data(query, values)["dockingEvents"]
    return [event["id"] for event in page["results"]]


def count(client: Client, arguments: str) -> int:
    return client.data(f"{{ dockingEvents({arguments}) {{ count }} }}")["dockingEvents"]["count"]


def test_without_arguments_ten_by_docking_ascending(seeded: Client) -> None:
    assert ids(seeded, "limit: null") == ALL
    assert count(seeded, "limit: 1") == 7


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('dockingGt: "2024-06-01T11:43:00Z"', [609, 613, 616, 619, 620]),
        ('dockingGte: "2024-06-01T11:43:00Z"', [570, 609, 613, 616, 619, 620]),
        ('dockingLt: "2024-06-01T11:43:00Z"', [569]),
        ('dockingLte: "2024-06-01T11:43:00Z"', [569, 570]),
        # The same instant written with another offset, and without one (UTC, whatever the
        # machine's time zone: tests/hardening/test_time_zones.py runs this elsewhere).
        ('dockingGte: "2024-06-01T13:43:00+02:00"', [570, 609, 613, 616, 619, 620]),
        ('dockingGte: "2024-06-01T11:43:00"', [570, 609, 613, 616, 619, 620]),
        ('dockingLte: "2024-06-01T11:43:00"', [569, 570]),
        ('dockingGt: "2024-06-01T00:00:00Z", dockingLt: "2024-12-01T00:00:00Z"', [570, 609, 613]),
        ("dockingLocationId: 19", [613, 619]),
        ("flightVehicleChaserId: 840", [619]),
        ("spaceStationTargetId: 4", [570, 613, 619, 620]),
        ("spaceStationTargetId: 18", [569]),
        ("dockingLocationId: 999", []),
        ('spaceStationTargetId: 4, dockingGte: "2025-01-01T00:00:00Z", search: "soyuz"', [620]),
    ],
)
def test_filters_combine_with_and(seeded: Client, arguments: str, expected: list[int]) -> None:
    assert ids(seeded, arguments + ", limit: 100") == expected
    assert count(seeded, arguments) == len(expected)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("dragon", [613, 619]),
        ("DRAGON", [613, 619]),
        ("crew dragon", [619]),
        ('"crew dragon"', [619]),
        ('"dragon crew"', []),
        ("harmony,dragon", [613, 619]),
        (",dragon, ", [613, 619]),
        ("chang'e", [609]),
        ("sdx01", [616]),  # the payload chaser's name
        ("sdx02", [616]),  # the payload target's and the location's name
        ("tiangong", [569]),  # the station target's name
        ("tianhe nadir shenzhou", [569]),  # terms may match different fields
        ('"nadir shenzhou"', []),  # but a phrase never spans two fields
        ("international space", [570, 613, 619, 620]),
        ("%", []),
        ("_", []),
        ("\\", []),
        ("e_6", []),
        ("   ", ALL),
        ("", ALL),
        (",,", ALL),
    ],
)
def test_search_follows_drf(seeded: Client, search: str, expected: list[int]) -> None:
    assert (
        ids(seeded, "search: $s, limit: 100", {"__types__": {"s": "String"}, "s": search})
        == expected
    )


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("[]", ALL),
        ("[DOCKING_ASC]", ALL),
        ("[DOCKING_DESC]", [620, 619, 616, 613, 609, 570, 569]),
        # Null departures (still docked) last ascending, first descending; ties by id.
        ("[DEPARTURE_ASC]", [609, 569, 570, 613, 616, 619, 620]),
        ("[DEPARTURE_DESC]", [619, 620, 616, 613, 570, 569, 609]),
        ("[DEPARTURE_DESC, DOCKING_DESC]", [620, 619, 616, 613, 570, 569, 609]),
        ("[DEPARTURE_ASC, DOCKING_DESC]", [609, 569, 570, 613, 616, 620, 619]),
    ],
)
def test_ordering(seeded: Client, ordering: str, expected: list[int]) -> None:
    assert ids(seeded, f"ordering: {ordering}, limit: 100") == expected


def test_paging_slices_and_counts_all(seeded: Client) -> None:
    page = seeded.data("{ dockingEvents(limit: 2, offset: 2) { count results { id } } }")
    assert page["dockingEvents"] == {"count": 7, "results": [{"id": 609}, {"id": 613}]}
    assert ids(seeded, "limit: 100, offset: 7") == []
    assert ids(seeded, "limit: 3, offset: null") == [569, 570, 609]
    assert ids(seeded, "limit: 100, offset: 6") == [620]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("limit: 0", "limit must be between 1 and 100, got 0"),
        ("limit: 101", "limit must be between 1 and 100, got 101"),
        ("limit: -5", "limit must be between 1 and 100, got -5"),
        ("offset: -1", "offset must be 0 or more, got -1"),
    ],
)
def test_paging_bounds_are_errors_not_clamps(seeded: Client, arguments: str, message: str) -> None:
    body = seeded.post(f"{{ dockingEvents({arguments}) {{ count results {{ id }} }} }}")
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_invalid_date_time_is_refused(seeded: Client) -> None:
    body = seeded.post('{ dockingEvents(dockingGt: "yesterday") { count } }')
    assert body.get("data") is None
    assert "ISO 8601" in body["errors"][0]["message"]


def test_lookups_by_id_and_unknown_ids_are_null(seeded: Client) -> None:
    data = seeded.data(
        """{
          e: dockingEvent(id: 613) { id chaser { ... on SpacecraftFlight { id } } }
          l: dockingLocation(id: 19) { name spacestation { name } }
          s: spaceStation(id: 4) { name }
          f: spacecraftFlight(id: 837) { spacecraft { name } }
          p: payloadFlight(id: 32) { payload { name } }
          c: spacecraft(id: 580) { name }
          none1: dockingEvent(id: 1) { id }
          none2: spaceStation(id: 1) { id }
          none3: spacecraft(id: 1) { id }
        }"""
    )
    assert data["e"] == {"id": 613, "chaser": {"id": 837}}
    assert data["l"] == {
        "name": "Harmony forward",
        "spacestation": {"name": "International Space Station"},
    }
    assert data["s"] == {"name": "International Space Station"}
    assert data["f"] == {"spacecraft": {"name": "Cargo Dragon C208"}}
    assert data["p"]["payload"]["name"] == "Chang'e 6 Sample Ascender"
    assert data["c"] == {"name": "Shenzhou 18"}
    assert data["none1"] is None and data["none2"] is None and data["none3"] is None


def test_ll2_side_keys_match_the_union(seeded: Client) -> None:
    results = seeded.data(
        """{ dockingEvents(limit: 100) { results {
            chaser { __typename }
            flightVehicleChaser { id } payloadFlightChaser { id } spaceStationChaser { id }
            target { __typename }
            flightVehicleTarget { id } payloadFlightTarget { id } spaceStationTarget { id }
        } } }"""
    )["dockingEvents"]["results"]
    keys = {
        "SpacecraftFlight": "flightVehicle",
        "PayloadFlight": "payloadFlight",
        "SpaceStation": "spaceStation",
    }
    for event in results:
        for side in ("Chaser", "Target"):
            kind = event[side.lower()]["__typename"]
            set_keys = [k for k in keys.values() if event[f"{k}{side}"] is not None]
            assert set_keys == [keys[kind]]


def test_station_and_location_lists(seeded: Client) -> None:
    data = seeded.data(
        """{
          all: spaceStations { count results { id name } }
          iss: spaceStations(search: "INTERNATIONAL station") { count results { id } }
          locations: dockingLocations(limit: 3) { count results { id } }
          harmony: dockingLocations(search: "harmony") { count results { id name } }
          none: dockingLocations(search: "%") { count }
        }"""
    )
    assert data["all"] == {
        "count": 2,
        "results": [
            {"id": 4, "name": "International Space Station"},
            {"id": 18, "name": "Tiangong space station"},
        ],
    }
    assert data["iss"] == {"count": 1, "results": [{"id": 4}]}
    assert data["locations"] == {"count": 6, "results": [{"id": 3}, {"id": 19}, {"id": 41}]}
    assert data["harmony"] == {"count": 1, "results": [{"id": 19, "name": "Harmony forward"}]}
    assert data["none"] == {"count": 0}
    body = seeded.post("{ spaceStations(limit: 200) { count } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("search", ["international", "dragon", "nadir", '"harmony forward"'])
def test_searched_pages_are_slices_of_the_whole_list(seeded: Client, search: str) -> None:
    # A small page is first tried over the first events in order (a full answer is the
    # page); a short one falls back to the search index. Both must give the same slices.
    variables = {"__types__": {"s": "String"}, "s": search}
    for ordering in ("[DOCKING_ASC]", "[DOCKING_DESC]", "[DEPARTURE_DESC]"):
        whole = ids(seeded, f"search: $s, ordering: {ordering}, limit: 100", variables)
        for limit in (1, 2, 3):
            for offset in range(len(whole) + 1):
                arguments = f"search: $s, ordering: {ordering}, limit: {limit}, offset: {offset}"
                assert ids(seeded, arguments, variables) == whole[offset : offset + limit]


def page(client: Client, arguments: str, selection: str = "count results { id }") -> Any:
    return client.data(f"{{ dockingEvents({arguments}) {{ {selection} }} }}")["dockingEvents"]


@pytest.mark.parametrize(
    "arguments",
    [
        "limit: 3",
        "limit: 3, offset: 5",
        "limit: 100, offset: 7",  # past the end: the slice is empty, the count is not
        "limit: 5, offset: 40",
        "spaceStationTargetId: 4, limit: 2, offset: 1",
        "spaceStationTargetId: 999",  # no match at all
        'search: "dragon", limit: 1',  # the probe answers the slice
        'search: "dragon", limit: 100',  # the probe falls short: the search index's plan
        'search: "dragon", limit: 2, offset: 9',
        'search: "no such thing", limit: 5, offset: 3',
    ],
)
def test_count_and_results_together_answer_as_they_do_apart(seeded: Client, arguments: str) -> None:
    """Asked together, a page's count rides on its slice's statement; each must still be
    what it is when asked alone."""
    together = page(seeded, arguments)
    assert together["count"] == page(seeded, arguments, "count")["count"]
    assert together["results"] == page(seeded, arguments, "results { id }")["results"]


@pytest.mark.parametrize(
    ("arguments", "statements", "on_sqlite"),
    [
        ("limit: 3", 1, 1),  # the slice, its count as a scalar subquery
        ("limit: 100, offset: 7", 2, 2),  # an empty slice past offset 0 carries no count
        ("spaceStationTargetId: 999", 1, 1),  # an empty slice from offset 0: the count is 0
        # No probe (the search index is walked in docking order: SQLite's FTS5 table,
        # PostgreSQL's postings), the slice with its count.
        ('search: "dragon", limit: 1', 1, 1),
        ('search: "dragon", limit: 100', 1, 1),
        # A departure ordering: the probe falls short, then the slice and count.
        ('search: "dragon", ordering: [DEPARTURE_ASC], limit: 100', 2, 2),
    ],
)
def test_count_and_results_together_share_a_statement(
    backend: str, db_url: str, arguments: str, statements: int, on_sqlite: int
) -> None:
    query = f"{{ dockingEvents({arguments}) {{ count results {{ id }} }} }}"
    # Response cache off: with it, the data version is read first (the cache's key).
    for client in make_client(db_url, response_cache_bytes=0):
        assert client.count_statements(query) == (on_sqlite if backend == "sqlite" else statements)


@pytest.mark.parametrize(
    ("arguments", "on_sqlite"),
    [
        ("limit: 1", 1),  # the search table walked in docking order: the slice alone
        ("limit: 100", 1),
        ("ordering: [DEPARTURE_ASC], limit: 1", 1),  # the probe answers the slice
        ("ordering: [DEPARTURE_ASC], limit: 100", 2),  # it falls short: the index's plan
    ],
)
def test_a_searched_slice_is_one_statement_on_postgresql(
    backend: str, db_url: str, arguments: str, on_sqlite: int
) -> None:
    # On PostgreSQL the probe and the fallback slice are one statement (one round trip):
    # the slice's branch runs only when the probe falls short (queries/docking_events.py).
    query = f'{{ dockingEvents(search: "dragon", {arguments}) {{ results {{ id }} }} }}'
    for client in make_client(db_url, response_cache_bytes=0):
        assert client.count_statements(query) == (1 if backend == "postgresql" else on_sqlite)


def test_count_and_results_are_read_together_only_when_both_are_selected(db_url: str) -> None:
    # Through a fragment, and with @skip/@include as execution reads them.
    fragment = "fragment F on DockingEventPage { count }"
    query = (
        "query ($c: Boolean!) { dockingEvents(limit: 2) { ...F @include(if: $c) results { id } } }"
        f" {fragment}"
    )
    for client in make_client(db_url, response_cache_bytes=0):
        assert client.count_statements(query, {"c": True}) == 1
        assert client.data(query, {"c": True})["dockingEvents"]["count"] == 7
        assert client.count_statements(query, {"c": False}) == 1
        assert "count" not in client.data(query, {"c": False})["dockingEvents"]
        skipped = "{ dockingEvents(limit: 2) { count @skip(if: true) results { id } } }"
        assert client.data(skipped)["dockingEvents"] == {"results": [{"id": 569}, {"id": 570}]}
