"""Errors a client is expected to meet, each with an ``extensions.code``, and how errors
are logged: a client's mistakes (a typo, a bad argument) at INFO on one line, without a
traceback, so a client cannot grow the log at will; unexpected exceptions (bugs) at ERROR
with their traceback, under the error id the client is given."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

# Every ``extensions.code`` the gateway answers with (docs/api.md says what each means).
BAD_USER_INPUT = "BAD_USER_INPUT"  # an argument or variable value the API refuses
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"  # over a limit of docs/limits.md
SERVER_BUSY = "SERVER_BUSY"  # no slot of the heavy lane (HTTP 503, Retry-After)
TIMEOUT = "TIMEOUT"  # the execution timeout (GQL_TIMEOUT_SECONDS)
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"  # a bug: the log has it under an error id
BAD_REQUEST = "BAD_REQUEST"  # not a well-formed GraphQL-over-HTTP request (HTTP 4xx)
TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"  # operations in flight on one WebSocket
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
# Codes of errors raised before execution started: the request, not a field, failed.
REQUEST_ERROR_CODES = frozenset(
    {GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT, QUERY_TOO_COMPLEX}
)


def bad_input(message: str, *, argument: str | None = None) -> GraphQLError:
    """An argument value the API refuses (the request itself was valid GraphQL)."""
    extensions: dict[str, object] = {"code": BAD_USER_INPUT}
    if argument:
        extensions["argument"] = argument
    return GraphQLError(message, extensions=extensions)


def too_complex(
    message: str, limit: str, maximum: float, actual: float, **extra: Any
) -> GraphQLError:
    """A document over one of the limits: which, its maximum and the measured value."""
    return GraphQLError(
        message,
        extensions={
            "code": QUERY_TOO_COMPLEX,
            "limit": limit,
            "max": maximum,
            "actual": actual,
            **extra,
        },
    )


def give_code(error: GraphQLError, code: str) -> None:
    """Gives ``error`` the code ``code`` unless it has one (its other extensions stay)."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {"code": code, **(error.extensions or {})}


def code_parse_error(error: GraphQLError, max_tokens: int) -> None:
    """A document that does not parse: over the token limit (graphql-core's parser counts
    them), or GRAPHQL_PARSE_FAILED."""
    if "Document contains more than" in error.message:
        error.extensions = {"code": QUERY_TOO_COMPLEX, "limit": "tokens", "max": max_tokens}
    else:
        give_code(error, GRAPHQL_PARSE_FAILED)


def code_input_errors(errors: list[GraphQLError]) -> None:
    """Errors of a result without a path come from coercing variables: the client's input
    (BAD_USER_INPUT)."""
    for error in errors:
        if error.path is None:
            give_code(error, BAD_USER_INPUT)


log = logging.getLogger("gql_server.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception our code raised, not a GraphQLError raised on purpose. Only the
    ValueError/TypeError of coercing an input (a scalar's parser, before execution: no path)
    are the client's to read."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return error.path is not None or not isinstance(original, ValueError | TypeError)


def _request_id(execution_context: Any) -> str:
    return str(getattr(getattr(execution_context, "context", None), "request_id", "") or "")


def error_id(error: GraphQLError) -> str:
    """The id an unexpected error is logged and answered under (made on first use, kept on
    the error: logging and masking see the same error object)."""
    found = getattr(error, "_gql_error_id", None)
    if found is None:
        found = uuid.uuid4().hex
        error._gql_error_id = found  # type: ignore[attr-defined]
    return str(found)


def log_errors(errors: list[GraphQLError], execution_context: Any = None) -> None:
    """What ``Schema.process_errors`` does here, in place of Strawberry's default (every
    error at ERROR with its traceback, a client's typos included)."""
    request_id = _request_id(execution_context) or "-"
    for error in errors:
        if is_unexpected(error):
            log.error(
                "error %s (request %s) at %s",
                error_id(error),
                request_id,
                error.path,
                exc_info=error.original_error,
            )
            continue
        code = (error.extensions or {}).get("code", "-")
        where = f" at {'.'.join(map(str, error.path))}" if error.path else ""
        # repr: a client's message may hold newlines (one error stays one line); cut: it
        # may quote a long value of the client's.
        message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
        log.info("client error %s (request %s)%s: %r", code, request_id, where, message)


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected exceptions reach the client as ``INTERNAL_SERVER_ERROR`` with an error id
    (no message, traceback, SQL or path); the server log has the details under that id
    (``log_errors`` wrote them)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = _request_id(self.execution_context)
        masked_id = error_id(error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_SERVER_ERROR, "errorId": masked_id}
        if request_id:
            masked.extensions["requestId"] = request_id
        return masked
