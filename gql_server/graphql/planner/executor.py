"""The execution context Strawberry runs with: graphql-core's, except that a value of a row
type (or a list of them) whose whole selection the planner understands is completed by the
planner in one go, instead of field by field.

graphql-core still parses, validates, coerces variables and calls the root resolvers (and
every resolver the planner does not understand); the planner takes over below them. If it
meets something it cannot answer exactly as graphql-core would (a null in a non-null field,
a value a scalar refuses), that part is completed by graphql-core after all, so errors and
their paths are graphql-core's own.
"""

from __future__ import annotations

import contextlib
import json
import logging
from typing import Any

from graphql import (
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import get_argument_values
from graphql.language import OperationType
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gql_server.graphql.compiled.direct import prepare
from gql_server.graphql.compiled.run import CompiledStats, Memo, Runner
from gql_server.graphql.context import Context
from gql_server.graphql.planner.cache import PlanCache, operation_bytes
from gql_server.graphql.planner.compiler import Compiler, row_class, runtime_type
from gql_server.graphql.planner.plan import ObjectPlan, Unplannable
from gql_server.graphql.planner.point import PointRead
from gql_server.graphql.planner.roots import page_chain
from gql_server.graphql.planner.state import PlanState, planning
from gql_server.graphql.types._base import RowType

log = logging.getLogger(__name__)


class CompiledMismatch(AssertionError):
    """``GQL_COMPILED_CHECK``: the compiled executor's answer differs from graphql-core's."""


class PlanningExecutor(StrawberryGraphQLCoreExecutionContext):
    """Subclassed once per schema with its own ``plans`` (graphql/schema.py), and whether
    the compiled executor (``graphql/compiled/``) answers the queries it covers
    (``compiled``), checked against graphql-core's answer (``check``)."""

    plans: PlanCache
    compiled: bool = False
    check: bool = False
    direct: bool = False  # notes the operations the direct lane can answer (compiled/direct.py)
    stats: CompiledStats = CompiledStats()
    _compiler: Compiler | None = None
    _replay: Memo | None = None

    # The compiled executor.

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        new_defer_usages: Any,
    ) -> Any:
        if (
            self.compiled
            and not serially
            and not new_defer_usages
            and self.operation.operation is OperationType.QUERY
            and isinstance(self.context_value, Context)
            and not any(
                name.startswith("__") and name != "__typename"
                for name in (d[0].node.name.value for d in grouped_field_set.values())
            )
        ):
            return self._compiled(root_type, root_value, grouped_field_set, new_defer_usages)
        return super().execute_collected_root_fields(
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )

    async def _compiled(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        new_defer_usages: Any,
    ) -> Any:
        memo: Memo | None = {} if self.check else None
        try:
            data = await Runner(self, memo).root(root_type, root_value, grouped_field_set)
        except Exception as exc:  # Fallback, or any error: graphql-core answers and reports
            self.stats.fallbacks += 1
            log.debug("compiled execution falls back: %r", exc)
            return await self._reference(root_type, root_value, grouped_field_set, None)
        self.stats.compiled += 1
        if memo is not None:
            await self._check(data, root_type, root_value, grouped_field_set, memo)
        if self.direct and len(grouped_field_set) == 1:
            # The direct lane can answer this operation from now on (the view keeps it).
            self.context_value.direct = prepare(self, root_type, grouped_field_set)
        return data

    async def _reference(
        self, root_type: GraphQLObjectType, root_value: Any, grouped: Any, memo: Memo | None
    ) -> Any:
        self._replay = memo
        try:
            result = super().execute_collected_root_fields(
                root_type, root_value, grouped, False, []
            )
            if self.is_awaitable(result):
                result = await result
            return result
        finally:
            self._replay = None

    async def _check(
        self, data: Any, root_type: GraphQLObjectType, root_value: Any, grouped: Any, memo: Memo
    ) -> None:
        """graphql-core's answer from the same resolver results (replayed: nothing is read
        twice, so statement counts stay those of the compiled run) must be the same JSON."""
        reference = await self._reference(root_type, root_value, grouped, memo)
        self.stats.checked += 1
        ours, theirs = json.dumps(data), json.dumps(reference)
        errors = self.collected_errors.errors
        if ours != theirs or errors:
            message = f"compiled {ours[:2000]} != graphql-core {theirs[:2000]} {errors}"
            self.stats.mismatches.append(message)
            raise CompiledMismatch(message)

    def _cache_key(
        self, gtype: GraphQLObjectType, field_details_list: Any
    ) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """These fields' nodes, and what a plan cache entry for them on ``gtype`` is keyed
        by: the schema, the type, the nodes (the document's own objects) and the values of
        the variables ``@skip``/``@include`` read."""
        switches = self.plans.switches(self.operation, self.fragments)
        coerced = self.variable_values.coerced
        nodes = tuple(details.node for details in field_details_list)
        return nodes, (
            id(self.schema),
            gtype.name,
            tuple(map(id, nodes)),
            tuple(coerced.get(name) for name in switches),
        )

    def _subfields(self, gtype: GraphQLObjectType, field_details_list: Any) -> Any:
        """The grouped sub-fields of ``gtype`` under these fields, collected once per
        document and ``@skip``/``@include`` values (kept in the plan cache)."""
        nodes, key = self._cache_key(gtype, field_details_list)
        key = ("fields", *key)
        hit = self.plans.get(key)
        if hit is not None:
            return hit[1]
        grouped = self.collect_subfields(gtype, field_details_list).grouped_field_set
        self.plans.put(key, (self.schema, nodes), grouped, operation_bytes(self.operation))  # type: ignore[arg-type]
        return grouped

    # graphql-core's execution, with the planner.

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        if self._replay is not None:
            replayed = self._replay.get(tuple(path.as_list()), self._replay)
            if replayed is not self._replay:
                return self._complete_replayed(
                    parent_type, replayed, field_details_list, path, position_context
                )
        if path.prev is None and parent_type is self.schema.query_type:
            point = self._point(parent_type, field_details_list)
            if point is not None:
                return self._execute_point(
                    point, parent_type, source, field_details_list, path, position_context
                )
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _point(
        self, parent_type: GraphQLObjectType, field_details_list: Any
    ) -> tuple[ObjectPlan, int] | None:
        """(plan, id) for a root field that reads one row by its ``id`` argument alone
        (``dockingEvent(id:)``, ``spaceStation(id:)``, ...) under a planned selection."""
        if not isinstance(self.context_value, Context):
            return None
        # Both backends: one statement of joins instead of one per table (on SQLite, five
        # reads by id through pysqlite cost as much CPU as the one statement, measured in
        # process at 10,000 events: 1922 -> 1903 us CPU a W3 request, median of 40 rounds).
        if len(self.operation.selection_set.selections) != 1:
            return None  # several root fields: their loads batch together, breadth-first
        node = field_details_list[0].node
        field_def = parent_type.fields.get(node.name.value)
        if field_def is None or list(field_def.args) != ["id"]:
            return None
        named = field_def.type
        if not isinstance(named, GraphQLObjectType):  # nullable, an object type
            return None
        if get_named_type(field_def.args["id"].type) is not GraphQLInt:
            return None
        try:
            cls = row_class(named)
            args = get_argument_values(
                field_def,
                node,
                self.variable_values,
                field_details_list[0].fragment_variable_values,
            )
            plan = self._plan(named, field_details_list)
        except Exception:  # not a row type, bad arguments (graphql-core reports those)...
            return None
        key = args.get("id")
        if plan is None or plan.cls is not cls or not isinstance(key, int):
            return None
        return plan, key

    def _complete_replayed(
        self,
        parent_type: GraphQLObjectType,
        result: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's completion of a resolver result the compiled run recorded."""
        field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        assert field_def is not None
        info = self.build_resolve_info(
            field_def, [d.node for d in field_details_list], parent_type, path
        )
        return self.complete_value(
            field_def.type, field_details_list, info, path, result, position_context
        )

    def _page_chain(
        self, parent_type: GraphQLObjectType, field_details_list: Any
    ) -> tuple[ObjectPlan, PointRead] | None:
        return page_chain(self, parent_type, field_details_list)

    async def _prefetch_point(self, point: tuple[ObjectPlan, int]) -> None:
        plan, key = point
        with contextlib.suppress(Exception):
            # A failed read is read again, and reported, by the field's own resolver.
            await self._state().prefetch_point(plan, key)

    async def _execute_point(
        self,
        point: tuple[ObjectPlan, int],
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        await self._prefetch_point(point)
        result = super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
        if self.is_awaitable(result):
            return await result
        return result

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if result is not None and isinstance(self.context_value, Context):
            try:
                shape = self._shape(return_type, field_details_list, result)
            except Unplannable:
                shape = None
            if shape is not None:
                return self._complete_planned(
                    shape, return_type, field_details_list, info, path, result, position_context
                )
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _shape(
        self, return_type: GraphQLOutputType, field_details_list: Any, result: Any
    ) -> tuple[bool, list[tuple[ObjectPlan, RowType | None]]] | None:
        """(is a list, each item's plan and object), or None when the planner is not for
        this value; Unplannable when its selection is not."""
        outer: Any = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        is_list = isinstance(outer, GraphQLList)
        item_type: Any = outer.of_type if is_list else outer
        item_non_null = isinstance(item_type, GraphQLNonNull)
        named = get_named_type(item_type)
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        if isinstance(item_type, GraphQLList):
            return None
        if not (isinstance(named, GraphQLObjectType) or is_abstract_type(named)):
            return None
        items = list(result) if is_list else [result]
        planned: list[tuple[ObjectPlan, RowType | None]] = []
        for obj in items:
            if obj is None:
                if item_non_null:
                    return None
                planned.append((None, None))  # type: ignore[arg-type]
                continue
            if not isinstance(obj, RowType):
                return None
            runtime = (
                named
                if isinstance(named, GraphQLObjectType)
                else runtime_type(self.schema, named, obj)
            )
            if runtime is None:
                return None
            plan = self._plan(runtime, field_details_list)
            if plan is None:
                return None
            planned.append((plan, obj))
        return is_list, planned

    def _plan(self, gtype: GraphQLObjectType, field_details_list: Any) -> ObjectPlan | None:
        """The plan for these fields on ``gtype``, compiled on first use in the process."""
        nodes, key = self._cache_key(gtype, field_details_list)
        hit = self.plans.get(key)
        if hit is not None:
            return hit[1]
        if self._compiler is None:
            self._compiler = Compiler(self.schema, self.collect_subfields)
        try:
            plan: ObjectPlan | None = self._compiler.object_plan(gtype, field_details_list)
        except Unplannable:
            plan = None
        self.plans.put(key, (self.schema, nodes), plan, operation_bytes(self.operation))
        return plan

    def _state(self) -> PlanState:
        return planning(self.context_value)

    async def _complete_planned(
        self,
        shape: tuple[bool, list[tuple[ObjectPlan, RowType | None]]],
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        try:
            return await self._load_and_build(shape)
        except Unplannable:
            completed = super().complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return await completed
            return completed

    async def _load_and_build(
        self, shape: tuple[bool, list[tuple[ObjectPlan, RowType | None]]]
    ) -> Any:
        """The planned value: loaded, then built (Unplannable: it cannot be built)."""
        is_list, planned = shape
        state = self._state()
        by_plan: dict[int, tuple[ObjectPlan, list[RowType]]] = {}
        for plan, obj in planned:
            if obj is not None:
                by_plan.setdefault(id(plan), (plan, []))[1].append(obj)
        await state.load(list(by_plan.values()))
        built = [None if obj is None else state.build(plan, obj) for plan, obj in planned]
        return built if is_list else built[0]
