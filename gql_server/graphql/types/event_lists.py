"""The ``dockingEvents(...)`` and ``dockingEventsConnection(...)`` fields of the types that
take part in docking events: one resolver with the root field's arguments, made per reverse
relation (the connection's cursors page a station's events as the root's page them all)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from gql_server.graphql.arguments import (
    NO_FILTER,
    After,
    Before,
    First,
    Last,
    Limit,
    Offset,
    OrderingArg,
    Role,
    event_filter_arguments,
    orderings,
)
from gql_server.graphql.paging import DEFAULT_LIMIT
from gql_server.queries.docking_events import EventFilter
from gql_server.queries.relations import Relation

if TYPE_CHECKING:
    from gql_server.graphql.types.connection import DockingEventConnection
    from gql_server.graphql.types.docking import DockingEventPage

EventPage = Annotated["DockingEventPage", strawberry.lazy("gql_server.graphql.types.docking")]
EventConnection = Annotated[
    "DockingEventConnection", strawberry.lazy("gql_server.graphql.types.connection")
]

Relations = dict[str | None, Relation]  # by role: "chaser", "target", None (either)


def event_list(relations: Relations, description: str, *, roles: bool = True) -> Any:
    """``dockingEvents(role, ...)``: ``relations`` maps the role (None: either) to the
    relation that lists the parent's events; batched over every parent of a request. Without
    ``roles`` the field takes no ``role`` (the parent's events through ``relations[None]``)."""

    @event_filter_arguments(drop=() if roles else ("role",))
    def docking_events(
        root: Any,
        role: Role = None,
        where: EventFilter = NO_FILTER,
        ordering: OrderingArg = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> EventPage:
        from gql_server.graphql.types.docking import event_page

        relation = relations[role.value if role else None]
        return event_page(relation, root.id, where, ordering, limit, offset)

    return strawberry.field(resolver=docking_events, description=description)


def connection_list(relations: Relations, description: str, *, roles: bool = True) -> Any:
    """``dockingEventsConnection(role, first, after, last, before, ...)``: the parent's
    events as a cursor connection, batched over every parent of a request; without
    ``roles``, no ``role`` argument (as ``event_list``)."""

    @event_filter_arguments(drop=() if roles else ("role",))
    def docking_events_connection(
        root: Any,
        role: Role = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: EventFilter = NO_FILTER,
        ordering: OrderingArg = None,
    ) -> EventConnection:
        from gql_server.graphql.types.connection import DockingEventConnection
        from gql_server.graphql.window import Children, Window

        children = Children(relations[role.value if role else None], root.id)
        window = Window.of(where, orderings(ordering), first, after, last, before, children)
        return DockingEventConnection(window=window)

    return strawberry.field(resolver=docking_events_connection, description=description)


# The four shapes the entity modules declare: with and without a role.
def events_by_role(relations: Relations, description: str) -> Any:
    return event_list(relations, description)


def events_of(relation: Relation, description: str) -> Any:
    return event_list({None: relation}, description, roles=False)


def connection_by_role(relations: Relations, description: str) -> Any:
    return connection_list(relations, description)


def connection_of(relation: Relation, description: str) -> Any:
    return connection_list({None: relation}, description, roles=False)
