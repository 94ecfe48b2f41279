"""GraphQL over HTTP (graphql.github.io/graphql-over-http), for GET and POST on /graphql.

Strawberry executes; this module owns the HTTP contract once a request is read
(``gql_server.http.request_parsing`` reads it, negotiates ``Accept`` and answers malformed
requests 4xx): the status codes each media type implies, the execution timeout, the
response cache and ETags, the heavy lane and the request id. Subscriptions (WebSocket)
stay with Strawberry's ASGI view on the same path.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from gql_server.bytecache import ByteLRU
from gql_server.graphql.context import Context
from gql_server.graphql.cost import Measures
from gql_server.graphql.errors import (
    GRAPHQL_VALIDATION_FAILED,
    PERSISTED_QUERY_NOT_FOUND,
    SERVER_BUSY,
    TIMEOUT,
)
from gql_server.graphql.limits import busy_error, operation_measures
from gql_server.graphql.schema import GatewaySchema
from gql_server.http.caching import (
    CachedResponse,
    PersistedQueries,
    PersistedQueryError,
    request_key,
)
from gql_server.http.deadline import within
from gql_server.http.heavy import Busy, HeavyLane
from gql_server.http.observe import RequestRecord, operation_name, record_of
from gql_server.http.request_parsing import (
    GRAPHQL_RESPONSE,
    GraphQLRequest,
    HTTPProblem,
    negotiate,
    params_from_get,
    params_from_post,
    persisted,
)
from gql_server.http.responses import (
    REQUEST_ID_HEADER,
    JSONAnswer,
    busy,
    encode,
    etags,
    is_request_error,
    new_request_id,
    problem,
)
from gql_server.queries.freshness import CACHE_GENERATION
from gql_server.settings import Limits

log = logging.getLogger("gql_server.http")


class GraphQLHTTPView:
    """GET and POST /graphql; route to ``handle`` (a bound method, so Starlette treats it as
    a request/response endpoint)."""

    def __init__(
        self,
        schema: GatewaySchema,
        *,
        max_body_bytes: int,
        timeout_seconds: float,
        graphiql: Callable[[Request], Response] | None,
        response_cache_bytes: int = 0,
        response_cache_entry_bytes: int = 1024 * 1024,
        persisted_queries_bytes: int = 16 * 1024 * 1024,
        cache_max_age: int = 0,
    ) -> None:
        self.schema = schema
        self.max_body_bytes = max_body_bytes
        self.timeout_seconds = timeout_seconds
        self.graphiql = graphiql
        self.responses: ByteLRU[str, CachedResponse] = ByteLRU(
            response_cache_bytes, response_cache_entry_bytes
        )
        self.limits: Limits = schema.limits
        self.heavy: HeavyLane | None = None  # set by the app's lifespan
        self.persisted = PersistedQueries(persisted_queries_bytes)
        self.cache_max_age = cache_max_age

    async def handle(self, request: Request) -> Response:
        request_id = new_request_id()
        # The deadline runs from the request's arrival: reading the body and waiting for a
        # slot of the heavy lane count against it, as execution does.
        deadline = asyncio.get_running_loop().time() + self.timeout_seconds
        request.state.deadline = deadline
        try:
            if request.method not in ("GET", "POST"):
                # HEAD (Starlette routes it with GET): a GraphQL answer is not told by its
                # headers alone; said plainly rather than read as a POST without a body.
                raise HTTPProblem(
                    405, "send GraphQL requests with GET or POST", {"Allow": "GET, POST"}
                )
            if self.graphiql is not None and _wants_html(request):
                return self.graphiql(request)
            media_type = negotiate(request.headers.get("accept"))
            if request.method == "GET":
                params = params_from_get(request)
            else:
                params = await params_from_post(request, self.max_body_bytes)
            return await self.execute(request, params, media_type, request_id)
        except HTTPProblem as refused:
            record_of(request).outcome = "bad_request"
            return problem(refused, request_id)

    async def execute(
        self, request: Request, params: GraphQLRequest, media_type: str, request_id: str
    ) -> Response:
        record = record_of(request)  # for the access log and metrics (http/observe.py)
        if persisted(params.extensions):
            record.apq = "registered" if params.query else "hit"
        try:
            query, register = self.persisted.resolve(params.query, params.extensions)
        except PersistedQueryError as exc:
            record.outcome = "request_error"
            if exc.code == PERSISTED_QUERY_NOT_FOUND:
                record.apq = "miss"
            body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
            return self.respond(body, media_type, request_id, request_error=True)
        if not query:
            raise HTTPProblem(400, "the request needs a `query` string")
        record.operation = operation_name(query, params.operation_name)
        measures = self._measures(query, params)
        cost = None if measures is None else measures.cost
        if self.heavy is not None and cost is not None and cost >= self.limits.heavy_cost:
            try:
                response = await self.heavy.run(
                    functools.partial(
                        self._on_lane, request, params, query, media_type, request_id, measures
                    ),
                    # The execution's own timeout answers first; this is the backstop.
                    request.state.deadline - asyncio.get_running_loop().time() + 1,
                )
            except Busy:
                record.outcome = "busy"
                return busy([busy_error(cost, self.limits)], media_type, request_id)
            except TimeoutError:
                response = self._timed_out(media_type, request_id)
                record.outcome = "timeout"
        else:
            context = Context.for_engine(request.app.state.engine, request_id=request_id)
            context.measures = measures
            try:
                response = await self._answer(
                    request, params, query, context, media_type, request_id
                )
            finally:
                record.statements = context.reader.statements
                await context.close()
        if register is not None and (
            self.schema.documents.valid(query) or record.cache in ("hit", "not_modified")
        ):
            # Only a document that parsed and validated is kept under its hash (an answer
            # from the response cache was a clean answer to it).
            self.persisted.register(register, query)
        return response

    async def _on_lane(
        self,
        request: Request,
        params: GraphQLRequest,
        query: str,
        media_type: str,
        request_id: str,
        measures: Measures | None,
        engine: AsyncEngine,
    ) -> Response:
        """``_answer`` on the heavy lane's loop (gql_server/http/heavy.py), in a snapshot of
        its own there."""
        context = Context.for_engine(engine, request_id=request_id, heavy_lane=True)
        context.measures = measures
        try:
            return await self._answer(request, params, query, context, media_type, request_id)
        finally:
            record_of(request).statements = context.reader.statements
            await context.close()

    async def _answer(
        self,
        request: Request,
        params: GraphQLRequest,
        query: str,
        context: Context,
        media_type: str,
        request_id: str,
    ) -> Response:
        # The data version and the last complete sync (CACHE_GENERATION), read in the
        # request's own snapshot: what it keys is exactly what the execution below reads.
        # Only read when something keys on it: an ETag (GET) or the response cache.
        versioned = etag = None
        record = record_of(request)
        record.cache, record.outcome = "off", "ok"
        if request.method == "GET" or self.responses.budget_bytes > 0:
            generation = await context.reader.scalar(CACHE_GENERATION, long=False)
            key = request_key(query, params.operation_name, params.variables)
            versioned = f"{generation}:{key}"
            if request.method == "GET":
                etag = f'W/"{hashlib.sha256(versioned.encode()).hexdigest()[:32]}"'
                if etag in etags(request.headers.get("if-none-match")):
                    record.cache = "not_modified"
                    return Response(status_code=304, headers=self._cache_headers(etag, request_id))
        cached = self.responses.get(versioned) if versioned is not None else None
        if cached is not None:
            record.cache = "hit"
            return self._send(cached.body, media_type, request_id, cached.request_error, etag=etag)
        try:
            remaining = request.state.deadline - asyncio.get_running_loop().time()
            # The direct lane first (graphql/compiled/direct.py): it runs no resolver, only
            # short reads, which the reader bounds; None, and the request runs the full way.
            async with context.reader.within(remaining):
                data = await self.schema.direct(
                    query, params.operation_name, params.variables, context
                )
            if data is not None:
                # A clean answer: nothing below applies but caching it.
                encoded = encode({"data": data})
                return self._clean(record, encoded, versioned, media_type, request_id, etag)
            allowed = {OperationType.QUERY}
            if request.method == "POST":
                allowed.add(OperationType.MUTATION)
            result = await within(
                self.schema.execute(
                    query,
                    variable_values=params.variables,
                    operation_name=params.operation_name,
                    allowed_operation_types=allowed,
                    operation_extensions=params.extensions,
                    context_value=context,
                ),
                request.state.deadline - asyncio.get_running_loop().time(),
            )
            if not result.errors:
                self.schema.keep_direct(query, params.operation_name, context)
        except InvalidOperationTypeError as exc:
            if request.method == "GET":
                raise HTTPProblem(
                    405,
                    "GET can only run queries; send other operations with POST",
                    {"Allow": "POST"},
                ) from exc
            raise HTTPProblem(
                405, "subscriptions are served over WebSocket (graphql-transport-ws)"
            ) from exc
        except CannotGetOperationTypeError as exc:
            record.outcome = "request_error"
            error = GraphQLError(
                exc.as_http_error_reason(),
                extensions={"code": GRAPHQL_VALIDATION_FAILED},
            )
            return self.respond(
                {"errors": [error.formatted]}, media_type, request_id, request_error=True
            )
        except MissingQueryError as exc:
            raise HTTPProblem(400, "the request needs a `query` string") from exc
        except TimeoutError:
            record.outcome = "timeout"
            return self._timed_out(media_type, request_id)
        body: dict[str, Any] = {}
        errors = result.errors or []
        request_error = (
            result.data is None and bool(errors) and all(is_request_error(e) for e in errors)
        )
        if any((e.extensions or {}).get("code") == SERVER_BUSY for e in errors):
            record.outcome = "busy"
            return busy(errors, media_type, request_id)
        if not request_error:
            body["data"] = result.data
        if errors:
            body["errors"] = [error.formatted for error in errors]
        if result.extensions:
            body["extensions"] = result.extensions
        encoded = encode(body)
        if errors:  # only clean answers are reused (and given an ETag)
            record.outcome = "request_error" if request_error else "field_error"
            record.cache = "bypass" if self.responses.budget_bytes > 0 else "off"
            return self._send(encoded, media_type, request_id, request_error)
        return self._clean(record, encoded, versioned, media_type, request_id, etag)

    def _clean(
        self,
        record: RequestRecord,
        encoded: bytes,
        versioned: str | None,
        media_type: str,
        request_id: str,
        etag: str | None,
    ) -> Response:
        """A clean answer (data, no errors): kept in the response cache when it keys one."""
        if versioned is not None and self.responses.budget_bytes > 0:
            record.cache = "miss"
        if versioned is not None:
            # Accounted at the body's length plus its key (about 100 bytes).
            self.responses.put(
                versioned, CachedResponse(encoded, False), len(encoded) + len(versioned)
            )
        return self._send(encoded, media_type, request_id, False, etag=etag)

    def _timed_out(self, media_type: str, request_id: str) -> Response:
        log.warning("request %s cancelled after %ss", request_id, self.timeout_seconds)
        body = {
            "errors": [
                {
                    "message": f"The request took longer than {self.timeout_seconds:g} s and was cancelled.",
                    "extensions": {"code": TIMEOUT, "requestId": request_id},
                }
            ]
        }
        return self.respond(body, media_type, request_id, request_error=True, status=504)

    def _measures(self, query: str, params: GraphQLRequest) -> Measures | None:
        """The operation's measures, told before it runs (None: the heavy lane is off, or
        the document does not parse; execution then says why)."""
        if self.heavy is None:
            return None
        known = self.schema.documents.constant_measures(query, params.operation_name)
        if known is not None:
            return known
        document = self.schema.documents.parsed(query, self.limits.max_tokens)
        if document is None:
            return None
        return operation_measures(
            self.schema._schema,
            document,
            params.operation_name,
            params.variables or {},
            self.limits,
            self.schema.documents,
            query,
        )

    def respond(
        self,
        body: dict[str, Any],
        media_type: str,
        request_id: str,
        *,
        request_error: bool = False,
        status: int = 400,
    ) -> Response:
        """application/json: always 200 for a well-formed request; graphql-response+json:
        ``status`` (400 unless told) when the request failed before execution."""
        return self._send(encode(body), media_type, request_id, request_error, status=status)

    def _send(
        self,
        body: bytes,
        media_type: str,
        request_id: str,
        request_error: bool,
        *,
        status: int = 400,
        etag: str | None = None,
    ) -> Response:
        code = status if request_error and media_type == GRAPHQL_RESPONSE else 200
        if not etag:
            return JSONAnswer(body, code, media_type, request_id)
        return Response(
            body,
            status_code=code,
            media_type=f"{media_type}; charset=utf-8",
            headers=self._cache_headers(etag, request_id),
        )

    def _cache_headers(self, etag: str, request_id: str) -> dict[str, str]:
        """GET answers: an ETag from the data version and the request; clients and CDNs may
        keep them ``cache_max_age`` seconds (0: revalidate every time, cheaply, with 304s)."""
        control = f"public, max-age={self.cache_max_age}" if self.cache_max_age else "no-cache"
        return {
            REQUEST_ID_HEADER: request_id,
            "ETag": etag,
            "Cache-Control": control,
            "Vary": "Accept",
        }


def _wants_html(request: Request) -> bool:
    if request.method != "GET" or "query" in request.query_params:
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept
