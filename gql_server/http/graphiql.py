"""Our GraphiQL page: every asset served by the app itself, no inline script, a strict CSP.

Strawberry's built-in page loads React and GraphiQL from unpkg and starts them with an inline
script; this one loads the same files (vendored in ``gql_server/static/graphiql/vendor/``)
from ``/graphiql-assets/`` and starts them from ``app.js``, so it works offline and under
``script-src 'self'``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ASSETS_DIR = STATIC_DIR / "graphiql"
ASSETS_ROUTE = "graphiql-assets"
ASSETS_PATH = "/graphiql-assets"
DEFAULT_QUERY_FILE = ASSETS_DIR / "default-query.graphql"

# Everything the page needs comes from this origin. Styles may be inline because GraphiQL
# (React, CodeMirror) sets style attributes; fonts and icons are data: URLs in its CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


@cache
def default_query() -> str:
    """The query in the editor on a first visit: the latest dockings at the ISS."""
    return DEFAULT_QUERY_FILE.read_text(encoding="utf-8")


@cache
def _template() -> Template:
    return Template((STATIC_DIR / "graphiql.html").read_text(encoding="utf-8"))


def render_page(request: Request, *, timeline: bool = False) -> HTMLResponse:
    """The GraphiQL page, with asset URLs under the app's root path; ``timeline``: its header
    links to the docking timeline page (it is served)."""
    query = default_query()
    if "</" in query:  # it sits in a <script type="application/graphql"> element
        raise ValueError("the default query must not contain '</'")
    root = request.scope.get("root_path", "").rstrip("/")
    html = _template().substitute(
        assets=root + ASSETS_PATH,
        default_query=query,
        timeline=root + "/timeline" if timeline else "",
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


def assets_mount() -> Mount:
    """``/graphiql-assets/``: the vendored GraphiQL files and our page's own JS and CSS."""
    return Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS_DIR), name=ASSETS_ROUTE)
