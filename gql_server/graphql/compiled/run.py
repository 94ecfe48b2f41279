"""The compiled executor: a query's root fields, answered without graphql-core's executor.

graphql-core has parsed, validated and coerced the request and collected its root fields
(Strawberry's extensions, the limits and the deadline run around this exactly as before).
From there this walks the selection itself: it calls each field's resolver (Strawberry's
wrapped resolver, so argument conversion and resolver-level extensions are unchanged), hands
every row-typed value to the planner (which loads and builds its whole subtree, as it does
under graphql-core), and completes the rest (pages, leaves, ``__typename``) directly, with the
selections of each object type collected once per document and kept in the plan cache.

It covers the ordinary case only. Anything unusual raises ``Fallback`` (a null in a non-null
field, a resolver error, a value a scalar refuses, an abstract type the planner does not
answer, introspection): the executor then answers the whole request through graphql-core,
so errors, their messages and their paths are graphql-core's own.
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from gql_server.graphql.planner.plan import Unplannable


class Host(Protocol):
    """What a run uses of the planning executor (``planner/executor.py``, graphql-core's
    execution context plus the planner's hooks). A protocol, so that this package does not
    import the executor, which imports it."""

    variable_values: dict[str, Any]
    field_resolver: Any

    def is_awaitable(self, value: Any) -> bool: ...
    def build_resolve_info(
        self, field_def: Any, field_nodes: Any, parent_type: Any, path: Any
    ) -> Any: ...
    def _subfields(self, gtype: Any, field_details_list: Any) -> Any: ...
    def _point(self, parent_type: Any, field_details_list: Any) -> Any: ...
    def _page_chain(self, parent_type: Any, field_details_list: Any) -> Any: ...
    async def _prefetch_point(self, point: Any) -> None: ...
    def _shape(self, return_type: Any, field_details_list: Any, result: Any) -> Any: ...
    async def _load_and_build(self, shape: Any) -> Any: ...


# What a resolver returned, by response path: recorded by the compiled run so that the
# check run (``GQL_COMPILED_CHECK``) replays it instead of reading again.
Memo = dict[tuple[str | int, ...], Any]


class Fallback(Exception):
    """The compiled executor does not answer this request; graphql-core does."""


@dataclass
class CompiledStats:
    """Counts per schema, for tests and the metrics: requests the compiled executor
    answered, those the direct lane answered, requests it handed to graphql-core, and
    checks made / failed."""

    compiled: int = 0
    direct: int = 0  # answered by the direct lane (compiled/direct.py)
    fallbacks: int = 0
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)


def to_nodes(details: Any) -> list[Any]:
    return [d.node for d in details]


class Runner:
    """One request's compiled run over the executor ``ex`` (its variables, context, plan
    cache and planner state)."""

    def __init__(self, ex: Host, memo: Memo | None) -> None:
        self.ex = ex
        self.memo = memo

    async def root(
        self, root_type: GraphQLObjectType, root_value: Any, fields: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.object(root_type, root_value, fields, None, root=True)

    async def object(
        self,
        gtype: GraphQLObjectType,
        source: Any,
        fields: dict[str, Any],
        path: Path | None,
        *,
        root: bool = False,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        waiting: list[str] = []
        is_awaitable = self.ex.is_awaitable
        for key, details in fields.items():
            name = details[0].node.name.value
            if name == "__typename":
                out[key] = gtype.name
                continue
            field_def = gtype.fields.get(name)
            if field_def is None:
                raise Fallback(f"{gtype.name}.{name} is not an ordinary field")
            value = self.field(
                gtype, source, key, field_def, details, Path(path, key, gtype.name), root
            )
            out[key] = value
            if is_awaitable(value):
                waiting.append(key)
        if len(waiting) == 1:
            out[waiting[0]] = await out[waiting[0]]
        elif waiting:
            # Siblings run together, as under graphql-core, so that what they load in the
            # same turn of the event loop is batched; every one is waited for (none is left
            # running when the request falls back).
            tasks = [asyncio.ensure_future(out[key]) for key in waiting]
            results = await asyncio.gather(*tasks, return_exceptions=True)
            for key, result in zip(waiting, results, strict=True):
                if isinstance(result, BaseException):
                    raise result
                out[key] = result
        return out

    def field(
        self,
        gtype: GraphQLObjectType,
        source: Any,
        key: str,
        field_def: Any,
        details: Any,
        path: Path,
        root: bool,
    ) -> Any:
        ex = self.ex
        info = ex.build_resolve_info(field_def, to_nodes(details), gtype, path)
        node = details[0].node
        args = (
            get_argument_values(
                field_def, node, ex.variable_values, details[0].fragment_variable_values
            )
            if field_def.args or node.arguments
            else {}
        )
        resolve = field_def.resolve or ex.field_resolver
        if root:
            return self._root_field(gtype, source, field_def, details, info, path, resolve, args)
        result = resolve(source, info, **args)
        if ex.is_awaitable(result):
            return self._awaited(field_def.type, details, info, path, result, True)
        if self.memo is not None and field_def.resolve is not None and _has_selection(node):
            self.memo[tuple(path.as_list())] = result
        return self.complete(field_def.type, details, info, path, result)

    async def _root_field(
        self,
        gtype: GraphQLObjectType,
        source: Any,
        field_def: Any,
        details: Any,
        info: GraphQLResolveInfo,
        path: Path,
        resolve: Any,
        args: dict[str, Any],
    ) -> Any:
        point = self.ex._point(gtype, details)
        if point is not None:
            await self.ex._prefetch_point(point)
        else:
            info.context.page_chain = self.ex._page_chain(gtype, details)
        result = resolve(source, info, **args)
        return await self._awaited(field_def.type, details, info, path, result, True)

    async def _awaited(
        self,
        return_type: GraphQLOutputType,
        details: Any,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        resolved: bool,
    ) -> Any:
        if self.ex.is_awaitable(result):
            result = await result
        if resolved and self.memo is not None:
            self.memo[tuple(path.as_list())] = result
        completed = self.complete(return_type, details, info, path, result)
        if self.ex.is_awaitable(completed):
            return await completed
        return completed

    def complete(
        self,
        return_type: GraphQLOutputType,
        details: Any,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        if isinstance(result, Exception):
            raise Fallback("a resolver returned an error")
        if result is None:
            if isinstance(return_type, GraphQLNonNull):
                raise Fallback("a null in a non-null field")
            return None
        inner: Any = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if isinstance(inner, GraphQLLeafType):
            coerced = inner.coerce_output_value(result)
            if coerced is Undefined or coerced is None:
                raise Fallback("a value the scalar refuses")
            return coerced
        ex = self.ex
        try:
            shape = ex._shape(return_type, details, result)
        except Unplannable as exc:
            raise Fallback("the planner does not answer this selection") from exc
        if shape is not None:
            return self._planned(shape)
        if isinstance(inner, GraphQLList):
            return self._list(inner.of_type, details, info, path, result)
        if not isinstance(inner, GraphQLObjectType):
            raise Fallback("an abstract type the planner does not answer")
        if inner.is_type_of is not None:
            ok = inner.is_type_of(result, info)
            if self.ex.is_awaitable(ok) or not ok:
                raise Fallback("is_type_of")
        return self.object(inner, result, ex._subfields(inner, details), path)

    def _list(
        self,
        item_type: GraphQLOutputType,
        details: Any,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        if isinstance(result, str | bytes) or not hasattr(result, "__iter__"):
            raise Fallback("not a list")
        items = [
            self.complete(item_type, details, info, Path(path, index, None), item)
            for index, item in enumerate(result)
        ]
        if any(map(self.ex.is_awaitable, items)):
            return self._gather_items(items)
        return items

    @staticmethod
    async def _gather_items(items: list[Any]) -> list[Any]:
        futures = [asyncio.ensure_future(i) if inspect.isawaitable(i) else None for i in items]
        await asyncio.gather(*(f for f in futures if f is not None), return_exceptions=True)
        out = []
        for item, future in zip(items, futures, strict=True):
            out.append(item if future is None else future.result())
        return out

    async def _planned(self, shape: Any) -> Any:
        try:
            return await self.ex._load_and_build(shape)
        except Unplannable as exc:
            raise Fallback("the planner met a value it cannot build") from exc


def _has_selection(node: Any) -> bool:
    return node.selection_set is not None
