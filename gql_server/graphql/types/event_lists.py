"""The ``dockingEvents(...)`` field of the types that take part in docking events: one
resolver with ``dockingEvents``' arguments, made per reverse relation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

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
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.graphql.sources import Relation

if TYPE_CHECKING:
    from gql_server.graphql.types.docking import DockingEventPage

EventPage = Annotated["DockingEventPage", strawberry.lazy("gql_server.graphql.types.docking")]


def events_by_role(relations: dict[str | None, Relation], description: str) -> Any:
    """``dockingEvents(role, ...)``: ``relations`` maps the role (None: either) to the
    relation that lists the parent's events; batched over every parent of a request."""

    def docking_events(
        root: Any,
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
    ) -> EventPage:
        from gql_server.graphql.types.docking import event_page

        where = event_filter(
            docking_gt, docking_gte, docking_lt, docking_lte, docked_at,
            docking_location_id, flight_vehicle_chaser_id, space_station_target_id, search,
        )  # fmt: skip
        relation = relations[role.value if role else None]
        return event_page(relation, root.id, where, ordering, limit, offset)

    return strawberry.field(resolver=docking_events, description=description)


def events_of(relation: Relation, description: str) -> Any:
    """``dockingEvents(...)`` without a role: the parent's events through ``relation``."""

    def docking_events(
        root: Any,
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
    ) -> EventPage:
        from gql_server.graphql.types.docking import event_page

        where = event_filter(
            docking_gt, docking_gte, docking_lt, docking_lte, docked_at,
            docking_location_id, flight_vehicle_chaser_id, space_station_target_id, search,
        )  # fmt: skip
        return event_page(relation, root.id, where, ordering, limit, offset)

    return strawberry.field(resolver=docking_events, description=description)
