"""GraphQL over HTTP straight to the GraphQL view, past the router.

``GraphQLEntry`` is the innermost middleware the app lists: the access log, the metrics,
tracing and CORS (outer middleware) see every request as before, and Starlette's error
middleware still answers an unexpected exception 500. A GET or POST to ``/graphql`` then
goes to the view directly, skipping what lies below: the gzip wrapper, the exception
middleware, route matching and the request/response wrappers (in process, at 10,000
events, about a tenth of a point lookup's time). Gzip is Starlette's ``GZipMiddleware``
still (``http/gzip.py``, which reads ``Accept-Encoding``'s weights), around the view, when
the client accepts gzip; otherwise the answers gzip would
have compressed get ``Vary: Accept-Encoding``, as its identity responder adds. Every other
request (WebSocket on ``/graphql``, other methods, other paths) goes down the stack.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gql_server.http.graphql_view import GraphQLHTTPView
from gql_server.http.gzip import wants_gzip

PATH = "/graphql"
METHODS = ("GET", "POST")


class GraphQLEntry:
    """Middleware: ``view`` answers GET and POST on ``/graphql``; responses of
    ``gzip_min_size`` bytes or more are gzipped for clients that accept it (0: never)."""

    def __init__(self, app: ASGIApp, view: GraphQLHTTPView, gzip_min_size: int) -> None:
        self.app = app
        self.view = view
        self.gzip_min_size = gzip_min_size
        self.gzip = (
            # Starlette's own: ``wants_gzip`` below has read the weights already.
            GZipMiddleware(self._answer, minimum_size=gzip_min_size, compresslevel=6)
            if gzip_min_size > 0
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] not in METHODS:
            await self.app(scope, receive, send)
        elif self.gzip is not None and wants_gzip(scope):
            await self.gzip(scope, receive, send)
        else:
            await self._answer(scope, receive, send, vary=self.gzip is not None)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, *, vary: bool = False
    ) -> None:
        response = await self.view.handle(Request(scope, receive))
        if vary and len(getattr(response, "body", b"")) >= self.gzip_min_size:
            response.headers.add_vary_header("Accept-Encoding")
        await response(scope, receive, send)
