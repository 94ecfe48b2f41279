"""Enums shared by several fields and arguments (here, below `types/`, so that the argument
module and any type module can import them)."""

from __future__ import annotations

from enum import Enum

import strawberry

from gql_server.queries.docking_events import Ordering
from gql_server.queries.stats import StatsKey


@strawberry.enum(description="How to order docking events; LL2's `ordering` values.")
class DockingEventOrdering(Enum):
    DOCKING_ASC = strawberry.enum_value(
        Ordering.DOCKING_ASC.value, description="Docking time, earliest first (`docking`)."
    )
    DOCKING_DESC = strawberry.enum_value(
        Ordering.DOCKING_DESC.value, description="Docking time, latest first (`-docking`)."
    )
    DEPARTURE_ASC = strawberry.enum_value(
        Ordering.DEPARTURE_ASC.value,
        description="Departure time, earliest first; events still docked come last (`departure`).",
    )
    DEPARTURE_DESC = strawberry.enum_value(
        Ordering.DEPARTURE_DESC.value,
        description="Departure time, latest first; events still docked come first (`-departure`).",
    )

    def to_query(self) -> Ordering:
        return Ordering(self.value)


@strawberry.enum(description="Which side of a docking an object takes part on.")
class DockingRole(Enum):
    CHASER = strawberry.enum_value("chaser", description="The arriving vehicle.")
    TARGET = strawberry.enum_value("target", description="What it docked with.")


@strawberry.enum(description="What kind of object one side of a docking is.")
class DockingPartyKind(Enum):
    SPACECRAFT_FLIGHT = strawberry.enum_value(
        "SPACECRAFT_FLIGHT", description="A spacecraft flight (LL2 `flight_vehicle_*`)."
    )
    PAYLOAD_FLIGHT = strawberry.enum_value(
        "PAYLOAD_FLIGHT", description="A payload flight (LL2 `payload_flight_*`)."
    )
    SPACE_STATION = strawberry.enum_value(
        "SPACE_STATION", description="A space station (LL2 `space_station_*`)."
    )


@strawberry.enum(description="What `dockingStats` can group docking events by.")
class DockingStatsKey(Enum):
    STATION = strawberry.enum_value(
        StatsKey.STATION.value,
        description="The station involved: the target station, else the chasing station.",
    )
    DOCKING_LOCATION = strawberry.enum_value(
        StatsKey.DOCKING_LOCATION.value, description="The docking location (port)."
    )
    YEAR = strawberry.enum_value(StatsKey.YEAR.value, description="The UTC year of docking.")
    CHASER_KIND = strawberry.enum_value(
        StatsKey.CHASER_KIND.value,
        description="Whether the chaser is a spacecraft flight, a payload flight or a station.",
    )
    CHASER_AGENCY = strawberry.enum_value(
        StatsKey.CHASER_AGENCY.value,
        description=(
            "The chaser's agency: a spacecraft flight's spacecraft design's agency, a payload "
            "flight's payload operator; none for a chasing station."
        ),
    )

    def to_query(self) -> StatsKey:
        return StatsKey(self.value)


@strawberry.enum(description="What happened to a docking event.")
class DockingEventChangeKind(Enum):
    CREATED = strawberry.enum_value("created", description="It was stored for the first time.")
    UPDATED = strawberry.enum_value(
        "updated", description="A value of its own row changed (times, location, sides)."
    )
    REMOVED = strawberry.enum_value("removed", description="It was deleted.")
