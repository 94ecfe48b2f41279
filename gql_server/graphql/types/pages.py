"""Pages of the lists searched by name: stations and docking locations."""

from __future__ import annotations

from typing import Any

import strawberry
from sqlalchemy import Select

from gql_server.graphql.context import Info
from gql_server.graphql.types.stations import DockingLocation, SpaceStation


@strawberry.type(description="One page of docking locations, ordered by id.")
class DockingLocationPage:
    count_query: strawberry.Private[Select[Any]]
    results_query: strawberry.Private[Select[Any]]

    @strawberry.field(description="How many docking locations match, in all pages.")
    async def count(self, info: Info) -> int:
        return int(await info.context.reader.scalar(self.count_query))

    @strawberry.field(description="The docking locations of the requested slice.")
    async def results(self, info: Info) -> list[DockingLocation]:
        rows = await info.context.reader.rows(self.results_query)
        return [DockingLocation.from_row(row) for row in rows]


@strawberry.type(description="One page of space stations, ordered by id.")
class SpaceStationPage:
    count_query: strawberry.Private[Select[Any]]
    results_query: strawberry.Private[Select[Any]]

    @strawberry.field(description="How many stations match, in all pages.")
    async def count(self, info: Info) -> int:
        return int(await info.context.reader.scalar(self.count_query))

    @strawberry.field(description="The stations of the requested slice.")
    async def results(self, info: Info) -> list[SpaceStation]:
        rows = await info.context.reader.rows(self.results_query)
        return [SpaceStation.from_row(row) for row in rows]
