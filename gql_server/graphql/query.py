"""The root Query: LL2's list endpoint as field arguments, and lookups by id."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from graphql import GraphQLError
from sqlalchemy import Table

from gql_server.db import models
from gql_server.graphql.arguments import (
    NO_FILTER,
    After,
    Before,
    First,
    Last,
    Limit,
    Offset,
    OrderingArg,
    arg,
    event_filter_arguments,
    orderings,
)
from gql_server.graphql.context import Info
from gql_server.graphql.enums import DockingPartyKind, DockingStatsKey
from gql_server.graphql.errors import QUERY_TOO_COMPLEX, bad_input
from gql_server.graphql.paging import DEFAULT_LIMIT, MAX_LIMIT, checked
from gql_server.graphql.relay import decode_global_id, parse_ll2_id
from gql_server.graphql.selection import selected_names
from gql_server.graphql.sources import QuerySource
from gql_server.graphql.types._base import Node, RowType, one
from gql_server.graphql.types.connection import DockingEventConnection
from gql_server.graphql.types.docking import DockingEvent, DockingEventPage
from gql_server.graphql.types.pages import DockingLocationPage, SpaceStationPage
from gql_server.graphql.types.payloads import PayloadFlight
from gql_server.graphql.types.spacecraft import Spacecraft, SpacecraftFlight
from gql_server.graphql.types.stations import DockingLocation, SpaceStation
from gql_server.graphql.types.stats import DockingStatsBucket, DockingStatsBucketKey
from gql_server.graphql.window import Window
from gql_server.queries import by_name, event_statements, stats
from gql_server.queries.docking_events import EventFilter
from gql_server.queries.freshness import LAST_SUCCESSFUL_SYNC, as_utc, data_version
from gql_server.queries.search_walk import walks
from gql_server.queries.stats import StatsKey
from gql_server.settings import Limits


def _decoded(global_id: str, argument: str) -> tuple[type[RowType], Any]:
    type_name, raw = decode_global_id(global_id, argument)
    cls = RowType.registry.get(type_name)
    if cls is None:
        raise bad_input(f"not a global id: {global_id!r}", argument=argument)
    return cls, parse_ll2_id(raw, cls._table.c.id.type.python_type, global_id, argument)


NamedPage = DockingLocationPage | SpaceStationPage

SEARCH_NAME = (
    "Keep those whose name contains every term (LL2 `search`): terms split on whitespace "
    "and commas, quoted phrases kept whole, compared case-insensitively. Blank filters nothing."
)
ID = "The LL2 id; an unknown id answers null."


def named_list(model: type[Any], page: type[NamedPage], description: str) -> Any:
    """A root list of named objects (``dockingLocations``, ``spaceStations``) as a field:
    the ``model``'s rows ordered by id, searchable by name, paged as ``page``."""
    table = cast(Table, model.__table__)

    def resolver(
        search: Annotated[str | None, arg(SEARCH_NAME)] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Any:
        size, start = checked(limit, offset)
        return page(
            count_query=by_name.count(table, search),
            results_query=by_name.page(table, search, size, start),
        )

    return strawberry.field(resolver=resolver, description=description, graphql_type=page)


@strawberry.type(description="Docking events and what takes part in them, from Launch Library 2.")
class Query:
    @strawberry.field(
        description=(
            "Docking events: LL2's `/docking_events/` list with the same filters, search, "
            "ordering and paging. All given filters must hold."
        )
    )
    @event_filter_arguments()
    def docking_events(
        self,
        info: Info,
        where: EventFilter = NO_FILTER,
        ordering: OrderingArg = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> DockingEventPage:
        size, start = checked(limit, offset)
        keys = orderings(ordering)
        return DockingEventPage(
            source=QuerySource(
                count_of=lambda: event_statements.cached_count(where),
                results_of=lambda: event_statements.cached_page(where, keys, size, start),
                results_with_total_of=lambda: event_statements.cached_page_with_total(
                    where, keys, size, start
                ),
                probe_of=lambda: event_statements.cached_probe(where, keys, size, start),
                probe_or_results_of=lambda: event_statements.cached_probe_or_page(
                    where, keys, size, start
                ),
                chained_of=lambda steps: event_statements.cached_chained_page(
                    where, keys, size, start, steps
                ),
                limit=size,
                offset=start,
                together={"count", "results"} <= selected_names(info),
                walked=walks(where, keys),
            )
        )

    @strawberry.field(
        description=(
            "Docking events as a Relay cursor connection: `dockingEvents`' filters, search "
            "and ordering, paged with `first`/`after` (forward) or `last`/`before` "
            "(backward). Cursors are keyset positions, so pages do not shift when events are "
            "added before them. Keep the same arguments (but the cursors) for every page."
        )
    )
    @event_filter_arguments()
    def docking_events_connection(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: EventFilter = NO_FILTER,
        ordering: OrderingArg = None,
    ) -> DockingEventConnection:
        window = Window.of(where, orderings(ordering), first, after, last, before)
        return DockingEventConnection(window=window)

    @strawberry.field(
        description=(
            "Docking events counted in groups, for charts: one bucket per combination of the "
            "`groupBy` values that occurs (all events in one bucket when `groupBy` is empty), "
            "ordered by those values in `groupBy` order, ascending, nulls last. Takes "
            "`dockingEvents`' filters and search. Computed in SQL (one statement). More than "
            f"{Limits.max_stats_buckets:,} buckets (`GQL_MAX_STATS_BUCKETS`) is an error "
            "(QUERY_TOO_COMPLEX), never a cut list."
        )
    )
    @event_filter_arguments()
    async def docking_stats(
        self,
        info: Info,
        group_by: Annotated[
            list[DockingStatsKey], arg("What to group by, in order; repeated keys count once.")
        ],
        where: EventFilter = NO_FILTER,
    ) -> list[DockingStatsBucket]:
        keys = [key.to_query() for key in group_by]
        # One more than may be served, to tell "exactly the most" from "too many".
        most = getattr(info.schema, "limits", Limits()).max_stats_buckets
        rows = await info.context.reader.rows(stats.stats(where, keys, most + 1))
        if len(rows) > most:
            raise GraphQLError(
                f"dockingStats makes more than {most} buckets; group by fewer keys or filter "
                "the events.",
                extensions={"code": QUERY_TOO_COMPLEX, "limit": "buckets", "max": most},
            )
        buckets = []
        for row in rows:
            kind = row.get(StatsKey.CHASER_KIND.value)
            buckets.append(
                DockingStatsBucket(
                    key=DockingStatsBucketKey(
                        station_id=row.get(StatsKey.STATION.value),
                        docking_location_id=row.get(StatsKey.DOCKING_LOCATION.value),
                        year=row.get(StatsKey.YEAR.value),
                        chaser_kind=None if kind is None else DockingPartyKind(kind),
                        chaser_agency_id=row.get(StatsKey.CHASER_AGENCY.value),
                    ),
                    count=int(row["count"]),
                    departed_count=int(row["departed"]),
                    total_docked_seconds=float(row["docked_seconds"]),
                )
            )
        return buckets

    @strawberry.field(
        description=(
            "Any object by its global id (`nodeId`), or null when no such object is stored. "
            "An id this API cannot have issued is a BAD_USER_INPUT error."
        )
    )
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, arg("A `nodeId`.")]
    ) -> Node | None:
        cls, key = _decoded(id, "id")
        return await one(info, cls, key)

    @strawberry.field(
        description=(
            "Objects by global id, in the order asked, null for those not stored; batched "
            "(one statement a type). Any id this API cannot have issued is an error."
        )
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            arg("`nodeId`s, up to 100 (each one priced in the query's cost, repeats too)."),
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_LIMIT:
            raise bad_input(f"at most {MAX_LIMIT} ids, got {len(ids)}", argument="ids")
        wanted = [_decoded(global_id, "ids") for global_id in ids]
        return list(await asyncio.gather(*(one(info, cls, key) for cls, key in wanted)))

    @strawberry.field(
        description=(
            "When the data was last brought up to date from the live LL2 API by a complete "
            "`python -m gql_server sync` (UTC); null when no sync ever completed (data "
            "ingested from files only). Show it as the data's freshness."
        )
    )
    async def data_updated_at(self, info: Info) -> datetime | None:
        return as_utc(await info.context.reader.scalar(LAST_SUCCESSFUL_SYNC))

    @strawberry.field(
        description=(
            "A number every write that changes the data (ingest, sync) increases; writing "
            "identical data leaves it: equal values mean identical data. 0 for a database "
            "never written to."
        )
    )
    async def data_version(self, info: Info) -> int:
        return await data_version(info.context.reader)

    @strawberry.field(description="One docking event by LL2 id, or null.")
    async def docking_event(self, info: Info, id: Annotated[int, arg(ID)]) -> DockingEvent | None:
        return await one(info, DockingEvent, id)

    docking_locations = named_list(
        models.DockingLocation,
        DockingLocationPage,
        "Docking locations (ports), ordered by id, searchable by name.",
    )

    @strawberry.field(description="One docking location by LL2 id, or null.")
    async def docking_location(
        self, info: Info, id: Annotated[int, arg(ID)]
    ) -> DockingLocation | None:
        return await one(info, DockingLocation, id)

    space_stations = named_list(
        models.SpaceStation,
        SpaceStationPage,
        "Space stations, ordered by id, searchable by name.",
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
