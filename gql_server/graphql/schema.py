"""The Strawberry schema and the extensions it runs with."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types.graphql import OperationType

from gql_server.graphql.context import Context
from gql_server.graphql.errors import MaskUnexpectedErrors
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

    async def on_stream_result(self, result: Any) -> AsyncIterator[None]:
        # A WebSocket result is resolved: end its snapshot (and give its database
        # connection back) before it is sent, so a client slow to read holds none.
        context = self.execution_context.context
        if isinstance(context, Context):
            await context.fresh_snapshot()
        yield

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()


def build_schema(limits: Limits | None = None, *, planner: bool = True) -> strawberry.Schema:
    """The schema; ``planner=False`` leaves every field to graphql-core (the planner's
    tests compare the two)."""
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
    return strawberry.Schema(
        query=Query,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map={datetime: DATETIME_Z, uuid.UUID: UUID_SCALAR}),
        extensions=extensions,
        execution_context_class=PlanningExecutor if planner else None,
    )


def sdl() -> str:
    """The schema as SDL, exactly as ``schema.graphql`` must hold it."""
    return build_schema().as_str() + "\n"
