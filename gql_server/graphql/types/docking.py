"""Docking events, the chaser/target union, and the event list's page and ordering."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select

from gql_server.db import models
from gql_server.graphql.context import Info
from gql_server.graphql.types._base import RowType, api_url, ll2_id, one
from gql_server.graphql.types.payloads import PayloadFlight
from gql_server.graphql.types.spacecraft import SpacecraftFlight
from gql_server.graphql.types.stations import DockingLocation, SpaceStation
from gql_server.queries.docking_events import Ordering

DockingParty = Annotated[
    SpacecraftFlight | PayloadFlight | SpaceStation,
    strawberry.union(
        "DockingParty",
        description=(
            "One side of a docking: a spacecraft flight (LL2 `flight_vehicle_*`), a payload "
            "flight (`payload_flight_*`) or a space station (`space_station_*`)."
        ),
    ),
]


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


@strawberry.type(
    description="A docking: a chaser arrives at a target's docking location, and later departs."
)
class DockingEvent(RowType):
    _table = models.DockingEvent.__table__
    id: int = ll2_id("docking event")
    url: str = api_url("docking event")
    docking: datetime = strawberry.field(description="When the chaser docked.")
    departure: datetime | None = strawberry.field(
        description="When it departed; null while it is still docked."
    )
    docking_location_id: strawberry.Private[int]
    flight_vehicle_chaser_id: strawberry.Private[int | None]
    payload_flight_chaser_id: strawberry.Private[int | None]
    space_station_chaser_id: strawberry.Private[int | None]
    flight_vehicle_target_id: strawberry.Private[int | None]
    payload_flight_target_id: strawberry.Private[int | None]
    space_station_target_id: strawberry.Private[int | None]

    @strawberry.field(description="The port where it docked.")
    async def docking_location(self, info: Info) -> DockingLocation:
        location = await one(info, DockingLocation, self.docking_location_id)
        assert location is not None, "docking_location is a non-null foreign key"
        return location

    @strawberry.field(
        description="The vehicle that arrived: whichever of the three chasers is set."
    )
    async def chaser(self, info: Info) -> DockingParty | None:
        return await _party(
            info,
            self.flight_vehicle_chaser_id,
            self.payload_flight_chaser_id,
            self.space_station_chaser_id,
        )

    @strawberry.field(description="What it docked with: whichever of the three targets is set.")
    async def target(self, info: Info) -> DockingParty | None:
        return await _party(
            info,
            self.flight_vehicle_target_id,
            self.payload_flight_target_id,
            self.space_station_target_id,
        )

    @strawberry.field(description="The chaser when it is a spacecraft flight (LL2's key).")
    async def flight_vehicle_chaser(self, info: Info) -> SpacecraftFlight | None:
        return await one(info, SpacecraftFlight, self.flight_vehicle_chaser_id)

    @strawberry.field(description="The chaser when it is a payload flight (LL2's key).")
    async def payload_flight_chaser(self, info: Info) -> PayloadFlight | None:
        return await one(info, PayloadFlight, self.payload_flight_chaser_id)

    @strawberry.field(description="The chaser when it is a space station (LL2's key).")
    async def space_station_chaser(self, info: Info) -> SpaceStation | None:
        return await one(info, SpaceStation, self.space_station_chaser_id)

    @strawberry.field(description="The target when it is a spacecraft flight (LL2's key).")
    async def flight_vehicle_target(self, info: Info) -> SpacecraftFlight | None:
        return await one(info, SpacecraftFlight, self.flight_vehicle_target_id)

    @strawberry.field(description="The target when it is a payload flight (LL2's key).")
    async def payload_flight_target(self, info: Info) -> PayloadFlight | None:
        return await one(info, PayloadFlight, self.payload_flight_target_id)

    @strawberry.field(description="The target when it is a space station (LL2's key).")
    async def space_station_target(self, info: Info) -> SpaceStation | None:
        return await one(info, SpaceStation, self.space_station_target_id)


async def _party(
    info: Info, flight: int | None, payload_flight: int | None, station: int | None
) -> SpacecraftFlight | PayloadFlight | SpaceStation | None:
    if flight is not None:
        return await one(info, SpacecraftFlight, flight)
    if payload_flight is not None:
        return await one(info, PayloadFlight, payload_flight)
    return await one(info, SpaceStation, station)


@strawberry.type(description="One page of docking events, as LL2's list envelope.")
class DockingEventPage:
    count_query: strawberry.Private[Select[Any]]
    results_query: strawberry.Private[Select[Any]]

    @strawberry.field(description="How many events match the filters and search, in all pages.")
    async def count(self, info: Info) -> int:
        return int(await info.context.reader.scalar(self.count_query))

    @strawberry.field(description="The events of the requested slice (`limit` from `offset`).")
    async def results(self, info: Info) -> list[DockingEvent]:
        return [
            DockingEvent.from_row(row) for row in await info.context.reader.rows(self.results_query)
        ]
