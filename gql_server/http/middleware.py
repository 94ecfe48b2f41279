"""CORS and gzip, from the settings."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from gql_server.http.entry import GraphQLEntry
from gql_server.http.graphql_view import GraphQLHTTPView
from gql_server.http.gzip import NegotiatedGZip
from gql_server.settings import Settings

CORS_METHODS = ("GET", "POST", "OPTIONS")
CORS_HEADERS = ("content-type", "authorization")
CORS_MAX_AGE = 600  # seconds a browser may cache a preflight answer


def http_middleware(settings: Settings, view: GraphQLHTTPView) -> list[Middleware]:
    """The app's middleware, outermost first: CORS (when origins are configured) answers
    preflights before anything else; ``GraphQLEntry`` hands GET and POST on /graphql to
    ``view`` (gql_server/http/entry.py); gzip compresses responses of ``gzip_min_size``
    bytes or more for clients that accept it (0 turns it off)."""
    stack: list[Middleware] = []
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=list(CORS_METHODS),
                allow_headers=list(CORS_HEADERS),
                max_age=CORS_MAX_AGE,
            )
        )
    stack.append(Middleware(GraphQLEntry, view=view, gzip_min_size=settings.gzip_min_size))
    if settings.gzip_min_size > 0:
        stack.append(
            Middleware(NegotiatedGZip, minimum_size=settings.gzip_min_size, compresslevel=6)
        )
    return stack
