"""What one Relay connection over docking events asks for and how it is fetched: keyset
slices between cursors, the neighbours test behind ``pageInfo``, the total. A root connection
runs its own statements; a nested one (a station's, a port's, a flight's) goes through the
request's batched loaders. The GraphQL types that serve it are in ``types/connection.py``; the
cursor codec is in ``relay.py``."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, RowMapping

from gql_server.graphql.context import Info
from gql_server.graphql.errors import bad_input
from gql_server.graphql.paging import DEFAULT_LIMIT, MAX_LIMIT
from gql_server.graphql.relay import decode_cursor
from gql_server.queries import docking_events, event_filter
from gql_server.queries.docking_events import EventFilter, Ordering, SortKey
from gql_server.queries.relations import Relation


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
            return int(await info.context.reader.scalar(event_filter.count(self.where)))
        loader = info.context.loaders.child_counts(
            self.children.relation,
            args=("connection", self.where),
            conditions=tuple(self.where.conditions()),
        )
        return await loader.load(self.children.parent)
