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
from gql_server.graphql.sources import ChildSource
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.event_lists import (
    EventConnection,
    EventPage,
    connection_by_role,
    connection_of,
    events_by_role,
    events_of,
)
from gql_server.graphql.types.fields import api_url, children_of, listed, ll2_id, name_of, reference
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.payloads import Payload
from gql_server.graphql.types.spacecraft import SpacecraftConfig
from gql_server.queries.docking_events import order_by
from gql_server.queries.relations import LOCATION_EVENTS, STATION_EVENTS, STATION_LOCATIONS

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

    image: Image | None = reference("image_id", "A picture of the station.")

    status: SpaceStationStatus | None = reference("status_id", "Its state.")

    type: SpaceStationType | None = reference("type_id", "What kind of station it is.")

    owners: list[Agency] | None = listed(
        models.SpaceStationOwner.__table__,
        "The agencies that own it; null until its detailed form is ingested.",
        flag="owners_listed",
    )

    docking_events: EventPage = events_by_role(
        STATION_EVENTS,
        description=(
            "Docking events this station took part in, as target or as chaser (`role` picks "
            "one), with `dockingEvents`' filters, search, ordering and paging. Batched: one "
            "statement for the events of every station of a request."
        ),
    )

    docking_events_connection: EventConnection = connection_by_role(
        STATION_EVENTS,
        description=(
            "Docking events this station took part in (`role` picks chaser or target) as a "
            "Relay cursor connection: `dockingEventsConnection`'s arguments and cursors, for "
            "Relay's `@connection` and Apollo's `relayStylePagination`. Batched over every "
            "station of a request."
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

    docking_locations: list[DockingLocation] = children_of(
        STATION_LOCATIONS, "The docking locations (ports) on this station, by id."
    )


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

    spacestation: SpaceStation | None = reference(
        "spacestation_id", "The station the port is on, if it is on one."
    )

    spacecraft: SpacecraftConfig | None = reference(
        "spacecraft_id", "The spacecraft design the port is on, if it is on one."
    )

    payload: Payload | None = reference(
        "payload_id", "The payload the port is on, if it is on one."
    )

    docking_events: EventPage = events_of(
        LOCATION_EVENTS,
        description=(
            "Docking events at this port, with `dockingEvents`' filters, search, ordering "
            "and paging. Batched over every port of a request."
        ),
    )

    docking_events_connection: EventConnection = connection_of(
        LOCATION_EVENTS,
        description=(
            "Docking events at this port as a Relay cursor connection, with "
            "`dockingEventsConnection`'s arguments and cursors. Batched over every port of "
            "a request."
        ),
    )
