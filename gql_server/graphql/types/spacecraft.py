"""Spacecraft configurations, spacecraft and their flights."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import strawberry

from gql_server.db import models
from gql_server.graphql.arguments import (
    Limit,
    Offset,
)
from gql_server.graphql.context import Info
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.graphql.sources import PageSource
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.event_lists import (
    EventConnection,
    EventPage,
    connection_by_role,
    events_by_role,
)
from gql_server.graphql.types.fields import (
    api_url,
    child_page_source,
    listed,
    ll2_id,
    name_of,
    reference,
)
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.launches import Launch
from gql_server.graphql.types.places import Landing
from gql_server.queries.relations import CONFIG_SPACECRAFT, FLIGHT_EVENTS, SPACECRAFT_FLIGHTS

if TYPE_CHECKING:
    pass


@strawberry.type(description="The kind of a spacecraft configuration (capsule, ...).")
class SpacecraftConfigType(RowType):
    _table = models.SpacecraftConfigType.__table__
    id: int = ll2_id("configuration type")
    name: str | None = name_of("configuration type")


@strawberry.type(
    description=(
        "A family of spacecraft configurations (e.g. Dragon). A family seen only as another "
        "family's `parent` has just id and name until its full form is ingested."
    )
)
class SpacecraftConfigFamily(RowType):
    _table = models.SpacecraftConfigFamily.__table__
    id: int = ll2_id("family")
    name: str = name_of("family")
    description: str | None = strawberry.field(description="A sentence about the family.")
    maiden_flight: date | None = strawberry.field(description="Date of its first flight.")
    manufacturer_id: strawberry.Private[int | None]
    parent_id: strawberry.Private[int | None]

    manufacturer: Agency | None = reference(
        "manufacturer_id", "Who builds spacecraft of this family."
    )

    parent: SpacecraftConfigFamily | None = reference(
        "parent_id", "The family this one belongs to, if any."
    )


@strawberry.type(description="A spacecraft design (e.g. Crew Dragon, Soyuz MS, Shenzhou).")
class SpacecraftConfig(RowType):
    _table = models.SpacecraftConfig.__table__
    id: int = ll2_id("configuration")
    url: str = api_url("configuration")
    name: str = name_of("configuration")
    in_use: bool | None = strawberry.field(description="True while the design still flies.")
    type_id: strawberry.Private[int | None]
    agency_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]

    type: SpacecraftConfigType | None = reference("type_id", "What kind of spacecraft this is.")

    agency: Agency | None = reference("agency_id", "The agency responsible for the design.")

    family: list[SpacecraftConfigFamily] = listed(
        models.SpacecraftConfigFamilyLink.__table__,
        "The families the design belongs to, in LL2 order.",
    )

    image: Image | None = reference("image_id", "A picture of the design.")

    @strawberry.field(
        description="The spacecraft of this design, by id; batched over every design."
    )
    def spacecraft(self, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> SpacecraftPage:
        return SpacecraftPage(source=child_page_source(CONFIG_SPACECRAFT, self.id, limit, offset))


@strawberry.type(description="The state of a spacecraft (Active, Single Use, Destroyed, ...).")
class SpacecraftStatus(RowType):
    _table = models.SpacecraftStatus.__table__
    id: int = ll2_id("status")
    name: str | None = name_of("status")


@strawberry.type(description="One physical spacecraft (e.g. Crew Dragon Endeavour).")
class Spacecraft(RowType):
    _table = models.Spacecraft.__table__
    id: int = ll2_id("spacecraft")
    url: str = api_url("spacecraft")
    name: str = name_of("spacecraft")
    serial_number: str | None = strawberry.field(description="Its serial number.")
    is_placeholder: bool | None = strawberry.field(
        description="True when LL2 has not yet named the actual vehicle."
    )
    in_space: bool | None = strawberry.field(description="True while it is in space.")
    time_in_space: str | None = strawberry.field(
        description="Total time in space as an ISO 8601 duration, verbatim from LL2."
    )
    time_docked: str | None = strawberry.field(
        description="Total time docked as an ISO 8601 duration, verbatim from LL2."
    )
    flights_count: int | None = strawberry.field(description="How many flights it has made.")
    mission_ends_count: int | None = strawberry.field(description="How many flights ended.")
    description: str | None = strawberry.field(description="A paragraph about it.")
    fastest_turnaround: str | None = strawberry.field(
        description="Its shortest time between flights as an ISO 8601 duration."
    )
    image_id: strawberry.Private[int | None]
    status_id: strawberry.Private[int | None]
    spacecraft_config_id: strawberry.Private[int | None]

    image: Image | None = reference("image_id", "A picture of it.")

    status: SpacecraftStatus | None = reference("status_id", "Its current state.")

    spacecraft_config: SpacecraftConfig | None = reference("spacecraft_config_id", "Its design.")

    @strawberry.field(
        description="The flights of this spacecraft, by id; batched over every spacecraft."
    )
    def flights(self, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> SpacecraftFlightPage:
        return SpacecraftFlightPage(
            source=child_page_source(SPACECRAFT_FLIGHTS, self.id, limit, offset)
        )


@strawberry.type(description="One flight of a spacecraft: launch, mission, landing.")
class SpacecraftFlight(RowType):
    _table = models.SpacecraftFlight.__table__
    id: int = ll2_id("flight")
    url: str = api_url("flight")
    destination: str | None = strawberry.field(description="Where the flight went.")
    mission_end: datetime | None = strawberry.field(description="When the flight ended.")
    duration: str | None = strawberry.field(
        description="Flight duration as an ISO 8601 duration, verbatim from LL2."
    )
    turn_around_time: str | None = strawberry.field(
        description="Time since the spacecraft's previous flight, ISO 8601 duration."
    )
    spacecraft_id: strawberry.Private[int | None]
    launch_id: strawberry.Private[object | None]
    landing_id: strawberry.Private[int | None]

    spacecraft: Spacecraft | None = reference("spacecraft_id", "The spacecraft that flew.")

    launch: Launch | None = reference("launch_id", "The launch that started the flight.")

    landing: Landing | None = reference("landing_id", "The landing that ended it, once known.")

    docking_events: EventPage = events_by_role(
        FLIGHT_EVENTS,
        description=(
            "Docking events of this flight, as chaser or as target (`role` picks one), with "
            "`dockingEvents`' filters, search, ordering and paging. Batched over every flight."
        ),
    )

    docking_events_connection: EventConnection = connection_by_role(
        FLIGHT_EVENTS,
        description=(
            "Docking events of this flight (`role` picks chaser or target) as a Relay cursor "
            "connection, with `dockingEventsConnection`'s arguments and cursors. Batched over "
            "every flight of a request."
        ),
    )


@strawberry.type(description="One page of a spacecraft's flights, by id.")
class SpacecraftFlightPage:
    source: strawberry.Private[PageSource]

    @strawberry.field(description="How many flights there are, in all pages.")
    async def count(self, info: Info) -> int:
        return await self.source.count(info)

    @strawberry.field(description="The flights of the requested slice.")
    async def results(self, info: Info) -> list[SpacecraftFlight]:
        return [SpacecraftFlight.from_row(row) for row in await self.source.rows(info)]


@strawberry.type(description="One page of a design's spacecraft, by id.")
class SpacecraftPage:
    source: strawberry.Private[PageSource]

    @strawberry.field(description="How many spacecraft there are, in all pages.")
    async def count(self, info: Info) -> int:
        return await self.source.count(info)

    @strawberry.field(description="The spacecraft of the requested slice.")
    async def results(self, info: Info) -> list[Spacecraft]:
        return [Spacecraft.from_row(row) for row in await self.source.rows(info)]
