"""The limit/offset rules every list field shares."""

from __future__ import annotations

from gql_server.graphql.errors import bad_input

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


def checked(limit: int | None, offset: int | None) -> tuple[int, int]:
    """``limit`` 1..100 (null: the default) and ``offset`` >= 0 (null: 0); anything else
    is an error that says so, never a silent clamp."""
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_input(f"limit must be between 1 and {MAX_LIMIT}, got {limit}", argument="limit")
    if offset is None:
        offset = 0
    if offset < 0:
        raise bad_input(f"offset must be 0 or more, got {offset}", argument="offset")
    return limit, offset
