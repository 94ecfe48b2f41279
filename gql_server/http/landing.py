"""``/``: a small page that says where things are, and ``/schema.graphql``: the schema's SDL.

uvicorn prints the server's root URL; without this page it answered 404. No script, no
style sheet: a list of links.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

# (path, what it is); the timeline page is another module's (linked when it is served).
LINKS = (
    ("/graphql", "GraphiQL: write and run queries, with the schema's documentation"),
    ("/schema.graphql", "the schema (SDL), for code generators and clients"),
    ("/timeline", "the timeline of dockings"),
    ("/healthz", "health check (JSON)"),
    ("/metrics", "Prometheus metrics"),
)


def landing_page(
    paths: set[str], *, graphiql: bool = True
) -> Callable[[Request], Awaitable[Response]]:
    """The ``/`` endpoint, listing the ``LINKS`` whose path the app serves (``paths``)."""
    links = dict(LINKS)
    if not graphiql:
        links["/graphql"] = "the GraphQL endpoint (POST, or GET with ?query=)"
    items = "\n".join(
        f'  <li><a href="{escape(path)}">{escape(path)}</a>: {escape(what)}</li>'
        for path, what in links.items()
        if path in paths
    )
    page = (
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>LL2 docking gateway</title></head>\n<body>\n"
        "<h1>LL2 docking gateway</h1>\n"
        "<p>A GraphQL API over Launch Library 2's docking events.</p>\n"
        f"<ul>\n{items}\n</ul>\n</body>\n</html>\n"
    )

    async def landing(request: Request) -> Response:
        return HTMLResponse(page)

    return landing


def schema_endpoint(sdl: str) -> Callable[[Request], Awaitable[Response]]:
    """``/schema.graphql``: the running schema as SDL (what ``export-schema`` writes)."""

    async def schema(request: Request) -> Response:
        return PlainTextResponse(sdl, media_type="text/plain; charset=utf-8")

    return schema
