"""What the app serves for the people who run it and the people who arrive at it: the
landing page, the SDL, /metrics, the access log and tracing (``create_app`` wires these in).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from gql_server.http.landing import landing_page, schema_endpoint
from gql_server.http.observe import AccessLog
from gql_server.settings import Settings


def operating_routes(settings: Settings, sdl: str) -> list[BaseRoute]:
    """``/schema.graphql`` and, when metrics are on, ``/metrics``."""
    routes: list[BaseRoute] = [Route("/schema.graphql", schema_endpoint(sdl), methods=["GET"])]
    if settings.metrics:
        from gql_server.http.metrics import metrics_endpoint

        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    return routes


def landing_route(routes: list[BaseRoute], *, graphiql: bool = True) -> Route:
    """``/``, linking the pages among ``routes`` (so a page another module adds, such as
    ``/timeline``, is linked once it is routed)."""
    paths = {path for route in routes if isinstance(path := getattr(route, "path", None), str)}
    return Route("/", landing_page(paths, graphiql=graphiql), methods=["GET"])


def operating_middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: the access log (its lines unless ``access_log`` is off) and the
    metrics, then the request's tracing span."""
    observer: Any = None
    if settings.metrics:
        from gql_server.http.metrics import Metrics

        observer = Metrics()
    stack = [Middleware(AccessLog, observer=observer, lines=settings.access_log)]
    if settings.tracing:
        from gql_server import tracing

        tracing.enable()
        stack.append(Middleware(tracing.TraceRequests))
    return stack


def on_start(settings: Settings, engines: list[Any]) -> Callable[[], None]:
    """At the lifespan's start: tracing on the engines, the metrics' periodic writes
    (``http/metrics.py`` ``start_flushing``). Returns what ``on_stop`` must be given."""
    if settings.tracing:
        from gql_server import tracing

        for engine in engines:
            tracing.instrument_engine(engine)
    if settings.metrics:
        from gql_server.http.metrics import start_flushing

        return start_flushing()
    return lambda: None


def on_stop(settings: Settings, started: Callable[[], None]) -> None:
    started()  # the metrics' last write, before this worker's live gauges go
    if settings.metrics:
        from gql_server.http.metrics import process_ended

        process_ended()
