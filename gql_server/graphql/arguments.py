"""The arguments every docking event list shares (root list, reverse relations, the Relay
connection, statistics, the subscription): the same names and meanings everywhere."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from gql_server.graphql.enums import DockingEventOrdering, DockingRole
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.queries.docking_events import EventFilter, Ordering


def arg(description: str) -> Any:
    return strawberry.argument(description=description)


LIMIT = f"Page size, 1 to 100 (LL2 `limit`); null means {DEFAULT_LIMIT}. Out of range is an error."
OFFSET = "How many matches to skip (LL2 `offset`), 0 or more; null means 0."

DockingGt = Annotated[datetime | None, arg("Docked strictly after this instant (`docking__gt`).")]
DockingGte = Annotated[datetime | None, arg("Docked at or after this instant (`docking__gte`).")]
DockingLt = Annotated[datetime | None, arg("Docked strictly before this instant (`docking__lt`).")]
DockingLte = Annotated[datetime | None, arg("Docked at or before this instant (`docking__lte`).")]
DockedAt = Annotated[
    datetime | None,
    arg(
        "Attached at this instant: docked at or before it and not yet departed "
        "(departure null or strictly after it). Not an LL2 filter."
    ),
]
DockingLocationId = Annotated[
    int | None, arg("At the docking location with this LL2 id (`docking_location__id`).")
]
FlightVehicleChaserId = Annotated[
    int | None,
    arg("Chaser is the spacecraft flight with this LL2 id (`flight_vehicle_chaser__id`)."),
]
SpaceStationTargetId = Annotated[
    int | None, arg("Target is the station with this LL2 id (`space_station_target__id`).")
]
Search = Annotated[
    str | None,
    arg(
        "LL2 `search`: every term must occur, case-insensitively, in one of the docking "
        "location's name, the chaser's or target's spacecraft, payload or station name. "
        "Terms split on whitespace and commas; quoted phrases stay whole. Blank filters nothing."
    ),
]
OrderingArg = Annotated[
    list[DockingEventOrdering] | None,
    arg(
        "Sort keys applied in order (LL2 `ordering`); ties break by id. Default: docking ascending."
    ),
]
Limit = Annotated[int | None, arg(LIMIT)]
Offset = Annotated[int | None, arg(OFFSET)]
Role = Annotated[
    DockingRole | None,
    arg("Only events where this object is the chaser, or only the target; null: either."),
]


def event_filter(
    docking_gt: datetime | None = None,
    docking_gte: datetime | None = None,
    docking_lt: datetime | None = None,
    docking_lte: datetime | None = None,
    docked_at: datetime | None = None,
    docking_location_id: int | None = None,
    flight_vehicle_chaser_id: int | None = None,
    space_station_target_id: int | None = None,
    search: str | None = None,
) -> EventFilter:
    return EventFilter(
        docking_gt=docking_gt,
        docking_gte=docking_gte,
        docking_lt=docking_lt,
        docking_lte=docking_lte,
        docked_at=docked_at,
        docking_location_id=docking_location_id,
        flight_vehicle_chaser_id=flight_vehicle_chaser_id,
        space_station_target_id=space_station_target_id,
        search=search,
    )


def orderings(ordering: list[DockingEventOrdering] | None) -> tuple[Ordering, ...]:
    return tuple(key.to_query() for key in ordering or [])
