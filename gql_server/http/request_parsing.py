"""Reading a GraphQL-over-HTTP request (graphql.github.io/graphql-over-http): ``Accept``
negotiation, the GET parameters or the POST body (within the body size limit, JSON nested
and sized within bounds), each malformed request answered by an ``HTTPProblem`` (4xx) that
says what is wrong. ``gql_server.http.graphql_view`` executes what this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from gql_server.http.bounded_json import JSONRefused, loads

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE, JSON)


class HTTPProblem(Exception):
    """A request that is not a well-formed GraphQL-over-HTTP request (answered 4xx)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class GraphQLRequest:
    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


def negotiate(accept: str | None) -> str:
    """The response media type for an ``Accept`` header; HTTPProblem 406 when none fits.

    ``application/graphql-response+json`` only for a client that names it. No header,
    ``*/*`` (what ``fetch`` and curl send) and ``application/*`` get ``application/json``,
    and so HTTP 200 for request errors: what legacy clients expect, and what the GraphQL
    over HTTP audits, HotChocolate and graphql-http do.
    """
    if accept is None or not accept.strip():
        return JSON
    offers: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media in SUPPORTED:
            offers.append((quality, -position, media))
        elif media in ("*/*", "application/*"):
            offers.append((quality, -position, JSON))
    if not offers:
        raise HTTPProblem(
            406,
            f"none of the media types in Accept is served; ask for {GRAPHQL_RESPONSE} or {JSON}",
        )
    return max(offers)[2]


def _object_or_none(value: Any, name: str) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise HTTPProblem(400, f"`{name}` must be a JSON object or null")


MAX_JSON_DEPTH = 64  # nesting of arrays and objects in a request's JSON
MAX_NUMBER_DIGITS = 40  # digits of one number (more than any GraphQL scalar here takes)


def decode_json(raw: str | bytes, what: str) -> Any:
    """``raw`` as JSON, or HTTPProblem 400 saying what is wrong (``bounded_json``)."""
    try:
        return loads(raw, max_depth=MAX_JSON_DEPTH, max_digits=MAX_NUMBER_DIGITS)
    except JSONRefused as refused:
        raise HTTPProblem(400, f"{what} {refused.reason}") from None


def _decode_json_param(raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    value = decode_json(raw, f"`{name}` (JSON-encoded in the URL)")
    return _object_or_none(value, name)


def params_from_get(request: Request) -> GraphQLRequest:
    query = request.query_params.get("query")
    extensions = _decode_json_param(request.query_params.get("extensions"), "extensions")
    if query is None and not persisted(extensions):
        raise HTTPProblem(400, "a GET request needs the `query` parameter")
    name = request.query_params.get("operationName") or None
    return GraphQLRequest(
        query=query or "",
        operation_name=name,
        variables=_decode_json_param(request.query_params.get("variables"), "variables"),
        extensions=extensions,
    )


async def params_from_post(request: Request, max_body_bytes: int) -> GraphQLRequest:
    content_type = request.headers.get("content-type")
    if content_type is None:
        raise HTTPProblem(415, "a POST request needs `Content-Type: application/json`")
    if content_type != JSON:  # what nearly every client sends, exactly: nothing to read
        media, *params = (part.strip().lower() for part in content_type.split(";"))
        if media != JSON:
            raise HTTPProblem(415, f"unsupported Content-Type {media!r}; send {JSON}")
        for param in params:
            key, _, value = param.partition("=")
            if key == "charset" and value.strip('"') not in ("utf-8", "utf8"):
                raise HTTPProblem(415, "the request body must be UTF-8")
    body = await read_body(request, max_body_bytes)
    payload = decode_json(body, "the request body")
    if isinstance(payload, list):
        raise HTTPProblem(400, "batched requests (a JSON array) are not supported; send one object")
    if not isinstance(payload, dict):
        raise HTTPProblem(400, "the request body must be a JSON object")
    query = payload.get("query")
    if query is None and not persisted(payload.get("extensions")):
        raise HTTPProblem(400, "the request needs a `query` string")
    if query is not None and not isinstance(query, str):
        raise HTTPProblem(400, "`query` must be a string")
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        raise HTTPProblem(400, "`operationName` must be a string or null")
    return GraphQLRequest(
        query=query or "",
        operation_name=name or None,
        variables=_object_or_none(payload.get("variables"), "variables"),
        extensions=_object_or_none(payload.get("extensions"), "extensions"),
    )


def persisted(extensions: Any) -> bool:
    """Whether the request names a persisted query (APQ) in its extensions."""
    return isinstance(extensions, dict) and "persistedQuery" in extensions


async def read_body(request: Request, max_body_bytes: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be too large (by its declared
    length before reading, or while streaming it)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
        raise _too_large(max_body_bytes)
    # The ASGI messages themselves (``request.stream()`` is an async generator over them).
    # Pieces go into one buffer, which costs the body's bytes however many pieces it came
    # in (a list of them cost about 40 bytes more per piece: a bytes object and its slot).
    receive = request.receive
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            # The client left mid-body (or was cut off: gql_server.http.edges' body
            # timeout): nobody reads this answer; no traceback in the log.
            raise HTTPProblem(400, "the client disconnected before sending the whole body")
        chunk: bytes = message.get("body", b"")
        if len(body) + len(chunk) > max_body_bytes:
            raise _too_large(max_body_bytes)
        if not message.get("more_body", False):
            if not body:
                return chunk
            body += chunk
            return bytes(body)
        body += chunk


def _too_large(max_body_bytes: int) -> HTTPProblem:
    return HTTPProblem(413, f"the request body is larger than {max_body_bytes} bytes")
