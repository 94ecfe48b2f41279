"""How the GraphQL-over-HTTP view answers: JSON bytes (``encode``, also used by the
WebSocket transport), the request id header, and the fixed answers (a malformed request,
a busy heavy lane) whose status does not depend on the media type.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.responses import Response

from gql_server.graphql.errors import BAD_REQUEST, REQUEST_ERROR_CODES
from gql_server.graphql.limits import RETRY_AFTER_SECONDS
from gql_server.http.request_parsing import GRAPHQL_RESPONSE, JSON, HTTPProblem

REQUEST_ID_HEADER = "x-request-id"


class _RequestIds:
    """Request ids: 32 hex digits, a random half per process and a counter (reading 16
    random bytes from the kernel for every request cost more than the rest of a point
    lookup's id handling). A forked child draws a half of its own."""

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix = secrets.token_hex(8)
        self.counter = itertools.count()

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


new_request_id = _RequestIds()


class JSONAnswer(Response):
    """A JSON body with its request id: the headers Starlette's ``Response`` would write
    (the id, then Content-Length and Content-Type), written directly (a point lookup's
    answer otherwise read its headers back to check for the two it adds)."""

    def __init__(self, body: bytes, status: int, media_type: str, request_id: str) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        self.raw_headers = [
            (REQUEST_ID_HEADER_BYTES, request_id.encode("latin-1")),
            (b"content-length", str(len(body)).encode("latin-1")),
            (b"content-type", _CONTENT_TYPES.get(media_type) or _content_type(media_type)),
        ]


REQUEST_ID_HEADER_BYTES = REQUEST_ID_HEADER.encode("latin-1")


def _content_type(media_type: str) -> bytes:
    return f"{media_type}; charset=utf-8".encode("latin-1")


_CONTENT_TYPES = {kind: _content_type(kind) for kind in (JSON, GRAPHQL_RESPONSE)}


def encode(body: dict[str, Any]) -> bytes:
    """JSON bytes (orjson: fast); a body that holds a lone surrogate (an error message can
    quote a client's variable) falls back to json's escapes."""
    try:
        return orjson.dumps(body)
    except TypeError:
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def etags(header: str | None) -> set[str]:
    """The entity tags an ``If-None-Match`` header lists."""
    if not header:
        return set()
    return {tag.strip() for tag in header.split(",")}


def is_request_error(error: GraphQLError) -> bool:
    """An error raised before execution started: the request, not a field, failed."""
    return error.path is None and (error.extensions or {}).get("code") in REQUEST_ERROR_CODES


def busy(errors: list[GraphQLError], media_type: str, request_id: str) -> Response:
    """503 with Retry-After: the heavy lane had no slot (whatever the media type: it is the
    server's state, not the request's fault)."""
    return Response(
        encode({"errors": [error.formatted for error in errors]}),
        status_code=503,
        media_type=f"{media_type}; charset=utf-8",
        headers={REQUEST_ID_HEADER: request_id, "Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def problem(refused: HTTPProblem, request_id: str) -> Response:
    """The 4xx answer to a malformed request (always application/json: its media type may
    be what was malformed)."""
    body = {"errors": [{"message": refused.message, "extensions": {"code": BAD_REQUEST}}]}
    return Response(
        json.dumps(body),
        status_code=refused.status,
        media_type="application/json; charset=utf-8",
        headers={REQUEST_ID_HEADER: request_id, **refused.headers},
    )
