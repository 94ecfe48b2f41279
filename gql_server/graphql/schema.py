"""The Strawberry schema and the extensions it runs with."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gql_server.graphql.compiled.direct import answer
from gql_server.graphql.compiled.run import CompiledStats
from gql_server.graphql.context import Context
from gql_server.graphql.cost import Measures
from gql_server.graphql.documents import DocumentCache
from gql_server.graphql.errors import log_errors
from gql_server.graphql.hooks import LiveCount, hooks
from gql_server.graphql.lanes import Lane
from gql_server.graphql.limits import operation_measures, refusals
from gql_server.graphql.planner.cache import PlanCache
from gql_server.graphql.planner.executor import CompiledMismatch, PlanningExecutor
from gql_server.graphql.query import Query
from gql_server.graphql.scalars import DATETIME_Z, UUID_SCALAR
from gql_server.graphql.subscription import Subscription
from gql_server.settings import Limits

MIB = 1024 * 1024


class GatewaySchema(strawberry.Schema):
    """The Strawberry schema with what its requests share: the limits, the document cache
    and the heavy lane (resolvers reach them as ``info.schema``); it logs errors our way
    (``errors.log_errors``): Strawberry's default logs every error at ERROR with its
    traceback, a client's typo included."""

    limits: Limits
    documents: DocumentCache
    lane: Lane
    compiled_stats: CompiledStats
    direct_check: bool = False  # compare each direct answer with the full way's (tests)

    async def direct(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        context: Context,
    ) -> dict[str, Any] | None:
        """The ``data`` of this request when the direct lane answers it
        (``compiled/direct.py``), else None: ``execute`` answers it. The lane keeps no
        result: a check (``compiled_check``) runs the full way after it and compares."""
        note = self.documents.direct(query, operation_name)
        if note is None:
            return None
        measures = context.measures
        if measures is None:
            document = self.documents.parsed(query, self.limits.max_tokens)
            if document is None:
                return None
            measures = operation_measures(
                self._schema,
                document,
                operation_name,
                variables or {},
                self.limits,
                self.documents,
                query,
            )
        data = await answer(
            note, self._schema, variables, context, measures, self._runs_here, self.direct_check
        )
        if data is not None:
            self.compiled_stats.direct += 1
            if self.direct_check:
                await self._check_direct(query, operation_name, variables, context, data)
        return data

    async def _check_direct(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        context: Context,
        data: dict[str, Any],
    ) -> None:
        """``compiled_check``: the full way's answer to the same request, in the same
        context (so it reads nothing the lane read), must be the same JSON."""
        result = await self.execute(
            query,
            variable_values=dict(variables) if variables is not None else None,
            operation_name=operation_name,
            context_value=context,
        )
        self.compiled_stats.checked += 1
        ours, theirs = json.dumps(data), json.dumps(result.data)
        if ours != theirs or result.errors:
            message = f"direct {ours[:2000]} != full {theirs[:2000]} {result.errors}"
            self.compiled_stats.mismatches.append(message)
            raise CompiledMismatch(message)

    def _runs_here(self, measures: Measures) -> bool:
        return measures.cost < self.limits.heavy_cost and not refusals(measures, self.limits)

    def keep_direct(self, query: str, operation_name: str | None, context: Context) -> None:
        """After a clean answer the full way: keep the direct lane's note, if the compiled
        executor made one, for the next requests of this document and operation."""
        if context.direct is not None:
            self.documents.keep_direct(query, operation_name, context.direct)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors, execution_context)


def build_schema(
    limits: Limits | None = None,
    *,
    planner: bool = True,
    compiled: bool = True,
    compiled_check: bool = False,
    document_cache_bytes: int = 32 * MIB,
    plan_cache_bytes: int = 32 * MIB,
    live_subscriptions: LiveCount | None = None,
    tracing: bool = False,
) -> GatewaySchema:
    """The schema, with the caches and the heavy lane its requests share (one set per
    schema, so per app); ``planner=False`` leaves every field to graphql-core (the
    planner's tests compare the two); ``compiled`` lets the compiled executor answer the
    planned queries it covers (``graphql/compiled/``), ``compiled_check`` compares each of its
    answers with graphql-core's (tests); ``live_subscriptions`` (a gauge the app passes when
    metrics are on) counts live subscriptions; ``tracing``
    adds Strawberry's OpenTelemetry extension (``gql_server.tracing``)."""
    limits = limits or Limits()
    documents = DocumentCache(document_cache_bytes, max_entry_bytes=document_cache_bytes // 4)
    lane = Lane(limits.heavy_concurrency)
    # One extension for the reader's end, error masking, the document cache, the limits and
    # the live subscriptions' count (graphql/hooks.py: Strawberry's per-extension cost is
    # paid once).
    extensions: list[Any] = [hooks(documents, limits, lane, live_subscriptions)]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    if tracing:
        from gql_server.tracing import schema_extensions

        extensions.extend(schema_extensions())
    executor: type[PlanningExecutor] | None = None
    if planner:
        # A class per schema: its plans are this schema's, within their budget.
        executor = cast(
            "type[PlanningExecutor]",
            type(
                "PlanningExecutor",
                (PlanningExecutor,),
                {
                    "plans": PlanCache(plan_cache_bytes),
                    "compiled": compiled,
                    "check": compiled_check,
                    # Tracing wants its spans per operation: every request the full way.
                    "direct": compiled and not tracing,
                    "stats": CompiledStats(),
                },
            ),
        )
    schema = GatewaySchema(
        query=Query,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map={datetime: DATETIME_Z, uuid.UUID: UUID_SCALAR}),
        extensions=extensions,
        execution_context_class=executor,
    )
    schema.limits = limits
    schema.documents = documents
    schema.lane = lane
    schema.compiled_stats = executor.stats if executor is not None else CompiledStats()
    schema.direct_check = compiled_check
    return schema


def sdl() -> str:
    """The schema as SDL, exactly as ``schema.graphql`` must hold it."""
    return build_schema().as_str() + "\n"
