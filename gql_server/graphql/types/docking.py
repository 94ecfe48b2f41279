"""Docking events, the chaser/target union, and the event list's page and ordering."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

import strawberry

from gql_server.db import models
from gql_server.graphql.arguments import orderings
from gql_server.graphql.context import Info
from gql_server.graphql.enums import DockingEventOrdering
from gql_server.graphql.paging import checked
from gql_server.graphql.sources import ChildSource, PageSource
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.fields import api_url, ll2_id, party, reference
from gql_server.graphql.types.payloads import PayloadFlight
from gql_server.graphql.types.spacecraft import SpacecraftFlight
from gql_server.graphql.types.stations import DockingLocation, SpaceStation
from gql_server.queries.docking_events import EventFilter, order_by
from gql_server.queries.relations import Relation

__all__ = ["DockingEvent", "DockingEventOrdering", "DockingEventPage", "DockingParty"]

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

    @strawberry.field(
        description=(
            "How long it stayed docked: departure minus docking in whole seconds (each "
            "instant's fraction of a second dropped); null while it is still docked."
        )
    )
    def duration_seconds(self) -> int | None:
        if self.departure is None:
            return None
        return math.floor(self.departure.timestamp()) - math.floor(self.docking.timestamp())

    @strawberry.field(
        description=(
            "`durationSeconds` as an ISO 8601 duration in days, hours, minutes and seconds "
            "(`P41DT1H12M49S`, `PT0S`), as LL2 writes durations; null while still docked."
        )
    )
    def duration(self) -> str | None:
        seconds = self.duration_seconds()
        return None if seconds is None else iso_duration(seconds)

    docking_location: DockingLocation = reference(
        "docking_location_id", "The port where it docked."
    )
    chaser: DockingParty | None = party(
        ("flight_vehicle_chaser_id", "payload_flight_chaser_id", "space_station_chaser_id"),
        "The vehicle that arrived: whichever of the three chasers is set.",
    )
    target: DockingParty | None = party(
        ("flight_vehicle_target_id", "payload_flight_target_id", "space_station_target_id"),
        "What it docked with: whichever of the three targets is set.",
    )

    flight_vehicle_chaser: SpacecraftFlight | None = reference(
        "flight_vehicle_chaser_id", "The chaser when it is a spacecraft flight (LL2's key)."
    )

    payload_flight_chaser: PayloadFlight | None = reference(
        "payload_flight_chaser_id", "The chaser when it is a payload flight (LL2's key)."
    )

    space_station_chaser: SpaceStation | None = reference(
        "space_station_chaser_id", "The chaser when it is a space station (LL2's key)."
    )

    flight_vehicle_target: SpacecraftFlight | None = reference(
        "flight_vehicle_target_id", "The target when it is a spacecraft flight (LL2's key)."
    )

    payload_flight_target: PayloadFlight | None = reference(
        "payload_flight_target_id", "The target when it is a payload flight (LL2's key)."
    )

    space_station_target: SpaceStation | None = reference(
        "space_station_target_id", "The target when it is a space station (LL2's key)."
    )


def iso_duration(seconds: int) -> str:
    """``P41DT1H12M49S``: days, then hours, minutes and seconds; zero parts left out."""
    if seconds < 0:
        return "-" + iso_duration(-seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    date = f"{days}D" if days else ""
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    if not date and not time:
        return "PT0S"
    return "P" + date + ("T" + time if time else "")


@strawberry.type(description="One page of docking events, as LL2's list envelope.")
class DockingEventPage:
    source: strawberry.Private[PageSource]

    @strawberry.field(description="How many events match the filters and search, in all pages.")
    async def count(self, info: Info) -> int:
        return await self.source.count(info)

    @strawberry.field(description="The events of the requested slice (`limit` from `offset`).")
    async def results(self, info: Info) -> list[DockingEvent]:
        return [DockingEvent.from_row(row) for row in await self.source.rows(info)]


def event_page(
    relation: Relation,
    parent: object,
    where: EventFilter,
    ordering: list[DockingEventOrdering] | None,
    limit: int | None,
    offset: int | None,
) -> DockingEventPage:
    """A parent's docking events (a reverse relation) as a page: its results and its count
    are batched over every parent of the request (one window query, one GROUP BY)."""
    size, start = checked(limit, offset)
    keys = orderings(ordering)
    return DockingEventPage(
        source=ChildSource(
            relation,
            parent,
            args=(where, keys),
            conditions=tuple(where.conditions()),
            order=lambda columns: order_by(keys, columns),
            limit=size,
            offset=start,
        )
    )
