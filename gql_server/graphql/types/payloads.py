"""Payloads, programs and payload flights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from gql_server.db import models
from gql_server.graphql.context import Info
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
from gql_server.graphql.types.event_lists import EventPage, events_by_role
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.launches import Launch
from gql_server.graphql.types.places import Landing

if TYPE_CHECKING:
    pass


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

    docking_events: EventPage = events_by_role(
        PAYLOAD_FLIGHT_EVENTS,
        description=(
            "Docking events of this payload flight, as chaser or as target (`role` picks "
            "one), with `dockingEvents`' filters, search, ordering and paging. Batched."
        ),
    )
