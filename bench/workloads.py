"""The benchmark's GraphQL workloads: each one builds the request body for iteration ``i``."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FULL_PAGE = (ROOT / "docs" / "queries" / "full-page.graphql").read_text()

# Ten scalar fields, then the chaser's name through the union.
TEN_FIELDS = """
  id url docking departure
  dockingLocation { id name spacestation { id name } }
  chaser {
    __typename
    ... on SpaceStation { name }
    ... on SpacecraftFlight { spacecraft { name } }
    ... on PayloadFlight { payload { name } }
  }
"""

SMALL_PAGE = "query Small { dockingEvents(limit: 10) { count results { FIELDS } } }".replace(
    "FIELDS", TEN_FIELDS
)
POINT = "query Point($id: Int!) { dockingEvent(id: $id) { FIELDS } }".replace("FIELDS", TEN_FIELDS)
# PostGraphile's by-id query (bench/peers/queries4/q3_by_id.graphql) asks an event's 11 columns:
# its own four and the ids it references. The same in the gateway's shape: the port's id, and
# each party's kind and id (answered from the event's row: docs/compiled.md).
PARTY_KEYS = (
    "{ __typename ... on SpaceStation { id } ... on SpacecraftFlight { id } "
    "... on PayloadFlight { id } }"
)
POINT_KEYS = (
    "query PointKeys($id: Int!) { dockingEvent(id: $id) { id url docking departure "
    f"dockingLocation {{ id }} chaser {PARTY_KEYS} target {PARTY_KEYS} }} }}"
)
SEARCH = (
    'query Search { dockingEvents(search: "dragon", ordering: [DOCKING_DESC], limit: 20) '
    "{ count results { FIELDS } } }".replace("FIELDS", TEN_FIELDS)
)
FILTERED = (
    "query Filtered($from: DateTime!, $to: DateTime!, $station: Int!) { dockingEvents("
    "dockingGte: $from, dockingLt: $to, spaceStationTargetId: $station, limit: 50) "
    "{ count results { FIELDS } } }".replace("FIELDS", TEN_FIELDS)
)
ISS = 4  # the station id gql_server.synthetic gives the International Space Station

Body = dict[str, Any]


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    body: Callable[[int], Body]
    http: bool = False  # also measured over real HTTP for req/s


def workloads(events: int, seed: int = 0) -> list[Workload]:
    ids = random.Random(seed).sample(range(1, events + 1), min(events, 5000))
    return [
        Workload(
            "W1",
            "full page (100)",
            lambda i: {"query": FULL_PAGE, "variables": {"limit": 100, "offset": 0}},
            http=True,
        ),
        Workload("W2", "small page (10)", lambda i: {"query": SMALL_PAGE}),
        Workload(
            "W3",
            "point by id",
            lambda i: {"query": POINT, "variables": {"id": ids[i % len(ids)]}},
            http=True,
        ),
        Workload("W4", 'search "dragon" (20)', lambda i: {"query": SEARCH}),
        Workload(
            "W5",
            "date range + station (50)",
            lambda i: {
                "query": FILTERED,
                "variables": {
                    "from": "2010-01-01T00:00:00Z",
                    "to": "2020-01-01T00:00:00Z",
                    "station": ISS,
                },
            },
        ),
    ]
