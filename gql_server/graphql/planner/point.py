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

from gql_server.graphql.planner.plan import ObjectPlan, RefEdge
from gql_server.queries.relations import JoinStep, joined_chain

# More joins than this is not a point lookup any more (a deep selection): the breadth-first
# loads, one statement per table, serve it.
MAX_TABLES = 16


@dataclass(frozen=True)
class _Node:
    plan: ObjectPlan
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
    """The statement for one plan (the root row's id is its ``key`` parameter) and how its
    result row splits into the rows of each joined table."""

    statement: Select[Any]
    many: Select[Any]  # the same for the root rows whose id is in ``ids``
    nodes: tuple[_Node, ...]

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


_READS: weakref.WeakKeyDictionary[ObjectPlan, PointRead | None] = weakref.WeakKeyDictionary()


def point_read(plan: ObjectPlan) -> PointRead | None:
    """The one-statement read for ``plan`` by id, or None when the plan loads anything but
    to-one rows (lists, children) or joins more than ``MAX_TABLES`` tables. Built once per
    plan (plans are cached per document)."""
    if plan in _READS:
        return _READS[plan]
    read = _build(plan)
    _READS[plan] = read
    return read


def _build(root: ObjectPlan) -> PointRead | None:
    nodes: list[_Node] = []
    pending: list[tuple[ObjectPlan, int | None, str | None]] = [(root, None, None)]
    start = 0
    while pending:
        plan, parent, column = pending.pop(0)
        if len(nodes) == MAX_TABLES:
            return None
        names = _columns(plan)
        ref_at = -1
        if parent is not None:
            above = nodes[parent]
            ref_at = above.start + above.names.index(column)  # type: ignore[arg-type]
        id_at = start + names.index("id")
        nodes.append(_Node(plan, plan.table, parent, column, start, names, id_at, ref_at))
        start += len(names)
        index = len(nodes) - 1
        for edge in plan.edges:
            if not isinstance(edge, RefEdge):
                return None
            pending.append((edge.target, index, edge.column))
    statement, many = joined_chain(
        [JoinStep(node.table, node.names, node.parent, node.column) for node in nodes]
    )
    return PointRead(statement, many, tuple(nodes))


def _columns(plan: ObjectPlan) -> tuple[str, ...]:
    """The columns read for ``plan``'s rows: what its row class is built from, and the
    references its edges follow (not, say, an event's search document: the biggest column)."""
    wanted = {"id", *(f.name for f in dataclasses.fields(plan.cls) if f.init)}
    wanted |= {edge.column for edge in plan.edges if isinstance(edge, RefEdge)}
    return tuple(c.key for c in plan.table.c if c.key in wanted)
