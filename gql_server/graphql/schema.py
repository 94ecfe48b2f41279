"""The Strawberry schema and the extensions it runs with."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gql_server.graphql.compiled.run import CompiledStats
from gql_server.graphql.documents import DocumentCache
from gql_server.graphql.errors import log_errors
from gql_server.graphql.hooks import LiveCount, hooks
from gql_server.graphql.lanes import Lane
from gql_server.graphql.planner.cache import PlanCache
from gql_server.graphql.planner.executor import PlanningExecutor
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
    return schema


def sdl() -> str:
    """The schema as SDL, exactly as ``schema.graphql`` must hold it."""
    return build_schema().as_str() + "\n"
