"""A point lookup in one statement: a root field that reads one row by id (``dockingEvent(id:)``
and its kind) whose planned selection only follows to-one relations is read with its whole
chain of rows (event, port, station, flight, spacecraft, ...) in one SELECT of LEFT JOINs.

The rows it finds go into the request's one row store (``graphql/loaders.py`` ``RowStore``),
where the root resolver's ``one()`` finds the root row and the planner every row below it;
neither sends anything more. On
PostgreSQL the statement runs without an explicit transaction (``Reader.rows_alone``): a
single statement reads one snapshot by itself, so the whole request is one round trip.
On SQLite it goes straight through pysqlite on the loop's thread (a short read), one
statement instead of five.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table

from gql_server.bytecache import ByteLRU
from gql_server.graphql.planner.plan import ObjectPlan, RefEdge
from gql_server.graphql.types._base import RowType
from gql_server.queries.relations import JoinStep, joined_chain

# More joins than this is not a point lookup any more (a deep selection): the breadth-first
# loads, one statement per table, serve it.
MAX_TABLES = 16


@dataclass(frozen=True)
class _Node:
    cls: type[RowType]  # the row class its rows are built as
    table: Table
    parent: int | None  # index of the node whose column references this one
    column: str | None  # that column
    start: int  # this node's first column in the result row
    names: tuple[str, ...]  # its column keys, in order
    id_at: int  # where its id is in the result row
    ref_at: int  # where the parent's column that references it is (-1: the root)

    def row(self, values: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(self.names, values[self.start : self.start + len(self.names)], strict=True))


@dataclass(frozen=True)
class PointRead:
    """The statement for one chain of tables (the root row's id is its ``key`` parameter)
    and how its result row splits into the rows of each joined table. It holds nothing of
    the document it was made for: every plan that follows the same relations shares it."""

    statement: Select[Any]
    many: Select[Any]  # the same for the root rows whose id is in ``ids``
    nodes: tuple[_Node, ...]
    steps: tuple[JoinStep, ...]  # the chain, for statements over other roots (a page)

    def split(self, values: Sequence[Any]) -> list[tuple[_Node, Any, bool]]:
        """(node, the id that led to it, whether that id has a row) for every node its
        parent's row reached, the root first (its id: None); ``_Node.row`` then builds a
        row, for the rows not already known. Nodes whose parent has no row, or whose
        parent's column is null, are left out."""
        present = [False] * len(self.nodes)
        out: list[tuple[_Node, Any, bool]] = []
        for index, node in enumerate(self.nodes):
            here = values[node.id_at] is not None
            if node.parent is None:
                present[index] = here
                out.append((node, None, here))
                continue
            if not present[node.parent]:
                continue
            key = values[node.ref_at]
            if key is None:
                continue
            present[index] = here
            out.append((node, key, here))
        return out


@dataclass(frozen=True)
class _Step:
    """One table of a plan's chain, as the statement needs it (no plan: plans are per
    document, and a step is the same for every document that follows the same relation)."""

    cls: type[RowType]
    table: Table
    names: tuple[str, ...]
    parent: int | None
    column: str | None


class _Chain:
    """A chain of steps as a cache key, its hash computed once (hashing the steps, each a
    dataclass, on every look-up cost a point lookup more than the rest of finding its read)."""

    __slots__ = ("hash", "steps")

    def __init__(self, steps: tuple[_Step, ...]) -> None:
        self.steps = steps
        self.hash = hash(steps)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, _Chain) and self.hash == other.hash and self.steps == other.steps
        )


# Per plan, its chain (None: the plan is not for one statement). Weak: the entry goes with
# the plan (with its document's plan-cache entry), and its value refers to no plan.
_CHAINS: weakref.WeakKeyDictionary[ObjectPlan, _Chain | None] = weakref.WeakKeyDictionary()
# Per chain, its read, shared by every plan with that chain. A read's SQLAlchemy objects
# (8 aliased tables, 80 labelled columns, the compiled form the reader keeps for it) take
# hundreds of kilobytes, and a client choosing which to-one relations to select can make
# many chains: they are kept within a byte budget.
# A read's objects, about, per column it reads (tracemalloc: W3's chain, 8 tables and 81
# columns, took 359 kB).
READ_BYTES_PER_COLUMN = 4_500
READ_CACHE_BYTES = 16 * 1024 * 1024
_READS: ByteLRU[_Chain, PointRead] = ByteLRU(READ_CACHE_BYTES)


def point_read(plan: ObjectPlan) -> PointRead | None:
    """The one-statement read for ``plan`` by id, or None when the plan loads anything but
    to-one rows (lists, children) or joins more than ``MAX_TABLES`` tables."""
    chain = _CHAINS.get(plan, _UNKNOWN)
    if chain is _UNKNOWN:
        steps = _chain(plan)
        chain = _CHAINS[plan] = None if steps is None else _Chain(steps)
    if chain is None:
        return None
    read = _READS.get(chain)
    if read is None:
        read = _build(chain.steps)
        size = READ_BYTES_PER_COLUMN * sum(len(step.names) for step in chain.steps)
        _READS.put(chain, read, size)
    return read


_UNKNOWN: Any = object()


def chain_walk(root: ObjectPlan) -> list[tuple[ObjectPlan, int | None, str | None]] | None:
    """The plans one statement reads for ``root``, breadth first (the read's tables in
    order): each with the index of the plan whose column references it and that column;
    None when a plan loads anything but to-one rows or there are more than ``MAX_TABLES``."""
    walked: list[tuple[ObjectPlan, int | None, str | None]] = []
    pending: list[tuple[ObjectPlan, int | None, str | None]] = [(root, None, None)]
    while pending:
        if len(walked) == MAX_TABLES:
            return None
        walked.append(pending.pop(0))
        index = len(walked) - 1
        for edge in walked[index][0].edges:
            if not isinstance(edge, RefEdge):
                return None
            pending.append((edge.target, index, edge.column))
    return walked


def _chain(root: ObjectPlan) -> tuple[_Step, ...] | None:
    walked = chain_walk(root)
    if walked is None:
        return None
    return tuple(
        _Step(plan.cls, plan.table, _columns(plan), parent, column)
        for plan, parent, column in walked
    )


def _build(chain: tuple[_Step, ...]) -> PointRead:
    nodes: list[_Node] = []
    start = 0
    for step in chain:
        ref_at = -1
        if step.parent is not None:
            above = nodes[step.parent]
            ref_at = above.start + above.names.index(step.column)  # type: ignore[arg-type]
        id_at = start + step.names.index("id")
        nodes.append(
            _Node(step.cls, step.table, step.parent, step.column, start, step.names, id_at, ref_at)
        )
        start += len(step.names)
    steps = tuple(JoinStep(step.table, step.names, step.parent, step.column) for step in chain)
    statement, many = joined_chain(steps)
    return PointRead(statement, many, tuple(nodes), steps)


def _columns(plan: ObjectPlan) -> tuple[str, ...]:
    """The columns read for ``plan``'s rows: what its row class is built from, and the
    references its edges follow (not, say, an event's search document: the biggest column)."""
    wanted = {"id", *(f.name for f in dataclasses.fields(plan.cls) if f.init)}
    wanted |= {edge.column for edge in plan.edges if isinstance(edge, RefEdge)}
    return tuple(c.key for c in plan.table.c if c.key in wanted)
