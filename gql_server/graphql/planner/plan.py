"""Plans: a selection set on a row type compiled into what each response key holds and
which relations must be loaded below it (once per document: ``cache.py`` keeps them).

A plan is made only when every field under it is a column, a pure function of the row, or a
relation declared with ``gql_server.graphql.resolution`` (no arguments, no ``@defer``).
Anything else raises ``Unplannable`` and graphql-core resolves that part field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from sqlalchemy import Table

from gql_server.graphql.resolution import Children, Listed, Party, ToOne, declared
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.fields import referenced_row_type
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

    def value(self, state: PlanState, obj: Any) -> Any:
        raw = self.compute(obj)
        if raw is None:
            if self.non_null:
                raise Unplannable("null in a non-null field")
            return None
        return self.serialize(raw)


@dataclass(eq=False)
class Reference(FieldPlan):
    column: str
    target: ObjectPlan
    non_null: bool

    def value(self, state: PlanState, obj: Any) -> Any:
        row = state.referenced(self.target, getattr(obj, self.column))
        if row is None:
            if self.non_null:
                raise Unplannable("null in a non-null field")
            return None
        return state.build(self.target, row)


@dataclass(eq=False)
class Alternatives(FieldPlan):
    """A union: the first set column of ``options`` picks the member and its plan."""

    options: list[tuple[str, ObjectPlan]]
    non_null: bool

    def value(self, state: PlanState, obj: Any) -> Any:
        for column, target in self.options:
            key = getattr(obj, column)
            if key is not None:
                row = state.referenced(target, key)
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


def serializer(named: GraphQLLeafType) -> Callable[[Any], Any]:
    """The scalar's output coercion, with the common exact types passed through."""
    coerce = named.coerce_output_value

    def general(value: Any) -> Any:
        try:
            out = coerce(value)
        except Exception as exc:  # graphql-core reports it as a field error, with its path
            raise Unplannable("a value its scalar refuses") from exc
        if out is None or out is Undefined:
            raise Unplannable("a value its scalar cannot serialize")
        return out

    if named is GraphQLString:
        return lambda v: v if type(v) is str else general(v)
    if named is GraphQLInt:
        return lambda v: v if type(v) is int and MIN_INT <= v <= MAX_INT else general(v)
    if named is GraphQLBoolean:
        return lambda v: v if type(v) is bool else general(v)
    if named is GraphQLFloat:
        return lambda v: v if type(v) is float and v == v and abs(v) != float("inf") else general(v)
    if named is GraphQLID:
        return lambda v: v if type(v) is str else general(v)
    return general


def row_class(gtype: GraphQLObjectType) -> type[RowType]:
    definition = gtype.extensions.get("strawberry-definition")
    cls = getattr(definition, "origin", None)
    if not (isinstance(cls, type) and issubclass(cls, RowType) and "_table" in cls.__dict__):
        raise Unplannable(f"{gtype.name} is not a row type")
    return cls


CollectSubfields = Callable[[GraphQLObjectType, Any], Any]


class Compiler:
    """Compiles selection sets into plans for one request (the executor's own field
    collection: fragments, ``@skip``/``@include`` and variables as graphql-core reads
    them), memoized on the field group like graphql-core's own."""

    def __init__(self, schema: Any, collect_subfields: CollectSubfields) -> None:
        self.schema = schema
        self.collect = collect_subfields
        self.plans: dict[tuple[str, int], ObjectPlan] = {}
        self.refused: set[tuple[str, int]] = set()

    def object_plan(self, gtype: GraphQLObjectType, field_group: Any) -> ObjectPlan:
        memo: tuple[str, int] = (gtype.name, id(field_group))
        plan = self.plans.get(memo)
        if plan is not None:
            return plan
        if memo in self.refused:
            raise Unplannable(gtype.name)
        try:
            plan = self._compile(gtype, field_group)
        except Unplannable:
            self.refused.add(memo)
            raise
        self.plans[memo] = plan
        return plan

    def _compile(self, gtype: GraphQLObjectType, field_group: Any) -> ObjectPlan:
        cls = row_class(gtype)
        grouped, defer_usages, *_ = self.collect(gtype, field_group)
        if defer_usages:
            raise Unplannable("@defer")
        plan = ObjectPlan(gtype.name, cls, cls._table)
        for key, details in grouped.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                plan.fields.append(Typename(key, gtype.name))
                continue
            gfield = gtype.fields.get(name)
            if gfield is None or gfield.args or node.arguments:
                raise Unplannable(f"{gtype.name}.{name} takes arguments")
            plan.fields.append(self._field(plan, key, gfield, details))
        reach: frozenset[LoadKey] = frozenset()
        for edge in plan.edges:
            reach |= edge_keys(edge)
        plan.reach = reach
        return plan

    def _field(self, plan: ObjectPlan, key: str, gfield: Any, details: Any) -> FieldPlan:
        sfield = gfield.extensions.get("strawberry-definition")
        if sfield is None or sfield.extensions or sfield.permission_classes:
            raise Unplannable(key)
        gtype: GraphQLOutputType = gfield.type
        non_null = isinstance(gtype, GraphQLNonNull)
        inner = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
        named = get_named_type(gtype)
        resolver = sfield.base_resolver
        resolution = declared(sfield)
        if resolution is None:
            if not is_leaf_type(named) or isinstance(inner, GraphQLList):
                raise Unplannable(key)
            if resolver is None:
                compute: Callable[[Any], Any] = _attribute(sfield.python_name)
            elif (
                not resolver.is_async
                and list(resolver.signature.parameters) == ["self"]
                and not resolver.arguments
            ):
                compute = resolver.wrapped_func
            else:
                raise Unplannable(key)
            return Leaf(key, compute, serializer(named), non_null)
        if isinstance(resolution, ToOne):
            target = self.object_plan(_object_type(named), details)
            plan.edges.append(RefEdge(resolution.column, target))
            return Reference(key, resolution.column, target, non_null)
        if isinstance(resolution, Party):
            options: list[tuple[str, ObjectPlan]] = []
            for column in resolution.columns:
                member = _referenced_type(self.schema, plan.table, column)
                target = self.object_plan(member, details)
                plan.edges.append(RefEdge(column, target))
                options.append((column, target))
            return Alternatives(key, options, non_null)
        if isinstance(resolution, Listed):
            target = self.object_plan(_object_type(named), details)
            plan.edges.append(LinkEdge(resolution.link, resolution.flag, target))
            return ListedRows(key, resolution.link, resolution.flag, target)
        if isinstance(resolution, Children):
            target = self.object_plan(_object_type(named), details)
            plan.edges.append(ChildEdge(resolution.relation, target))
            return ChildRows(key, resolution.relation, target)
        raise Unplannable(key)


def runtime_type(schema: Any, abstract: Any, obj: Any) -> GraphQLObjectType | None:
    """The object type of ``obj`` in a union or interface position, if it is one of its."""
    definition = getattr(type(obj), "__strawberry_definition__", None)
    gtype = schema.get_type(definition.name) if definition else None
    if isinstance(gtype, GraphQLObjectType) and schema.is_sub_type(abstract, gtype):
        return gtype
    return None


def _object_type(named: Any) -> GraphQLObjectType:
    if not isinstance(named, GraphQLObjectType):
        raise Unplannable(f"{named} is not an object type")
    return named


def _attribute(name: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, name)


def _referenced_type(schema: Any, table: Table, column: str) -> GraphQLObjectType:
    cls = referenced_row_type(table, column)
    gtype = schema.get_type(cls.__strawberry_definition__.name)  # type: ignore[attr-defined]
    assert isinstance(gtype, GraphQLObjectType)
    return gtype
