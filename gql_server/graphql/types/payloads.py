"""Payloads, programs and payload flights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

from gql_server.db import models
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.event_lists import (
    EventConnection,
    EventPage,
    connection_by_role,
    events_by_role,
)
from gql_server.graphql.types.fields import api_url, listed, ll2_id, name_of, reference
from gql_server.graphql.types.images import Image
from gql_server.graphql.types.launches import Launch
from gql_server.graphql.types.places import Landing
from gql_server.queries.relations import PAYLOAD_FLIGHT_EVENTS

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

    image: Image | None = reference("image_id", "A picture of the program.")


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

    type: PayloadType | None = reference("type_id", "What kind of payload this is.")

    manufacturer: Agency | None = reference("manufacturer_id", "Who built it.")

    operator: Agency | None = reference("operator_id", "Who operates it.")

    image: Image | None = reference("image_id", "A picture of it.")

    program: list[Program] | None = listed(
        models.PayloadProgram.__table__,
        "The programs it belongs to; null until its detailed form is ingested.",
        flag="program_listed",
    )


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

    payload: Payload | None = reference("payload_id", "The payload that flew.")

    launch: Launch | None = reference("launch_id", "The launch that carried it.")

    landing: Landing | None = reference("landing_id", "Its landing, when it landed.")

    docking_events: EventPage = events_by_role(
        PAYLOAD_FLIGHT_EVENTS,
        description=(
            "Docking events of this payload flight, as chaser or as target (`role` picks "
            "one), with `dockingEvents`' filters, search, ordering and paging. Batched."
        ),
    )

    docking_events_connection: EventConnection = connection_by_role(
        PAYLOAD_FLIGHT_EVENTS,
        description=(
            "Docking events of this payload flight (`role` picks chaser or target) as a Relay "
            "cursor connection, with `dockingEventsConnection`'s arguments and cursors. "
            "Batched over every payload flight of a request."
        ),
    )
