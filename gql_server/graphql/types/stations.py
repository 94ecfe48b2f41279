"""Space stations and docking locations."""

from __future__ import annotations

from datetime import date

import strawberry

from gql_server.db import models
from gql_server.graphql.context import Info
from gql_server.graphql.types._base import RowType, api_url, listed, ll2_id, name_of, one
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.payloads import Payload
from gql_server.graphql.types.spacecraft import SpacecraftConfig


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
    async def image(self, info: Info) -> Image | None:
        return await one(info, Image, self.image_id)

    @strawberry.field(description="Its state.")
    async def status(self, info: Info) -> SpaceStationStatus | None:
        return await one(info, SpaceStationStatus, self.status_id)

    @strawberry.field(description="What kind of station it is.")
    async def type(self, info: Info) -> SpaceStationType | None:
        return await one(info, SpaceStationType, self.type_id)

    @strawberry.field(
        description="The agencies that own it; null until its detailed form is ingested."
    )
    async def owners(self, info: Info) -> list[Agency] | None:
        if not self.owners_listed:
            return None
        return await listed(info, Agency, models.SpaceStationOwner.__table__, self.id)


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
    async def spacestation(self, info: Info) -> SpaceStation | None:
        return await one(info, SpaceStation, self.spacestation_id)

    @strawberry.field(description="The spacecraft design the port is on, if it is on one.")
    async def spacecraft(self, info: Info) -> SpacecraftConfig | None:
        return await one(info, SpacecraftConfig, self.spacecraft_id)

    @strawberry.field(description="The payload the port is on, if it is on one.")
    async def payload(self, info: Info) -> Payload | None:
        return await one(info, Payload, self.payload_id)
