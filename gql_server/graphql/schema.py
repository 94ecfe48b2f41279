"""The Strawberry schema and the extensions it runs with."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from gql_server.graphql.context import Context
from gql_server.graphql.errors import MaskUnexpectedErrors, log_errors
from gql_server.graphql.limits import EnforceLimits, Limits
from gql_server.graphql.planner.executor import PlanningExecutor
from gql_server.graphql.query import Query
from gql_server.graphql.scalars import DATETIME_Z, UUID_SCALAR
from gql_server.graphql.subscription import Subscription


class CloseReader(SchemaExtension):
    """Ends the operation's read transaction once it is done, whatever happened; gives each
    subscription a context of its own (the operations of one WebSocket connection share the
    context it was given, and a subscription renews its snapshot between events)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        try:
            subscription = context.operation_type is OperationType.SUBSCRIPTION
        except RuntimeError:  # no such operation: execution reports it
            subscription = False
        if subscription and isinstance(context.context, Context):
            context.context = context.context.for_operation()
        yield

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()


class Schema(strawberry.Schema):
    """Strawberry's schema, logging errors our way (``errors.log_errors``): Strawberry's
    default logs every error at ERROR with its traceback, a client's typo included."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors, execution_context)


def build_schema(
    limits: Limits | None = None,
    *,
    planner: bool = True,
    metrics: bool = False,
    tracing: bool = False,
) -> strawberry.Schema:
    """The schema; ``planner=False`` leaves every field to graphql-core (the planner's
    tests compare the two); ``metrics`` counts live subscriptions; ``tracing`` adds
    Strawberry's OpenTelemetry extension (``gql_server.tracing``)."""
    limits = limits or Limits()
    extensions: list[Any] = [
        CloseReader,
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: EnforceLimits(limits=limits),
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    if metrics:
        from gql_server.http.metrics import CountSubscriptions

        extensions.append(CountSubscriptions)
    if tracing:
        from gql_server.tracing import schema_extensions

        extensions.extend(schema_extensions())
    return Schema(
        query=Query,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map={datetime: DATETIME_Z, uuid.UUID: UUID_SCALAR}),
        extensions=extensions,
        execution_context_class=PlanningExecutor if planner else None,
    )


def sdl() -> str:
    """The schema as SDL, exactly as ``schema.graphql`` must hold it."""
    return build_schema().as_str() + "\n"
