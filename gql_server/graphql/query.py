"""The root Query: LL2's list endpoint as field arguments, and lookups by id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gql_server.db import models
from gql_server.graphql.context import Info
from gql_server.graphql.paging import DEFAULT_LIMIT, checked
from gql_server.graphql.types._base import one
from gql_server.graphql.types.docking import DockingEvent, DockingEventOrdering, DockingEventPage
from gql_server.graphql.types.pages import DockingLocationPage, SpaceStationPage
from gql_server.graphql.types.payloads import PayloadFlight
from gql_server.graphql.types.spacecraft import Spacecraft, SpacecraftFlight
from gql_server.graphql.types.stations import DockingLocation, SpaceStation
from gql_server.queries import by_name, docking_events
from gql_server.queries.docking_events import EventFilter


def arg(description: str) -> object:
    return strawberry.argument(description=description)


LIMIT = f"Page size, 1 to 100 (LL2 `limit`); null means {DEFAULT_LIMIT}. Out of range is an error."
OFFSET = "How many matches to skip (LL2 `offset`), 0 or more; null means 0."
SEARCH_NAME = (
    "Keep those whose name contains every term (LL2 `search`): terms split on whitespace "
    "and commas, quoted phrases kept whole, compared case-insensitively. Blank filters nothing."
)
ID = "The LL2 id; an unknown id answers null."


@strawberry.type(description="Docking events and what takes part in them, from Launch Library 2.")
class Query:
    @strawberry.field(
        description=(
            "Docking events: LL2's `/docking_events/` list with the same filters, search, "
            "ordering and paging. All given filters must hold."
        )
    )
    def docking_events(
        self,
        docking_gt: Annotated[
            datetime | None, arg("Docked strictly after this instant (`docking__gt`).")
        ] = None,
        docking_gte: Annotated[
            datetime | None, arg("Docked at or after this instant (`docking__gte`).")
        ] = None,
        docking_lt: Annotated[
            datetime | None, arg("Docked strictly before this instant (`docking__lt`).")
        ] = None,
        docking_lte: Annotated[
            datetime | None, arg("Docked at or before this instant (`docking__lte`).")
        ] = None,
        docking_location_id: Annotated[
            int | None, arg("At the docking location with this LL2 id (`docking_location__id`).")
        ] = None,
        flight_vehicle_chaser_id: Annotated[
            int | None,
            arg("Chaser is the spacecraft flight with this LL2 id (`flight_vehicle_chaser__id`)."),
        ] = None,
        space_station_target_id: Annotated[
            int | None, arg("Target is the station with this LL2 id (`space_station_target__id`).")
        ] = None,
        search: Annotated[
            str | None,
            arg(
                "LL2 `search`: every term must occur, case-insensitively, in one of the docking "
                "location's name, the chaser's or target's spacecraft, payload or station name. "
                "Terms split on whitespace and commas; quoted phrases stay whole. Blank filters nothing."
            ),
        ] = None,
        ordering: Annotated[
            list[DockingEventOrdering] | None,
            arg(
                "Sort keys applied in order (LL2 `ordering`); ties break by id. Default: docking ascending."
            ),
        ] = None,
        limit: Annotated[int | None, arg(LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int | None, arg(OFFSET)] = 0,
    ) -> DockingEventPage:
        size, start = checked(limit, offset)
        where = EventFilter(
            docking_gt=docking_gt,
            docking_gte=docking_gte,
            docking_lt=docking_lt,
            docking_lte=docking_lte,
            docking_location_id=docking_location_id,
            flight_vehicle_chaser_id=flight_vehicle_chaser_id,
            space_station_target_id=space_station_target_id,
            search=search,
        )
        keys = [key.to_query() for key in ordering or []]
        return DockingEventPage(
            count_query=docking_events.count(where),
            results_query=docking_events.page(where, keys, size, start),
        )

    @strawberry.field(description="One docking event by LL2 id, or null.")
    async def docking_event(self, info: Info, id: Annotated[int, arg(ID)]) -> DockingEvent | None:
        return await one(info, DockingEvent, id)

    @strawberry.field(description="Docking locations (ports), ordered by id, searchable by name.")
    def docking_locations(
        self,
        search: Annotated[str | None, arg(SEARCH_NAME)] = None,
        limit: Annotated[int | None, arg(LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int | None, arg(OFFSET)] = 0,
    ) -> DockingLocationPage:
        size, start = checked(limit, offset)
        table = models.DockingLocation.__table__
        return DockingLocationPage(
            count_query=by_name.count(table, search),
            results_query=by_name.page(table, search, size, start),
        )

    @strawberry.field(description="One docking location by LL2 id, or null.")
    async def docking_location(
        self, info: Info, id: Annotated[int, arg(ID)]
    ) -> DockingLocation | None:
        return await one(info, DockingLocation, id)

    @strawberry.field(description="Space stations, ordered by id, searchable by name.")
    def space_stations(
        self,
        search: Annotated[str | None, arg(SEARCH_NAME)] = None,
        limit: Annotated[int | None, arg(LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int | None, arg(OFFSET)] = 0,
    ) -> SpaceStationPage:
        size, start = checked(limit, offset)
        table = models.SpaceStation.__table__
        return SpaceStationPage(
            count_query=by_name.count(table, search),
            results_query=by_name.page(table, search, size, start),
        )

    @strawberry.field(description="One space station by LL2 id, or null.")
    async def space_station(self, info: Info, id: Annotated[int, arg(ID)]) -> SpaceStation | None:
        return await one(info, SpaceStation, id)

    @strawberry.field(description="One spacecraft flight by LL2 id, or null.")
    async def spacecraft_flight(
        self, info: Info, id: Annotated[int, arg(ID)]
    ) -> SpacecraftFlight | None:
        return await one(info, SpacecraftFlight, id)

    @strawberry.field(description="One payload flight by LL2 id, or null.")
    async def payload_flight(self, info: Info, id: Annotated[int, arg(ID)]) -> PayloadFlight | None:
        return await one(info, PayloadFlight, id)

    @strawberry.field(description="One spacecraft by LL2 id, or null.")
    async def spacecraft(self, info: Info, id: Annotated[int, arg(ID)]) -> Spacecraft | None:
        return await one(info, Spacecraft, id)
