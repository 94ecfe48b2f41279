"""A point lookup in one statement: a root field that reads one row by id (``dockingEvent(id:)``
and its kind) whose planned selection only follows to-one relations is read with its whole
chain of rows (event, port, station, flight, spacecraft, ...) in one SELECT of LEFT JOINs.

The rows it finds go where the two engines look for them: the root row primes the request's
``Loaders.by_id`` (the root resolver's ``one()``), every row below it the planner's
``PlanState``; the planner then finds every row it needs loaded and sends nothing more. On
PostgreSQL the statement runs without an explicit transaction (``Reader.rows_alone``): a
single statement reads one snapshot by itself, so the whole request is one round trip.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Table, bindparam, select

from gql_server.graphql.planner.plan import ObjectPlan, RefEdge

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


@dataclass(frozen=True)
class PointRead:
    """The statement for one plan (the root row's id is its ``key`` parameter) and how its
    result row splits into the rows of each joined table."""

    statement: Select[Any]
    many: Select[Any]  # the same for the root rows whose id is in ``ids``
    nodes: tuple[_Node, ...]

    def split(self, values: Sequence[Any]) -> list[tuple[_Node, Any, dict[str, Any] | None]]:
        """(node, the id that led to it, its row or None when that id has no row), for every
        node its parent reached; the root first. Nodes whose parent's column is null, or
        whose parent has no row, are left out."""
        found: list[dict[str, Any] | None] = []
        out: list[tuple[_Node, Any, dict[str, Any] | None]] = []
        for node in self.nodes:
            row: dict[str, Any] | None = None
            values_here = values[node.start : node.start + len(node.names)]
            if values_here[node.names.index("id")] is not None:
                row = dict(zip(node.names, values_here, strict=True))
            found.append(row)
            if node.parent is None:
                out.append((node, None, row))
                continue
            parent_row = found[node.parent]
            key = None if parent_row is None else parent_row[node.column]  # type: ignore[index]
            if key is None:
                found[-1] = None  # unreachable: its joined values are all null anyway
                continue
            out.append((node, key, row))
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
    aliases: list[Any] = []
    pending: list[tuple[ObjectPlan, int | None, str | None]] = [(root, None, None)]
    start = 0
    while pending:
        plan, parent, column = pending.pop(0)
        if len(nodes) == MAX_TABLES:
            return None
        alias = plan.table.alias(f"p{len(nodes)}")
        names = _columns(plan)
        nodes.append(_Node(plan, plan.table, parent, column, start, names))
        aliases.append(alias)
        start += len(names)
        index = len(nodes) - 1
        for edge in plan.edges:
            if not isinstance(edge, RefEdge):
                return None
            pending.append((edge.target, index, edge.column))
    joined = aliases[0]
    for node, alias in zip(nodes[1:], aliases[1:], strict=True):
        parent = aliases[node.parent]  # type: ignore[index]
        joined = joined.outerjoin(alias, alias.c.id == parent.c[node.column])
    columns = [
        alias.c[name].label(f"c{node.start + i}")
        for node, alias in zip(nodes, aliases, strict=True)
        for i, name in enumerate(node.names)
    ]
    statement = select(*columns).select_from(joined).where(aliases[0].c.id == bindparam("key"))
    many = (
        select(*columns)
        .select_from(joined)
        .where(aliases[0].c.id.in_(bindparam("ids", expanding=True)))
    )
    return PointRead(statement, many, tuple(nodes))


def _columns(plan: ObjectPlan) -> tuple[str, ...]:
    """The columns read for ``plan``'s rows: what its row class is built from, and the
    references its edges follow (not, say, an event's search document: the biggest column)."""
    wanted = {"id", *(f.name for f in dataclasses.fields(plan.cls) if f.init)}
    wanted |= {edge.column for edge in plan.edges if isinstance(edge, RefEdge)}
    return tuple(c.key for c in plan.table.c if c.key in wanted)
