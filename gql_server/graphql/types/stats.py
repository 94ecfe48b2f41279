"""Docking statistics: buckets of events grouped in SQL, for charts."""

from __future__ import annotations

import strawberry

from gql_server.graphql.context import Info
from gql_server.graphql.enums import DockingPartyKind
from gql_server.graphql.types._base import one_now
from gql_server.graphql.types.agencies import Agency
from gql_server.graphql.types.stations import DockingLocation, SpaceStation


@strawberry.type(
    description=(
        "The values a bucket is grouped by. A key not in `groupBy` is null; so is a key the "
        "bucket's events have no value for (e.g. `station` of a payload-to-payload docking)."
    )
)
class DockingStatsBucketKey:
    station_id: int | None = strawberry.field(description="`STATION`: the station's LL2 id.")
    docking_location_id: int | None = strawberry.field(
        description="`DOCKING_LOCATION`: the port's LL2 id."
    )
    year: int | None = strawberry.field(description="`YEAR`: the UTC year of docking.")
    chaser_kind: DockingPartyKind | None = strawberry.field(
        description="`CHASER_KIND`: what kind of object the chaser is."
    )
    chaser_agency_id: int | None = strawberry.field(
        description="`CHASER_AGENCY`: the chaser's agency's LL2 id."
    )

    @strawberry.field(description="`STATION`: the station (target, else chaser).")
    def station(self, info: Info) -> SpaceStation | None:
        return one_now(info, SpaceStation, self.station_id)

    @strawberry.field(description="`DOCKING_LOCATION`: the port.")
    def docking_location(self, info: Info) -> DockingLocation | None:
        return one_now(info, DockingLocation, self.docking_location_id)

    @strawberry.field(description="`CHASER_AGENCY`: the chaser's agency.")
    def chaser_agency(self, info: Info) -> Agency | None:
        return one_now(info, Agency, self.chaser_agency_id)


@strawberry.type(description="One group of docking events and its totals.")
class DockingStatsBucket:
    key: DockingStatsBucketKey = strawberry.field(description="What the events share.")
    count: int = strawberry.field(description="How many events are in the bucket.")
    departed_count: int = strawberry.field(
        description="How many of them have departed (the ones `totalDockedSeconds` sums)."
    )
    total_docked_seconds: float = strawberry.field(
        description=(
            "The sum of departure minus docking over the departed events, in whole seconds "
            "(events still docked are left out: their stay is not over). A Float: sums "
            "outgrow GraphQL's 32-bit Int; it always holds a whole number."
        )
    )

    @strawberry.field(
        description="`totalDockedSeconds / departedCount`; null when none has departed."
    )
    def average_docked_seconds(self) -> float | None:
        if not self.departed_count:
            return None
        return self.total_docked_seconds / self.departed_count
