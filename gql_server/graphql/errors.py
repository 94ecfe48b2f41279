"""Errors a client is expected to meet, each with an ``extensions.code``."""

from __future__ import annotations

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"


def bad_input(message: str, *, argument: str | None = None) -> GraphQLError:
    """An argument value the API refuses (the request itself was valid GraphQL)."""
    extensions: dict[str, object] = {"code": BAD_USER_INPUT}
    if argument:
        extensions["argument"] = argument
    return GraphQLError(message, extensions=extensions)
