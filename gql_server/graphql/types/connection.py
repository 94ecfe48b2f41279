"""The Relay cursor connection over docking events, as GraphQL types: edges, ``PageInfo``,
the connection. The root ``dockingEventsConnection`` and the nested ones (a station's, a
port's, a flight's) share them; what they fetch is a ``gql_server.graphql.window.Window``."""

from __future__ import annotations

import strawberry

from gql_server.graphql.context import Info
from gql_server.graphql.relay import encode_cursor
from gql_server.graphql.types.docking import DockingEvent
from gql_server.graphql.window import Window


@strawberry.type(description="An event in a connection, with the cursor of its position.")
class DockingEventEdge:
    cursor: str = strawberry.field(
        description="Opaque position of this event: pass it as `after` or `before`."
    )
    node: DockingEvent = strawberry.field(description="The docking event.")


@strawberry.type(description="Where a page of a connection lies (Relay's `PageInfo`).")
class PageInfo:
    window: strawberry.Private[Window]

    @strawberry.field(
        description=(
            "True when more events follow this page. With `last` and `before` (backward "
            "paging): whether any event lies at or after `before`."
        )
    )
    async def has_next_page(self, info: Info) -> bool:
        _, has_next, _ = await self.window.fetch(info)
        if has_next is None:
            return await self.window.beyond(info, self.window.before, forward=True)
        return has_next

    @strawberry.field(
        description=(
            "True when events come before this page. With `first` and `after` (forward "
            "paging): whether any event lies at or before `after`."
        )
    )
    async def has_previous_page(self, info: Info) -> bool:
        _, _, has_previous = await self.window.fetch(info)
        if has_previous is None:
            return await self.window.beyond(info, self.window.after, forward=False)
        return has_previous

    @strawberry.field(description="The cursor of the first edge; null for an empty page.")
    async def start_cursor(self, info: Info) -> str | None:
        rows, _, _ = await self.window.fetch(info)
        return encode_cursor(self.window.keys, rows[0]) if rows else None

    @strawberry.field(description="The cursor of the last edge; null for an empty page.")
    async def end_cursor(self, info: Info) -> str | None:
        rows, _, _ = await self.window.fetch(info)
        return encode_cursor(self.window.keys, rows[-1]) if rows else None


@strawberry.type(
    description=(
        "Docking events as a Relay cursor connection. Cursors hold the ordering keys' values "
        "(keyset pagination, not offsets): a page after a cursor stays the same when events "
        "are added or removed before it."
    )
)
class DockingEventConnection:
    window: strawberry.Private[Window]

    @strawberry.field(description="The events of this page, each with its cursor, in order.")
    async def edges(self, info: Info) -> list[DockingEventEdge]:
        rows, _, _ = await self.window.fetch(info)
        return [
            DockingEventEdge(
                cursor=encode_cursor(self.window.keys, row), node=DockingEvent.from_row(row)
            )
            for row in rows
        ]

    @strawberry.field(description="Whether pages exist before and after this one, and its ends.")
    def page_info(self) -> PageInfo:
        return PageInfo(window=self.window)

    @strawberry.field(
        description="How many events match the filters and search in all (cursors aside)."
    )
    async def total_count(self, info: Info) -> int:
        return await self.window.total(info)
