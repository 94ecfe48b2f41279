"""The direct lane: a query that is one by-id root field over a planned selection of to-one
rows (``dockingEvent(id: $id) { ... }``, the point lookup frontends send most), answered
without Strawberry's or graphql-core's executor.

The first time such an operation runs, it runs the full way (Strawberry's extensions, the
limits, the compiled executor); the executor then notes what the lane needs (``prepare``):
the operation, its root field and the planner's plan. The HTTP view keeps the note with the
document in the document cache (``DocumentCache.keep_direct``). The next requests for that
document and operation take the lane (``answer``): graphql-core coerces the variables and
the ``id`` argument, the limits are checked from the document's kept measures, one
statement reads the chain of rows (``planner/point.py``) and the planner builds the answer,
the same objects the compiled executor would build (tests compare the bytes).

Whatever is unusual makes ``answer`` return None and the request runs the full way, which
reports it: variables that do not coerce, an operation over a limit or heavy, a failed
read, a value the planner cannot build (a null in a non-null field). The rows the lane read
stay in the request's row store, so the full way does not read them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    FieldNode,
    GraphQLField,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLSchema,
    IntValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    get_nullable_type,
)
from graphql.execution.values import get_argument_values, get_variable_values

from gql_server.graphql.compiled.point_code import Build, point_code
from gql_server.graphql.context import Context
from gql_server.graphql.cost import Measures
from gql_server.graphql.planner.plan import ObjectPlan, Unplannable
from gql_server.graphql.planner.point import point_read
from gql_server.graphql.planner.state import planning

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Direct:
    """What the lane needs of one operation: its root field and the plan of its selection
    (the plan does not depend on variables: the operation has no ``@skip``/``@include``
    that reads one)."""

    operation: OperationDefinitionNode
    key: str  # the root field's response key (its alias, or its name)
    field_def: GraphQLField
    node: FieldNode
    plan: ObjectPlan
    # When every variable is an ``Int`` without a default and ``id``, an ``Int``, is the
    # one argument: the variables (``quick_id`` reads them by sight).
    ints: tuple[str, ...] | None = None
    id_value: str | int | None = None  # the variable ``id`` names, or its literal
    # The plan's value from the read's row, made once (``point_code``); None: the planner
    # builds it. What it takes in memory, about, for the document cache's accounting.
    code: Build | None = None
    code_bytes: int = 0


class Host(Protocol):
    """What ``prepare`` reads of the planning executor (``planner/executor.py``), which
    imports this module."""

    operation: OperationDefinitionNode
    fragments: Any
    plans: Any

    def _point(self, parent_type: Any, field_details_list: Any) -> Any: ...


def prepare(
    ex: Host, root_type: GraphQLObjectType, grouped_field_set: Mapping[str, Any]
) -> Direct | None:
    """The note for an operation the compiled executor ``ex`` answered, or None when the
    lane is not for it: not a query, several root selections or one under a directive, an
    ``@skip``/``@include`` that reads a variable, a root field that is not a point lookup
    (the executor's ``_point``) or a selection the one-statement read does not cover."""
    operation = ex.operation
    if operation.operation is not OperationType.QUERY or len(grouped_field_set) != 1:
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    node = selections[0]
    if node.directives or any(d.directives for d in operation.variable_definitions or ()):
        return None
    if ex.plans.switches(operation, ex.fragments):
        return None
    if not any(a.name.value == "id" for a in node.arguments or ()):
        return None
    field_def = root_type.fields.get(node.name.value)
    point = ex._point(root_type, next(iter(grouped_field_set.values())))
    read = None if point is None else point_read(point[0])
    if field_def is None or point is None or read is None:
        return None
    key = node.alias.value if node.alias else node.name.value
    quick = _int_variables(operation, node, field_def)
    code = point_code(point[0], read)
    return Direct(operation, key, field_def, node, point[0], *quick, *(code or (None, 0)))


def _int_variables(
    operation: OperationDefinitionNode, node: FieldNode, field_def: GraphQLField
) -> tuple[tuple[str, ...] | None, str | int | None]:
    """``Direct.ints`` and ``Direct.id_value`` for ``quick_id``, or (None, None): the
    argument must be an ``Int`` (an ``ID`` takes an integer literal, and makes it a string)."""
    argument = field_def.args.get("id")
    if argument is None or get_nullable_type(argument.type) is not GraphQLInt:
        return None, None
    names = []
    for definition in operation.variable_definitions or ():
        kind = definition.type
        if isinstance(kind, NonNullTypeNode):
            kind = kind.type
        if not isinstance(kind, NamedTypeNode) or kind.name.value != "Int":
            return None, None
        if definition.default_value is not None:
            return None, None
        names.append(definition.variable.name.value)
    arguments = node.arguments or ()
    if len(arguments) != 1 or arguments[0].name.value != "id":
        return None, None
    value = arguments[0].value
    if isinstance(value, VariableNode):
        return tuple(names), value.name.value
    if isinstance(value, IntValueNode) and _is_int32(int(value.value)):
        return tuple(names), int(value.value)
    return None, None


def _is_int32(value: Any) -> bool:
    return type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT


def quick_id(direct: Direct, variables: Mapping[str, Any] | None) -> int | None:
    """The ``id`` argument, when the variables coerce by sight: each of the operation's
    ``Int`` variables is given a 32-bit integer (not a bool), which graphql-core's
    coercion returns unchanged. None: anything else, left to graphql-core (a null, a
    float, a missing or out-of-range value, another type of variable)."""
    if direct.ints is None:
        return None
    variables = variables or {}
    for name in direct.ints:
        if not _is_int32(variables.get(name)):
            return None
    found = direct.id_value
    if isinstance(found, str):
        return variables[found]
    return found


async def answer(
    direct: Direct,
    schema: GraphQLSchema,
    variables: Mapping[str, Any] | None,
    context: Context,
    measures: Measures | None,
    within_limits: Callable[[Measures], bool],
    keep: bool = False,
) -> dict[str, Any] | None:
    """The response body's ``data`` for this request, or None: the full way answers it.
    ``measures`` are the operation's (for these variables); ``within_limits(measures)``
    says whether it may run here (under every limit, not heavy). The note's code builds
    the answer from the row read (the planner, when it has none); the rows go into the
    request's row store when the planner builds, when the answer falls back, or when
    ``keep`` asks (a check then runs the full way in the same context)."""
    if measures is None or not within_limits(measures):
        return None
    key = quick_id(direct, variables)
    if key is None:
        coerced = get_variable_values(
            schema, direct.operation.variable_definitions or (), dict(variables or {})
        )
        if isinstance(coerced, list):  # errors: the full way reports them
            return None
        try:
            key = get_argument_values(direct.field_def, direct.node, coerced).get("id")
        except Exception:  # a bad argument: the full way reports it
            return None
    if not isinstance(key, int) or isinstance(key, bool):
        return None
    state = planning(context)
    plan = direct.plan
    try:
        if direct.code is not None:
            found = await state.read_point(plan, key)
            if found is None:
                return None
            read, rows = found
            if keep:
                state.keep_point(plan, key, read, rows)
            try:
                return {direct.key: direct.code(rows[0]) if rows else None}
            except Unplannable:
                if not keep:
                    state.keep_point(plan, key, read, rows)  # the full way reads none again
                return None
        if not await state.prefetch_point(plan, key):
            return None
        obj = context.store.rows[plan.table.name].get(key)
        value = None if obj is None else state.build(plan, obj)
    except Unplannable:
        return None
    except TimeoutError:  # the request's deadline (``Reader.within``): the view answers it
        raise
    except Exception:  # a failed read: the full way reads again and reports it
        log.debug("the direct lane falls back", exc_info=True)
        return None
    return {direct.key: value}
