"""The Strawberry schema and the extensions it runs with."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
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

from gql_server.graphql.context import Context
from gql_server.graphql.errors import MaskUnexpectedErrors
from gql_server.graphql.limits import EnforceLimits, Limits
from gql_server.graphql.query import Query
from gql_server.graphql.scalars import DATETIME_Z, UUID_SCALAR


class CloseReader(SchemaExtension):
    """Ends the request's read transaction once the operation is done, whatever happened."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
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
        config=StrawberryConfig(scalar_map={datetime: DATETIME_Z, uuid.UUID: UUID_SCALAR}),
        extensions=extensions,
    )


def sdl() -> str:
    """The schema as SDL, exactly as ``schema.graphql`` must hold it."""
    return build_schema().as_str() + "\n"
