"""Payloads, programs and payload flights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from gql_server.db import models
from gql_server.graphql.arguments import (
    DockedAt,
    DockingGt,
    DockingGte,
    DockingLocationId,
    DockingLt,
    DockingLte,
    FlightVehicleChaserId,
    Limit,
    Offset,
    OrderingArg,
    Role,
    Search,
    SpaceStationTargetId,
    event_filter,
)
from gql_server.graphql.context import Info
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.graphql.sources import PAYLOAD_FLIGHT_EVENTS
from gql_server.graphql.types._base import (
    RowType,
    api_url,
    listed_now,
    ll2_id,
    name_of,
    one_now,
)
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.launches import Launch
from gql_server.graphql.types.places import Landing

if TYPE_CHECKING:
    from gql_server.graphql.types.docking import DockingEventPage


@strawberry.type(description="The kind of a payload (lander, satellite, ...).")
class PayloadType(RowType):
    _table = models.PayloadType.__table__
    id: int = ll2_id("payload type")
    name: str | None = name_of("payload type")


@strawberry.type(description="A program payloads belong to (e.g. Chang'e, Artemis).")
class Program(RowType):
    _table = models.Program.__table__
    id: int = ll2_id("program")
    url: str = api_url("program")
    name: str = name_of("program")
    info_url: str | None = strawberry.field(description="An information page.")
    wiki_url: str | None = strawberry.field(description="Its Wikipedia article.")
    image_id: strawberry.Private[int | None]

    @strawberry.field(description="A picture of the program.")
    def image(self, info: Info) -> Image | None:
        return one_now(info, Image, self.image_id)


@strawberry.type(
    description=(
        "A payload: something carried to space that is not a crewed spacecraft (a lander, a "
        "satellite). Link, program, cost, mass and description come from detailed mode."
    )
)
class Payload(RowType):
    _table = models.Payload.__table__
    id: int = ll2_id("payload")
    name: str | None = name_of("payload")
    wiki_link: str | None = strawberry.field(description="Its Wikipedia article.")
    info_link: str | None = strawberry.field(description="An information page.")
    cost: int | None = strawberry.field(description="Cost in US dollars.")
    mass: float | None = strawberry.field(description="Mass in kilograms.")
    description: str | None = strawberry.field(description="A paragraph about the payload.")
    type_id: strawberry.Private[int | None]
    manufacturer_id: strawberry.Private[int | None]
    operator_id: strawberry.Private[int | None]
    image_id: strawberry.Private[int | None]
    program_listed: strawberry.Private[bool | None]

    @strawberry.field(description="What kind of payload this is.")
    def type(self, info: Info) -> PayloadType | None:
        return one_now(info, PayloadType, self.type_id)

    @strawberry.field(description="Who built it.")
    def manufacturer(self, info: Info) -> Agency | None:
        return one_now(info, Agency, self.manufacturer_id)

    @strawberry.field(description="Who operates it.")
    def operator(self, info: Info) -> Agency | None:
        return one_now(info, Agency, self.operator_id)

    @strawberry.field(description="A picture of it.")
    def image(self, info: Info) -> Image | None:
        return one_now(info, Image, self.image_id)

    @strawberry.field(
        description="The programs it belongs to; null until its detailed form is ingested."
    )
    def program(self, info: Info) -> list[Program] | None:
        if not self.program_listed:
            return None
        return listed_now(info, Program, models.PayloadProgram.__table__, self.id)


@strawberry.type(description="One flight of a payload: what launched it, where it went.")
class PayloadFlight(RowType):
    _table = models.PayloadFlight.__table__
    id: int = ll2_id("payload flight")
    url: str = api_url("payload flight")
    destination: str | None = strawberry.field(description="Where the flight went.")
    amount: int | None = strawberry.field(description="How many such payloads flew.")
    payload_id: strawberry.Private[int | None]
    launch_id: strawberry.Private[object | None]
    landing_id: strawberry.Private[int | None]

    @strawberry.field(description="The payload that flew.")
    def payload(self, info: Info) -> Payload | None:
        return one_now(info, Payload, self.payload_id)

    @strawberry.field(description="The launch that carried it.")
    def launch(self, info: Info) -> Launch | None:
        return one_now(info, Launch, self.launch_id)

    @strawberry.field(description="Its landing, when it landed.")
    def landing(self, info: Info) -> Landing | None:
        return one_now(info, Landing, self.landing_id)

    @strawberry.field(
        description=(
            "Docking events of this payload flight, as chaser or as target (`role` picks "
            "one), with `dockingEvents`' filters, search, ordering and paging. Batched."
        )
    )
    def docking_events(
        self,
        role: Role = None,
        docking_gt: DockingGt = None,
        docking_gte: DockingGte = None,
        docking_lt: DockingLt = None,
        docking_lte: DockingLte = None,
        docked_at: DockedAt = None,
        docking_location_id: DockingLocationId = None,
        flight_vehicle_chaser_id: FlightVehicleChaserId = None,
        space_station_target_id: SpaceStationTargetId = None,
        search: Search = None,
        ordering: OrderingArg = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Annotated[DockingEventPage, strawberry.lazy("gql_server.graphql.types.docking")]:
        from gql_server.graphql.types.docking import event_page

        where = event_filter(
            docking_gt, docking_gte, docking_lt, docking_lte, docked_at,
            docking_location_id, flight_vehicle_chaser_id, space_station_target_id, search,
        )  # fmt: skip
        relation = PAYLOAD_FLIGHT_EVENTS[role.value if role else None]
        return event_page(relation, self.id, where, ordering, limit, offset)
