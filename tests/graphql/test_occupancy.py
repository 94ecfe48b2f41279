"""Occupancy: what was attached at an instant, checked by hand against the seed page.

The seed page's dockings (docking -> departure):
  569 Shenzhou 18 at Tiangong (Tianhe nadir)   2024-04-25T19:32:00Z -> 2024-11-03T08:12:00Z
  570 Progress MS-27 at the ISS (Poisk zenith) 2024-06-01T11:43:00Z -> 2024-11-19T12:53:00Z
  609 Chang'e 6 ascender with its orbiter     2024-06-06T06:48:00Z -> 2024-06-06T06:48:00Z
  613 Cargo Dragon C208 at the ISS (Harmony)  2024-11-05T14:52:11Z -> 2024-12-16T16:05:00Z
  616 SpaDEx chaser with its target           2025-01-16T00:49:00Z -> 2025-03-13T03:50:00Z
  619 Crew Dragon Endurance at the ISS        2025-03-16T04:52:00Z -> still docked
  620 Soyuz MS-27 at the ISS (Prichal nadir)  2025-04-08T08:57:43Z -> still docked
"""

from __future__ import annotations

import pytest
from support.client import Client

from gql_server.graphql.types.docking import iso_duration


def attached(client: Client, instant: str, extra: str = "") -> list[int]:
    page = client.data(
        f'{{ dockingEvents(dockedAt: "{instant}", limit: 100{extra}) {{ count results {{ id }} }} }}'
    )["dockingEvents"]
    assert page["count"] == len(page["results"])
    return [event["id"] for event in page["results"]]


def test_what_was_attached_to_the_iss_on_2024_12_01(seeded: Client) -> None:
    # 570 had left on 2024-11-19; 613 stayed from 2024-11-05 to 2024-12-16; 619 and 620
    # came in 2025. So only the Cargo Dragon, at Harmony forward.
    assert attached(seeded, "2024-12-01T00:00:00Z", ", spaceStationTargetId: 4") == [613]
    data = seeded.data(
        """{ spaceStation(id: 4) { dockedAt(at: "2024-12-01T00:00:00Z") {
              id dockingLocation { name }
              chaser { ... on SpacecraftFlight { spacecraft { name } } } } } }"""
    )
    assert data["spaceStation"]["dockedAt"] == [
        {
            "id": 613,
            "dockingLocation": {"name": "Harmony forward"},
            "chaser": {"spacecraft": {"name": "Cargo Dragon C208"}},
        }
    ]


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ("2024-04-25T19:31:59Z", []),
        ("2024-04-25T19:32:00Z", [569]),  # docked at that very instant: attached
        ("2024-06-03T00:00:00Z", [569, 570]),
        ("2024-06-06T06:48:00Z", [569, 570]),  # 609 left the instant it docked: never attached
        ("2024-11-03T08:12:00Z", [570]),  # 569 departed at that instant: no longer attached
        ("2024-11-10T00:00:00Z", [570, 613]),
        ("2024-12-16T16:05:00Z", []),
        ("2025-02-01T00:00:00Z", [616]),
        ("2025-04-08T10:57:43+02:00", [619, 620]),  # any offset: 08:57:43Z
        ("2030-01-01T00:00:00Z", [619, 620]),  # still docked
    ],
)
def test_docked_at_boundaries(seeded: Client, instant: str, expected: list[int]) -> None:
    assert attached(seeded, instant) == expected


def test_docked_at_combines_with_every_argument(seeded: Client) -> None:
    assert attached(seeded, "2025-05-01T00:00:00Z", ', search: "soyuz"') == [620]
    assert attached(seeded, "2025-05-01T00:00:00Z", ", ordering: [DOCKING_DESC]") == [620, 619]
    assert attached(seeded, "2025-05-01T00:00:00Z", ", dockingLocationId: 19") == [619]
    assert attached(seeded, "2025-05-01T00:00:00Z", ', dockingGt: "2025-04-01T00:00:00Z"') == [620]
    assert attached(seeded, "2024-06-03T00:00:00Z", ", flightVehicleChaserId: 833") == [570]
    page = seeded.data(
        '{ dockingEvents(dockedAt: "2025-05-01T00:00:00Z", limit: 1, offset: 1) { count results { id } } }'
    )["dockingEvents"]
    assert page == {"count": 2, "results": [{"id": 620}]}


def test_station_docked_at_defaults_to_now(seeded: Client) -> None:
    data = seeded.data(
        """{ spaceStations { results { id dockedAt { id dockingLocation { name } } } } }"""
    )["spaceStations"]["results"]
    assert data == [
        {
            "id": 4,
            "dockedAt": [
                {"id": 619, "dockingLocation": {"name": "Harmony forward"}},
                {"id": 620, "dockingLocation": {"name": "Prichal nadir"}},
            ],
        },
        {"id": 18, "dockedAt": []},
    ]


def test_station_docked_at_is_batched(counting_client: Client) -> None:
    one = counting_client.count_statements(
        '{ spaceStations(limit: 1) { results { dockedAt(at: "2024-06-03T00:00:00Z") { id dockingLocation { name } } } } }'
    )
    both = counting_client.count_statements(
        '{ spaceStations(limit: 2) { results { dockedAt(at: "2024-06-03T00:00:00Z") { id dockingLocation { name } } } } }'
    )
    bare = counting_client.count_statements("{ spaceStations(limit: 2) { results { id } } }")
    assert one == both == bare + 2  # + their attached events, + the events' ports


def test_durations(seeded: Client) -> None:
    results = seeded.data(
        "{ dockingEvents(limit: 100) { results { id durationSeconds duration } } }"
    )["dockingEvents"]["results"]
    by_id = {e["id"]: (e["durationSeconds"], e["duration"]) for e in results}
    # 2024-11-05T14:52:11Z -> 2024-12-16T16:05:00Z: 41 days, 1 h 12 min 49 s.
    assert by_id[613] == (41 * 86_400 + 3_600 + 12 * 60 + 49, "P41DT1H12M49S")
    # 2025-01-16T00:49:00Z -> 2025-03-13T03:50:00Z: 56 days, 3 h 1 min.
    assert by_id[616] == (56 * 86_400 + 3 * 3_600 + 60, "P56DT3H1M")
    assert by_id[609] == (0, "PT0S")
    assert by_id[619] == (None, None) and by_id[620] == (None, None)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "PT0S"), (59, "PT59S"), (86_400, "P1D"), (90_061, "P1DT1H1M1S"), (3_600, "PT1H"), (-61, "-PT1M1S")],
)
def test_iso_duration(seconds: int, text: str) -> None:
    assert iso_duration(seconds) == text
