"""Space stations and docking locations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from gql_server.db import models
from gql_server.graphql.arguments import (
    arg,
    event_filter,
)
from gql_server.graphql.context import Info
from gql_server.graphql.sources import (
    LOCATION_EVENTS,
    STATION_EVENTS,
    STATION_LOCATIONS,
    ChildSource,
)
from gql_server.graphql.types._base import (
    RowType,
    api_url,
    children,
    listed_now,
    ll2_id,
    name_of,
    one_now,
)
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.event_lists import EventPage, events_by_role, events_of
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.payloads import Payload
from gql_server.graphql.types.spacecraft import SpacecraftConfig
from gql_server.queries.docking_events import order_by

if TYPE_CHECKING:
    from gql_server.graphql.types.docking import DockingEvent

DOCKING = "gql_server.graphql.types.docking"


@strawberry.type(description="The state of a station (Active, De-Orbited, ...).")
class SpaceStationStatus(RowType):
    _table = models.SpaceStationStatus.__table__
    id: int = ll2_id("status")
    name: str | None = name_of("status")


@strawberry.type(description="The kind of a station (Government, Commercial, ...).")
class SpaceStationType(RowType):
    _table = models.SpaceStationType.__table__
    id: int = ll2_id("station type")
    name: str | None = name_of("station type")


@strawberry.type(
    description=(
        "A space station. Normal-mode events carry id, url, name and image; status, dates, "
        "description, orbit, type and owners come from detailed mode."
    )
)
class SpaceStation(RowType):
    _table = models.SpaceStation.__table__
    id: int = ll2_id("station")
    url: str = api_url("station")
    name: str = name_of("station")
    founded: date | None = strawberry.field(description="When it was launched.")
    deorbited: date | None = strawberry.field(description="When it was deorbited, if it was.")
    description: str | None = strawberry.field(description="A paragraph about the station.")
    orbit: str | None = strawberry.field(description="Its orbit, e.g. `Low Earth Orbit`.")
    image_id: strawberry.Private[int | None]
    status_id: strawberry.Private[int | None]
    type_id: strawberry.Private[int | None]
    owners_listed: strawberry.Private[bool | None]

    @strawberry.field(description="A picture of the station.")
    def image(self, info: Info) -> Image | None:
        return one_now(info, Image, self.image_id)

    @strawberry.field(description="Its state.")
    def status(self, info: Info) -> SpaceStationStatus | None:
        return one_now(info, SpaceStationStatus, self.status_id)

    @strawberry.field(description="What kind of station it is.")
    def type(self, info: Info) -> SpaceStationType | None:
        return one_now(info, SpaceStationType, self.type_id)

    @strawberry.field(
        description="The agencies that own it; null until its detailed form is ingested."
    )
    def owners(self, info: Info) -> list[Agency] | None:
        if not self.owners_listed:
            return None
        return listed_now(info, Agency, models.SpaceStationOwner.__table__, self.id)

    docking_events: EventPage = events_by_role(
        STATION_EVENTS,
        description=(
            "Docking events this station took part in, as target or as chaser (`role` picks "
            "one), with `dockingEvents`' filters, search, ordering and paging. Batched: one "
            "statement for the events of every station of a request."
        ),
    )

    @strawberry.field(
        description=(
            "The events attached to this station at an instant (as target or chaser): docked "
            "at or before it, not departed before or at it. By docking time."
        )
    )
    async def docked_at(
        self,
        info: Info,
        at: Annotated[datetime | None, arg("The instant; null (the default) means now.")] = None,
    ) -> list[Annotated[DockingEvent, strawberry.lazy(DOCKING)]]:
        from gql_server.graphql.types.docking import DockingEvent

        where = event_filter(docked_at=info.context.now if at is None else at)
        source = ChildSource(
            STATION_EVENTS[None],
            self.id,
            args=(where, ()),
            conditions=tuple(where.conditions()),
            order=lambda columns: order_by((), columns),
            limit=None,
        )
        return [DockingEvent.from_row(row) for row in await source.rows(info)]

    @strawberry.field(description="The docking locations (ports) on this station, by id.")
    async def docking_locations(self, info: Info) -> list[DockingLocation]:
        return await children(info, DockingLocation, STATION_LOCATIONS, self.id)


@strawberry.type(
    description=(
        "A docking port. It belongs to a station, to a spacecraft configuration (a port on a "
        "vehicle) or to a payload; any of the three may be set."
    )
)
class DockingLocation(RowType):
    _table = models.DockingLocation.__table__
    id: int = ll2_id("docking location")
    name: str = name_of("docking location (e.g. `Harmony forward`)")
    spacestation_id: strawberry.Private[int | None]
    spacecraft_id: strawberry.Private[int | None]
    payload_id: strawberry.Private[int | None]

    @strawberry.field(description="The station the port is on, if it is on one.")
    def spacestation(self, info: Info) -> SpaceStation | None:
        return one_now(info, SpaceStation, self.spacestation_id)

    @strawberry.field(description="The spacecraft design the port is on, if it is on one.")
    def spacecraft(self, info: Info) -> SpacecraftConfig | None:
        return one_now(info, SpacecraftConfig, self.spacecraft_id)

    @strawberry.field(description="The payload the port is on, if it is on one.")
    def payload(self, info: Info) -> Payload | None:
        return one_now(info, Payload, self.payload_id)

    docking_events: EventPage = events_of(
        LOCATION_EVENTS,
        description=(
            "Docking events at this port, with `dockingEvents`' filters, search, ordering "
            "and paging. Batched over every port of a request."
        ),
    )
