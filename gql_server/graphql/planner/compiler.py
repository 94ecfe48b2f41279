"""The plan compiler: a selection set on a row type, collected as graphql-core collects it,
made into an ``ObjectPlan`` (``plan.py``), or ``Unplannable``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

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

from gql_server.graphql.planner.plan import (
    MAX_INT,
    MIN_INT,
    Alternatives,
    ChildEdge,
    ChildRows,
    FieldPlan,
    Leaf,
    LinkEdge,
    ListedRows,
    LoadKey,
    ObjectPlan,
    RefEdge,
    Reference,
    Typename,
    Unplannable,
    edge_keys,
    key_only,
)
from gql_server.graphql.resolution import Children, Listed, Party, ToOne, declared
from gql_server.graphql.scalars import DATETIME_NAME, serialize_datetime
from gql_server.graphql.types._base import RowType
from gql_server.graphql.types.fields import referenced_row_type


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
    if named.name == DATETIME_NAME:
        return lambda v: serialize_datetime(v) if type(v) is datetime else general(v)
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
            column = None
            if resolver is None:
                column = sfield.python_name
                compute: Callable[[Any], Any] = _attribute(column)
            elif (
                not resolver.is_async
                and list(resolver.signature.parameters) == ["self"]
                and not resolver.arguments
            ):
                compute = resolver.wrapped_func
            else:
                raise Unplannable(key)
            return Leaf(key, compute, serializer(named), non_null, column)
        if isinstance(resolution, ToOne):
            target = self.object_plan(_object_type(named), details)
            if key_only(target):
                return Reference(key, resolution.column, target, non_null, keyed=True)
            plan.edges.append(RefEdge(resolution.column, target))
            return Reference(key, resolution.column, target, non_null)
        if isinstance(resolution, Party):
            options: list[tuple[str, ObjectPlan]] = []
            for column in resolution.columns:
                member = _referenced_type(self.schema, plan.table, column)
                options.append((column, self.object_plan(member, details)))
            if all(key_only(target) for _, target in options):
                return Alternatives(key, options, non_null, keyed=True)
            plan.edges.extend(RefEdge(column, target) for column, target in options)
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
