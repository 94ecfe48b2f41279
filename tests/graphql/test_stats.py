"""dockingStats on the seed page: buckets, totals and order, the same on both backends.

Stays (departure - docking) of the seed page, by hand:
  569 Tiangong 2024  16,548,000 s     570 ISS 2024  14,778,600 s     613 ISS 2024  3,546,769 s
  609 (no station) 2024  0 s          616 (no station) 2025  4,849,260 s
  619, 620 ISS 2025: still docked (counted, not summed)
"""

from __future__ import annotations

from typing import Any

from support.client import Client


def buckets(client: Client, arguments: str, key: str) -> list[dict[str, Any]]:
    return client.data(
        f"{{ dockingStats({arguments}) {{ key {{ {key} }} count departedCount totalDockedSeconds averageDockedSeconds }} }}"
    )["dockingStats"]


def test_by_station_and_year(seeded: Client) -> None:
    got = buckets(seeded, "groupBy: [STATION, YEAR]", "stationId year station { name }")
    iss = {"name": "International Space Station"}
    assert [(b["key"]["stationId"], b["key"]["year"], b["count"], b["departedCount"], b["totalDockedSeconds"]) for b in got] == [
        (4, 2024, 2, 2, 14_778_600 + 3_546_769),
        (4, 2025, 2, 0, 0),
        (18, 2024, 1, 1, 16_548_000),
        (None, 2024, 1, 1, 0),
        (None, 2025, 1, 1, 4_849_260),
    ]
    assert got[0]["key"]["station"] == iss
    assert got[0]["averageDockedSeconds"] == (14_778_600 + 3_546_769) / 2
    assert got[1]["averageDockedSeconds"] is None


def test_without_grouping_one_bucket_holds_all(seeded: Client) -> None:
    (bucket,) = buckets(seeded, "groupBy: []", "year stationId")
    assert bucket["key"] == {"year": None, "stationId": None}
    assert bucket["count"] == 7 and bucket["departedCount"] == 5
    assert bucket["totalDockedSeconds"] == 16_548_000 + 14_778_600 + 3_546_769 + 4_849_260


def test_by_chaser_kind_and_agency(seeded: Client) -> None:
    got = buckets(seeded, "groupBy: [CHASER_KIND, CHASER_AGENCY]", "chaserKind chaserAgency { abbrev }")
    assert [(b["key"]["chaserKind"], b["key"]["chaserAgency"]["abbrev"], b["count"]) for b in got] == [
        ("PAYLOAD_FLIGHT", "CNSA", 1),
        ("PAYLOAD_FLIGHT", "ISRO", 1),
        ("SPACECRAFT_FLIGHT", "CNSA", 1),
        ("SPACECRAFT_FLIGHT", "RFSA", 2),
        ("SPACECRAFT_FLIGHT", "SpX", 2),
    ]


def test_how_busy_each_iss_port_was_per_year_with_filters(seeded: Client) -> None:
    got = buckets(
        seeded,
        "groupBy: [DOCKING_LOCATION, YEAR, DOCKING_LOCATION], spaceStationTargetId: 4",
        "dockingLocation { name } year",
    )
    assert [(b["key"]["dockingLocation"]["name"], b["key"]["year"], b["count"]) for b in got] == [
        ("Poisk zenith", 2024, 1),
        ("Harmony forward", 2024, 1),
        ("Harmony forward", 2025, 1),
        ("Prichal nadir", 2025, 1),
    ]
    attached = buckets(seeded, 'groupBy: [STATION], dockedAt: "2024-11-10T00:00:00Z"', "stationId")
    assert [(b["key"]["stationId"], b["count"]) for b in attached] == [(4, 2)]
    assert buckets(seeded, 'groupBy: [YEAR], search: "no such thing"', "year") == []


def test_stats_cost_one_statement_plus_one_a_kind_of_key_object(counting_client: Client) -> None:
    client = counting_client
    assert client.count_statements("{ __typename }") == 0
    assert client.count_statements("{ dockingStats(groupBy: [STATION, YEAR]) { count } }") == 1
    assert (
        client.count_statements(
            "{ dockingStats(groupBy: [STATION, DOCKING_LOCATION]) { key { station { name } dockingLocation { name } } count } }"
        )
        == 3
    )
