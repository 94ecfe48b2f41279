"""The Starlette application: ``create_app(settings)`` builds it; nothing runs at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select, text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from gql_server.db.engine import create_engine, ensure_schema
from gql_server.db.models import DockingEvent
from gql_server.graphql.context import Context
from gql_server.graphql.schema import build_schema
from gql_server.http.graphiql import assets_mount, render_page
from gql_server.http.middleware import http_middleware
from gql_server.ingest.files import ingest_paths
from gql_server.settings import Settings

log = logging.getLogger("gql_server")


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view, with a fresh context (reader, loaders) per request."""

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context.for_engine(request.app.state.engine)

    async def render_graphql_ide(self, request: Any) -> Response:
        """Our GraphiQL page (assets served by the app, strict CSP), not Strawberry's."""
        return render_page(request)


async def prepare_database(settings: Settings) -> Any:
    """The engine for ``settings``, with the schema created and, when the database holds
    no docking event yet, the seed data ingested."""
    engine = create_engine(settings.database_url)
    await ensure_schema(engine)
    if settings.seed_dir is not None and settings.seed_dir.is_dir():
        async with engine.connect() as conn:
            empty = (await conn.execute(select(DockingEvent.id).limit(1))).first() is None
        if empty:
            reports = await ingest_paths(engine, [settings.seed_dir])
            log.info("seeded %d events from %s", sum(r.events for r in reports), settings.seed_dir)
    return engine


async def healthz(request: Request) -> Response:
    try:
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("health check failed")
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    graphql = GraphQLEndpoint(build_schema(settings.limits), graphql_ide="graphiql" if settings.graphiql else None)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.engine = await prepare_database(settings)
        try:
            yield
        finally:
            await app.state.engine.dispose()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions: graphql-transport-ws
            Route("/healthz", healthz, methods=["GET"]),
            *([assets_mount()] if settings.graphiql else []),
        ],
        middleware=http_middleware(settings),
        lifespan=lifespan,
    )
