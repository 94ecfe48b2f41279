"""One access line per HTTP request, and the request's figures for the metrics.

``AccessLog`` is the outermost middleware: it times the request, counts the bytes sent (after
gzip), and reads the status and the ``x-request-id`` the response carries. What only the
GraphQL view knows (the operation, its outcome, the SQL statements it ran, whether the
response cache or a persisted query answered) the view writes on the request's
``RequestRecord`` (``record_of(request)``). The line goes to the ``gql_server.access`` logger
at INFO; with ``GQL_LOG_FORMAT=json`` its fields are JSON keys.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gql_server.http.responses import new_request_id
from gql_server.logs import FIELDS

log = logging.getLogger("gql_server.access")
SCOPE_KEY = "gql.record"
_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


@dataclass
class RequestRecord:
    """What the GraphQL view learnt about a request (None: not a GraphQL request)."""

    operation: str | None = None
    # ok | request_error (refused before execution) | field_error | timeout | busy (no slot
    # of the heavy lane: 503) | bad_request
    outcome: str | None = None
    statements: int = 0
    cache: str | None = None  # response cache: hit | miss | not_modified (304) | bypass | off
    apq: str | None = None  # persisted query: hit | miss | registered


def record_of(request: Request) -> RequestRecord:
    """The request's record (a throwaway one when the app runs without ``AccessLog``)."""
    found = request.scope.get(SCOPE_KEY)
    if found is None:
        found = request.scope[SCOPE_KEY] = RequestRecord()
    return found


def operation_name(query: str, given: str | None) -> str:
    """The operation's name: the one the request gives, else the document's first named
    operation, else ``-`` (anonymous)."""
    if given:
        # A name that is not a GraphQL name fails validation anyway; it is the client's
        # text, so it is not written as it is.
        return given if _NAME.fullmatch(given) else "(invalid)"
    found = _OPERATION.search(query[:2000])
    return found.group(1) if found else "-"


class AccessLog:
    """Pure ASGI middleware (no response buffering): logs one line per HTTP request
    (unless ``lines`` is false) and hands the figures to ``observer`` (the metrics), if
    any."""

    def __init__(self, app: ASGIApp, observer: Any = None, lines: bool = True) -> None:
        self.app = app
        self.observer = observer
        self.lines = lines

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = scope[SCOPE_KEY] = RequestRecord()
        started = time.perf_counter()
        status = 500  # unless a response starts
        sent = 0
        request_id = ""

        async def sending(message: Message) -> None:
            nonlocal status, sent, request_id
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"x-request-id":
                        request_id = value.decode("latin-1")
                if not request_id:
                    # An answer from below the GraphQL view (the router's 404 and 405, a
                    # redirect, the metrics): every response carries an id all the same.
                    request_id = new_request_id()
                    headers = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
                    message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            if self.lines:
                self._log(scope, record, status, seconds, sent, request_id)
            if self.observer is not None:
                self.observer.observe_request(scope["path"], record, status, seconds)

    @staticmethod
    def _log(
        scope: Scope, record: RequestRecord, status: int, seconds: float, sent: int, rid: str
    ) -> None:
        if not log.isEnabledFor(logging.INFO):
            return  # nobody reads the line: do not build it
        fields: dict[str, Any] = {
            "request_id": rid or new_request_id(),  # none: no response was started
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "bytes": sent,
        }
        if record.outcome is not None:
            # The record's fields, in order (vars: asdict's deep copy is for nested values,
            # and these are all plain).
            fields.update({k: v for k, v in vars(record).items() if v is not None})
        text = " ".join(f"{k}={v}" for k, v in fields.items() if k != "request_id")
        log.info("request %s %s", fields["request_id"], text, extra={FIELDS: fields})
