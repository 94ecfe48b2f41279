"""The docking timeline page at ``/timeline``: a frontend built only on the public GraphQL API.

Like GraphiQL's page (``graphiql.py``) it is one HTML template plus files served by the app
itself (``gql_server/static/timeline/`` under ``/timeline-assets/``): plain ES modules, no
build step, no third-party code, no inline script. Its Content-Security-Policy is stricter
than GraphiQL's: no inline styles either (the page positions its bars through the CSSOM,
which a CSP does not govern). ``connect-src 'self'`` covers both ``fetch('/graphql')`` and the
``ws:``/``wss:`` subscription socket on the same origin (CSP Level 3).
See ``docs/timeline.md`` for how the page is built.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ASSETS_DIR = STATIC_DIR / "timeline"
PAGE_PATH = "/timeline"
ASSETS_PATH = "/timeline-assets"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


@cache
def _template() -> Template:
    return Template((STATIC_DIR / "timeline.html").read_text(encoding="utf-8"))


def render_page(request: Request, *, graphiql: bool) -> HTMLResponse:
    """The page, with its asset and API URLs under the app's root path; ``graphiql``: link to
    GraphiQL (it is served)."""
    root = request.scope.get("root_path", "").rstrip("/")
    endpoint = root + "/graphql"
    nav = f'<a href="{escape(endpoint)}">GraphiQL</a>' if graphiql else ""
    html = _template().substitute(
        assets=escape(root + ASSETS_PATH), endpoint=escape(endpoint), nav=nav
    )
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )


def routes(*, graphiql: bool) -> list[BaseRoute]:
    """``GET /timeline`` (the page) and ``/timeline-assets/`` (its modules, styles, icon)."""

    async def page(request: Request) -> HTMLResponse:
        return render_page(request, graphiql=graphiql)

    return [
        Route(PAGE_PATH, page, methods=["GET"], name="timeline"),
        Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS_DIR), name="timeline-assets"),
    ]
