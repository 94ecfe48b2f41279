"""Scalars served exactly as LL2 writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import strawberry

DATETIME_NAME = "DateTime"
# Registered for ``datetime`` in the schema's ``scalar_map`` (gql_server.graphql.schema).
DATETIME_Z = strawberry.scalar(
    name=DATETIME_NAME,
    description=(
        "An instant, served in UTC as ISO 8601 with a `Z` suffix, as LL2 writes it "
        "(`2024-04-25T19:32:00Z`). Input accepts any ISO 8601 date-time with an offset; "
        "one without an offset is taken as UTC."
    ),
    serialize=lambda value: _serialize(value),
    parse_value=lambda value: _parse(value),
)


def _serialize(value: datetime) -> str:
    if value.tzinfo is not UTC:  # asyncpg gives UTC already; the conversion is not free
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def serialize_datetime(value: Any) -> str:
    """``DateTime``'s output for a ``datetime`` (the planner calls it directly)."""
    return _serialize(value)


def _parse(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"DateTime must be an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"DateTime must be ISO 8601, like 2024-04-25T19:32:00Z; got {value!r}"
        ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:  # in UTC now: an instant past the years 1..9999 there is refused here, not in SQL
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"DateTime {value!r} is outside the years 1 to 9999 once converted to UTC"
        ) from None


UUID_SCALAR = strawberry.scalar(
    name="UUID",
    description="A UUID in its canonical text form, as LL2 identifies launches.",
    serialize=str,
    parse_value=lambda value: uuid.UUID(str(value)),
)
