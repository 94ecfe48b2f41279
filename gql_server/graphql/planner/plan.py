"""Plans: a selection set on a row type compiled (``compiler.py``) into what each response
key holds and which relations must be loaded below it (once per document: ``cache.py``
keeps them).

A plan is made only when every field under it is a column, a pure function of the row, or a
relation declared with ``gql_server.graphql.resolution`` (no arguments, no ``@defer``).
Anything else raises ``Unplannable`` and graphql-core resolves that part field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Table

from gql_server.graphql.types._base import RowType
from gql_server.queries.relations import Relation


class PlanState(Protocol):
    """What a field's value reads of one request's loads (``state.PlanState``, which
    imports this module: a protocol keeps the imports one-way)."""

    def referenced(self, plan: ObjectPlan, key: Any) -> Any: ...
    def listed(self, link: Any, parent: Any) -> list[Any]: ...
    def children_of(self, relation: Any, parent: Any) -> list[Any]: ...
    def build_all(self, plan: ObjectPlan, ids: Sequence[Any]) -> list[dict[str, Any]]: ...
    def build(self, plan: ObjectPlan, obj: Any) -> dict[str, Any]: ...


# A load the planner schedules: ("rows", table), ("link", link table) or ("children", relation).
LoadKey = tuple[str, str]
MIN_INT, MAX_INT = -(2**31), 2**31 - 1


class Unplannable(Exception):
    """This part of the query is not for the planner; graphql-core resolves it."""


@dataclass(eq=False)
class ObjectPlan:
    """What one selection set on one row type answers, and the loads under it."""

    type_name: str
    cls: type[RowType]
    table: Table
    fields: list[FieldPlan] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    # Every load below this plan (not its own rows): a load waits while a pending one
    # may still ask for more of its rows.
    reach: frozenset[LoadKey] = frozenset()

    def load_key(self) -> LoadKey:
        return ("rows", self.table.name)


# Edges: relations the loader follows from loaded rows.


@dataclass(eq=False)
class RefEdge:
    column: str
    target: ObjectPlan


@dataclass(eq=False)
class LinkEdge:
    link: Table
    flag: str | None
    target: ObjectPlan


@dataclass(eq=False)
class ChildEdge:
    relation: Relation
    target: ObjectPlan


Edge = RefEdge | LinkEdge | ChildEdge


def edge_keys(edge: Edge) -> frozenset[LoadKey]:
    """The loads an edge causes: its own, and everything its target plan reaches."""
    target = edge.target
    if isinstance(edge, RefEdge):
        own: set[LoadKey] = {target.load_key()}
    elif isinstance(edge, LinkEdge):
        own = {("link", edge.link.name), target.load_key()}
    else:
        own = {("children", edge.relation.name)}
    return frozenset(own) | target.reach


# Fields: each gives its response value for one object, from what the loads put in state.


@dataclass(eq=False)
class FieldPlan:
    key: str

    def value(self, state: PlanState, obj: Any) -> Any:
        raise NotImplementedError


@dataclass(eq=False)
class Typename(FieldPlan):
    name: str

    def value(self, state: PlanState, obj: Any) -> Any:
        return self.name


@dataclass(eq=False)
class Leaf(FieldPlan):
    """A column, or a function of the row (``compute``), serialized as its scalar does."""

    compute: Callable[[Any], Any]
    serialize: Callable[[Any], Any]
    non_null: bool
    column: str | None = None  # the row attribute it reads, when it is one (no resolver)

    def value(self, state: PlanState, obj: Any) -> Any:
        raw = self.compute(obj)
        if raw is None:
            if self.non_null:
                raise Unplannable("null in a non-null field")
            return None
        return self.serialize(raw)


class _Keyed:
    """What a key-only plan is built from: a referenced row's id, without the row."""

    __slots__ = ("id",)

    def __init__(self, key: Any) -> None:
        self.id = key


def _row(state: PlanState, target: ObjectPlan, key: Any, keyed: bool) -> Any:
    """The referenced row, or (``keyed``) its id alone: ``target`` reads nothing else."""
    if keyed:
        return None if key is None else _Keyed(key)
    return state.referenced(target, key)


@dataclass(eq=False)
class Reference(FieldPlan):
    """A to-one relation. ``keyed``: its selection is only the row's ``id`` (and
    ``__typename``, see ``key_only``), which the referencing column holds, so the row is
    not read. Its row exists: the column is a foreign key, which both engines enforce
    (SQLite with ``foreign_keys=ON`` on every connection, PostgreSQL always)."""

    column: str
    target: ObjectPlan
    non_null: bool
    keyed: bool = False

    def value(self, state: PlanState, obj: Any) -> Any:
        row = _row(state, self.target, getattr(obj, self.column), self.keyed)
        if row is None:
            if self.non_null:
                raise Unplannable("null in a non-null field")
            return None
        return state.build(self.target, row)


def key_only(plan: ObjectPlan) -> bool:
    """Whether ``plan`` answers from its row's id alone: its fields are ``id`` and
    ``__typename`` (under any alias), it loads nothing below."""
    return not plan.edges and all(
        isinstance(f, Typename) or (isinstance(f, Leaf) and f.column == "id") for f in plan.fields
    )


@dataclass(eq=False)
class Alternatives(FieldPlan):
    """A union: the first set column of ``options`` picks the member and its plan.
    ``keyed``: every member's selection is its id alone (as ``Reference``)."""

    options: list[tuple[str, ObjectPlan]]
    non_null: bool
    keyed: bool = False

    def value(self, state: PlanState, obj: Any) -> Any:
        for column, target in self.options:
            key = getattr(obj, column)
            if key is not None:
                row = _row(state, target, key, self.keyed)
                if row is None:
                    break
                return state.build(target, row)
        if self.non_null:
            raise Unplannable("null in a non-null field")
        return None


@dataclass(eq=False)
class ListedRows(FieldPlan):
    link: Table
    flag: str | None
    target: ObjectPlan

    def value(self, state: PlanState, obj: Any) -> Any:
        if self.flag is not None and not getattr(obj, self.flag):
            return None
        return state.build_all(self.target, state.listed(self.link, obj.id))


@dataclass(eq=False)
class ChildRows(FieldPlan):
    relation: Relation
    target: ObjectPlan

    def value(self, state: PlanState, obj: Any) -> Any:
        return state.build_all(self.target, state.children_of(self.relation, obj.id))
