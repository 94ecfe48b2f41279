"""The ``dockingEvents(...)`` and ``dockingEventsConnection(...)`` fields of the types that
take part in docking events: one resolver with the root field's arguments, made per reverse
relation (the connection's cursors page a station's events as the root's page them all)."""

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
    arg,
    event_filter,
    orderings,
)
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.graphql.sources import Relation

if TYPE_CHECKING:
    from gql_server.graphql.types.connection import DockingEventConnection
    from gql_server.graphql.types.docking import DockingEventPage

EventPage = Annotated["DockingEventPage", strawberry.lazy("gql_server.graphql.types.docking")]
EventConnection = Annotated[
    "DockingEventConnection", strawberry.lazy("gql_server.graphql.types.connection")
]

# The cursor arguments of every docking-event connection, root and nested (here rather than
# in connection.py, which imports the types that import this module).
First = Annotated[
    int | None,
    arg(
        "Forward paging: at most this many events (0 to 100) after `after`. With "
        f"neither `first` nor `last`, `first` is {DEFAULT_LIMIT}."
    ),
]
After = Annotated[str | None, arg("Start after this cursor (an edge's `cursor`, `endCursor`).")]
Last = Annotated[
    int | None,
    arg("Backward paging: at most this many events (0 to 100), the last before `before`."),
]
Before = Annotated[str | None, arg("End before this cursor (an edge's `cursor`, `startCursor`).")]


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


def connection_by_role(relations: dict[str | None, Relation], description: str) -> Any:
    """``dockingEventsConnection(role, first, after, last, before, ...)``: the parent's
    events as a cursor connection, batched over every parent of a request."""

    def docking_events_connection(
        root: Any,
        role: Role = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
    ) -> EventConnection:
        from gql_server.graphql.types.connection import DockingEventConnection
        from gql_server.graphql.window import Children, Window

        where = event_filter(
            docking_gt, docking_gte, docking_lt, docking_lte, docked_at,
            docking_location_id, flight_vehicle_chaser_id, space_station_target_id, search,
        )  # fmt: skip
        children = Children(relations[role.value if role else None], root.id)
        window = Window.of(where, orderings(ordering), first, after, last, before, children)
        return DockingEventConnection(window=window)

    return strawberry.field(resolver=docking_events_connection, description=description)


def connection_of(relation: Relation, description: str) -> Any:
    """``dockingEventsConnection(first, after, last, before, ...)`` without a role."""

    def docking_events_connection(
        root: Any,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
    ) -> EventConnection:
        from gql_server.graphql.types.connection import DockingEventConnection
        from gql_server.graphql.window import Children, Window

        where = event_filter(
            docking_gt, docking_gte, docking_lt, docking_lte, docked_at,
            docking_location_id, flight_vehicle_chaser_id, space_station_target_id, search,
        )  # fmt: skip
        window = Window.of(
            where, orderings(ordering), first, after, last, before, Children(relation, root.id)
        )
        return DockingEventConnection(window=window)

    return strawberry.field(resolver=docking_events_connection, description=description)
