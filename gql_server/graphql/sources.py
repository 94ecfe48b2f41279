"""Where a page's rows come from: a root list's two statements, or a parent's children
through the batched loaders (one statement for all parents of a request)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import ColumnElement, RowMapping

from gql_server.graphql.context import Info
from gql_server.graphql.planner.state import planning
from gql_server.queries import event_statements
from gql_server.queries.event_statements import Prepared
from gql_server.queries.relations import JoinStep, OrderTerms, Relation

__all__ = ["ChildSource", "PageSource", "QuerySource"]


class PageSource(Protocol):
    async def count(self, info: Info) -> int: ...

    async def rows(self, info: Info) -> Sequence[RowMapping]: ...


@dataclass(eq=False)
class QuerySource:
    """A root list: a count statement and a slice statement (and the forms below).

    When the page's ``count`` and ``results`` are both selected (``together``), they come
    from one statement: the slice with the count as an uncorrelated scalar subquery,
    which both engines evaluate once. A second statement only for a slice that comes back
    empty past offset 0 (its rows carry no total) and for a searched page the probe
    answers (the count is read apart rather than added to the cheap probe)."""

    # The statements are built (or found: ``queries/event_statements.py``) when first
    # needed, each with the values of its parameters for this request (``Prepared``).
    count_of: Callable[[], Prepared]
    results_of: Callable[[], Prepared]
    # The slice with its total on every row (``event_statements.TOTAL``), in one
    # statement.
    results_with_total_of: Callable[[], Prepared]
    # A cheaper statement that gives the same slice when it returns ``limit`` rows
    # (see queries.docking_events.probe); tried first.
    probe_of: Callable[[], Prepared | None] = lambda: None
    # The probe, then the slice if need be, in one statement (one round trip, PostgreSQL).
    probe_or_results_of: Callable[[], Prepared | None] = lambda: None
    # PostgreSQL: the slice with a to-one chain of rows below each event, in one statement
    # (``event_statements.cached_chained_page``), given the chain's steps.
    chained_of: Callable[[tuple[JoinStep, ...]], Prepared] | None = None
    limit: int = 0
    offset: int = 0
    together: bool = False
    # The slice reads the search index in docking order (``search_walk``: SQLite's FTS5
    # table, PostgreSQL's search postings), fewer rows than any probe: no probe first.
    walked: bool = False
    _both: tuple[int, Sequence[RowMapping]] | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def count(self, info: Info) -> int:
        if self.together:
            return (await self._count_and_rows(info))[0]
        return int(await info.context.reader.scalar(*self.count_of()))

    async def rows(self, info: Info) -> Sequence[Mapping[Any, Any]]:
        if self.together:
            return (await self._count_and_rows(info))[1]
        context = info.context
        reader = context.reader
        if reader.engine.dialect.name == "postgresql":
            if context.page_chain is not None and self.chained_of is not None:
                (_plan, read), context.page_chain = context.page_chain, None
                statement, values = self.chained_of(read.steps)
                return await planning(context).read_page(read, statement, values)
            either = self.probe_or_results_of()
            if either is not None:
                return await reader.rows(*either)
        probed = await self._probed(info)
        return probed if probed is not None else await reader.rows(*self.results_of())

    async def _probed(self, info: Info) -> Sequence[RowMapping] | None:
        """The slice from the probe when the probe fills it; None to run the slice itself."""
        reader = info.context.reader
        if self.walked:  # the page costs what it holds: nothing to probe
            return None
        probe = self.probe_of()
        if probe is None:
            return None
        rows = await reader.rows(*probe)
        return rows if len(rows) == self.limit else None

    async def _count_and_rows(self, info: Info) -> tuple[int, Sequence[RowMapping]]:
        # The first caller reads; the other waits for it. A cancelled read leaves
        # nothing behind, so a caller still waiting reads for itself.
        async with self._lock:
            if self._both is None:
                self._both = await self._read_both(info)
            return self._both

    async def _read_both(self, info: Info) -> tuple[int, Sequence[RowMapping]]:
        reader = info.context.reader
        # The probe answers most searched pages; the total, over every match, would cost
        # the search index's whole plan, so it is only added to the slice statement.
        probed = await self._probed(info)
        if probed is not None:
            return int(await reader.scalar(*self.count_of())), probed
        rows = await reader.rows(*self.results_with_total_of())
        if rows:
            return int(rows[0][event_statements.TOTAL]), rows
        if self.offset == 0:
            return 0, rows
        return int(await reader.scalar(*self.count_of())), rows


@dataclass(frozen=True)
class ChildSource:
    """One parent's slice of a relation; ``args`` identifies ``conditions`` and ``order``
    (the loaders batch parents that share it)."""

    relation: Relation
    parent: Any
    args: Hashable
    conditions: tuple[ColumnElement[bool], ...]
    order: OrderTerms
    limit: int | None
    offset: int = 0

    async def count(self, info: Info) -> int:
        loader = info.context.loaders.child_counts(
            self.relation, args=self.args, conditions=self.conditions
        )
        return await loader.load(self.parent)

    async def rows(self, info: Info) -> Sequence[RowMapping]:
        loader = info.context.loaders.children(
            self.relation,
            args=self.args,
            conditions=self.conditions,
            order=self.order,
            limit=self.limit,
            offset=self.offset,
        )
        return await loader.load(self.parent)
