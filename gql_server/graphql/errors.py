"""Errors a client is expected to meet, each with an ``extensions.code``."""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

BAD_USER_INPUT = "BAD_USER_INPUT"


def bad_input(message: str, *, argument: str | None = None) -> GraphQLError:
    """An argument value the API refuses (the request itself was valid GraphQL)."""
    extensions: dict[str, object] = {"code": BAD_USER_INPUT}
    if argument:
        extensions["argument"] = argument
    return GraphQLError(message, extensions=extensions)


INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
log = logging.getLogger("gql_server.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception our code raised, not a GraphQLError raised on purpose. Only the
    ValueError/TypeError of coercing an input (a scalar's parser, before execution: no path)
    are the client's to read."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return error.path is not None or not isinstance(original, ValueError | TypeError)


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected exceptions reach the client as ``INTERNAL_SERVER_ERROR`` with an error id
    (no message, traceback, SQL or path); the server log has the details under that id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex
        context = getattr(self.execution_context, "context", None)
        request_id = getattr(context, "request_id", "")
        log.error(
            "error %s (request %s) at %s",
            error_id,
            request_id or "-",
            error.path,
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_SERVER_ERROR, "errorId": error_id}
        if request_id:
            masked.extensions["requestId"] = request_id
        return masked
