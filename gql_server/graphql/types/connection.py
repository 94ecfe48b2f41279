"""The Relay cursor connection over docking events: keyset pagination, opaque cursors.

The root ``dockingEventsConnection`` and the nested ones (a station's, a port's, a flight's
``dockingEventsConnection``) share the type, the arguments and the cursors."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, RowMapping

from gql_server.graphql.context import Info
from gql_server.graphql.errors import bad_input
from gql_server.graphql.loaders import Relation
from gql_server.graphql.paging import DEFAULT_LIMIT, MAX_LIMIT
from gql_server.graphql.types.docking import DockingEvent
from gql_server.queries import docking_events
from gql_server.queries.docking_events import EventFilter, Ordering, SortKey


def _signature(keys: Sequence[SortKey]) -> list[str]:
    return [("-" if key.descending else "") + key.column for key in keys]


def encode_cursor(keys: Sequence[SortKey], row: RowMapping) -> str:
    """Opaque: base64 of the ordering and the row's values of its keys (ending with id)."""
    values = [
        v.isoformat() if isinstance(v, datetime) else v for v in docking_events.position(keys, row)
    ]
    text = json.dumps({"o": _signature(keys), "k": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def decode_cursor(cursor: str, keys: Sequence[SortKey], argument: str) -> list[Any]:
    """The key values a cursor holds; BAD_USER_INPUT when it is not one of ours or was made
    for another ordering."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        ordering, raw = data["o"], data["k"]
        if ordering != _signature(keys):
            raise bad_input(
                f"`{argument}` is a cursor of another ordering: keep `ordering` the same for "
                "every page",
                argument=argument,
            )
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError(raw)
        values: list[Any] = []
        for key, value in zip(keys, raw, strict=True):
            if value is None and key.nulls_first is not None:
                values.append(None)
            elif key.column == "id":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(value)
                if not -(2**31) <= value < 2**31:  # what the database's INTEGER ids hold
                    raise ValueError(value)
                values.append(value)
            else:
                instant = datetime.fromisoformat(value)
                values.append(instant.astimezone(UTC) if instant.tzinfo else instant)
        return values
    except (
        binascii.Error,
        UnicodeError,
        ValueError,
        TypeError,
        KeyError,
        OverflowError,
        RecursionError,
    ):
        raise bad_input(f"`{argument}` is not a cursor of this list", argument=argument) from None


def checked_count(name: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_LIMIT:
        raise bad_input(f"{name} must be between 0 and {MAX_LIMIT}, got {value}", argument=name)
    return value


@dataclass(frozen=True)
class Children:
    """A connection nested under a parent: the parent's events through ``relation``, read
    by the batched loaders (one statement for every parent that asks the same)."""

    relation: Relation
    parent: Any


@dataclass
class Window:
    """What one connection asks for; fetched once, whichever fields ask first. A root
    connection (``children`` None) runs its own statements; a nested one goes through the
    request's loaders, so a page of stations each with its connection costs one statement
    per distinct argument set, not one per station."""

    where: EventFilter
    keys: list[SortKey]
    first: int | None
    last: int | None
    after: list[Any] | None
    before: list[Any] | None
    children: Children | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _result: tuple[list[RowMapping], bool | None, bool | None] | None = None

    @classmethod
    def of(
        cls,
        where: EventFilter,
        ordering: Sequence[Ordering],
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
        children: Children | None = None,
    ) -> Window:
        """A window from a connection field's arguments, checked (BAD_USER_INPUT)."""
        keys = docking_events.sort_keys(ordering)
        return cls(
            where=where,
            keys=keys,
            first=checked_count("first", first),
            last=checked_count("last", last),
            after=None if after is None else decode_cursor(after, keys, "after"),
            before=None if before is None else decode_cursor(before, keys, "before"),
            children=children,
        )

    async def fetch(self, info: Info) -> tuple[list[RowMapping], bool | None, bool | None]:
        """The edges' rows, hasNextPage and hasPreviousPage (None: not known from the rows)."""
        async with self._lock:
            if self._result is None:
                self._result = await self._compute(info)
            return self._result

    async def _compute(self, info: Info) -> tuple[list[RowMapping], bool | None, bool | None]:
        has_next: bool | None = None
        has_previous: bool | None = None
        if self.last is not None and self.first is None:
            rows = await self._slice(info, self.last + 1, backwards=True)
            has_previous = len(rows) > self.last
            rows = rows[: self.last][::-1]
        else:
            size = DEFAULT_LIMIT if self.first is None else self.first
            rows = await self._slice(info, size + 1, backwards=False)
            has_next = len(rows) > size
            rows = rows[:size]
            if self.last is not None:
                has_previous = len(rows) > self.last
                rows = rows[len(rows) - self.last :] if self.last else []
        return rows, has_next, has_previous

    async def _slice(self, info: Info, limit: int, *, backwards: bool) -> list[RowMapping]:
        """Up to ``limit`` rows between the cursors, from the start (or, ``backwards``, from
        the end in reversed order)."""
        if self.children is None:
            stmt = docking_events.keyset_page(
                self.where,
                self.keys,
                limit,
                after_values=self.after,
                before_values=self.before,
                backwards=backwards,
            )
            return list(await info.context.reader.rows(stmt))
        conditions = self.where.conditions()
        if self.after is not None:
            conditions.append(docking_events.after(self.keys, self.after))
        if self.before is not None:
            conditions.append(docking_events.before(self.keys, self.before))
        order = [key.reversed() for key in self.keys] if backwards else list(self.keys)
        return await self._children(info, conditions, order, limit, ("slice", backwards))

    async def _children(
        self,
        info: Info,
        conditions: list[ColumnElement[bool]],
        order: list[SortKey],
        limit: int,
        purpose: Hashable,
    ) -> list[RowMapping]:
        assert self.children is not None
        # Everything that shapes the statement keys the loader: parents asking the same
        # share one statement.
        args = (
            purpose,
            self.where,
            tuple(order),
            None if self.after is None else tuple(self.after),
            None if self.before is None else tuple(self.before),
        )
        loader = info.context.loaders.children(
            self.children.relation,
            args=args,
            conditions=tuple(conditions),
            order=lambda columns: docking_events.order_terms(order, columns),
            limit=limit,
        )
        return list(await loader.load(self.children.parent))

    async def beyond(self, info: Info, values: list[Any] | None, *, forward: bool) -> bool:
        """Whether a matching event lies at or beyond a cursor the client gave."""
        if values is None:
            return False
        if self.children is None:
            stmt = docking_events.exists_beyond(self.where, self.keys, values, forward=forward)
            return bool(await info.context.reader.rows(stmt))
        strictly = (
            docking_events.before(self.keys, values)
            if forward
            else docking_events.after(self.keys, values)
        )
        conditions = [*self.where.conditions(), ~strictly]
        found = await self._children(info, conditions, list(self.keys), 1, ("beyond", forward))
        return bool(found)

    async def total(self, info: Info) -> int:
        """How many events match the filters and search (cursors aside)."""
        if self.children is None:
            return int(await info.context.reader.scalar(docking_events.count(self.where)))
        loader = info.context.loaders.child_counts(
            self.children.relation,
            args=("connection", self.where),
            conditions=tuple(self.where.conditions()),
        )
        return await loader.load(self.children.parent)


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
