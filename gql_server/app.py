"""The Starlette application: ``create_app(settings)`` builds it; nothing runs at import."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.db.models import DockingEvent
from gql_server.db.reader import Reader
from gql_server.db.version_watch import VersionWatch
from gql_server.graphql.hooks import LiveCount
from gql_server.graphql.schema import build_schema
from gql_server.http.graphiql import assets_mount, render_page
from gql_server.http.graphql_view import GraphQLHTTPView
from gql_server.http.heavy import HeavyLane
from gql_server.http.middleware import http_middleware
from gql_server.http.operating import (
    landing_route,
    on_start,
    on_stop,
    operating_middleware,
    operating_routes,
)
from gql_server.http.timeline import routes as timeline_routes
from gql_server.http.websocket import SubscriptionEndpoint
from gql_server.ingest.files import ingest_paths
from gql_server.queries.freshness import data_version
from gql_server.settings import Settings

log = logging.getLogger("gql_server")


async def prepare_database(settings: Settings) -> Any:
    """The engine for ``settings``, its schema migrated (SQLite) or checked, and, when it holds
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
    # A real read (``SELECT 1`` never opens a SQLite file), through a request's own
    # reader: the path GraphQL reads take.
    reader = Reader(request.app.state.engine)
    try:
        await data_version(reader)
    except Exception:
        log.exception("health check failed")
        return JSONResponse({"status": "unavailable"}, status_code=503)
    finally:
        await reader.close()
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    live_subscriptions: LiveCount | None = None
    if settings.metrics:
        # Imported here, not at the top: metrics are made at import, which must follow the
        # CLI's PROMETHEUS_MULTIPROC_DIR (gql_server/http/metrics.py).
        from gql_server.http.metrics import SUBSCRIPTIONS

        live_subscriptions = SUBSCRIPTIONS
    schema = build_schema(
        settings.limits,
        planner=settings.planner,
        compiled=settings.compiled,
        compiled_check=settings.compiled_check,
        document_cache_bytes=settings.document_cache_bytes,
        plan_cache_bytes=settings.plan_cache_bytes,
        live_subscriptions=live_subscriptions,
        tracing=settings.tracing,
    )
    http = GraphQLHTTPView(
        schema,
        max_body_bytes=settings.max_body_bytes,
        timeout_seconds=settings.limits.timeout_seconds,
        graphiql=partial(render_page, timeline=settings.timeline) if settings.graphiql else None,
        response_cache_bytes=settings.response_cache_bytes,
        response_cache_entry_bytes=settings.response_cache_entry_bytes,
        persisted_queries_bytes=settings.persisted_queries_bytes,
        cache_max_age=settings.cache_max_age,
    )
    subscriptions = SubscriptionEndpoint(
        schema,
        limits=settings.limits,
        transport=settings.transport,
        max_message_bytes=settings.max_body_bytes,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        writer = await prepare_database(settings)
        # Requests read through DATABASE_READ_URL (a replica) when it is set.
        app.state.engine = writer
        if settings.database_read_url:
            app.state.engine = create_engine(settings.database_read_url)
            await ensure_schema(app.state.engine, migrate=False)
        started = on_start(settings, [writer, app.state.engine])
        # What start-up built (the schema, the models, SQLAlchemy's caches) lives as long as
        # the process: frozen, full garbage collections no longer walk it (big answers
        # allocate enough to trigger them; this keeps their pauses short).
        gc.collect()
        gc.freeze()
        heavy = HeavyLane(app.state.engine, schema.lane, settings.limits.heavy_queue_seconds)
        await heavy.start()
        http.heavy = heavy
        # The subscriptions' version watch: idle until the first one, stopped at shutdown.
        watch = VersionWatch(
            app.state.engine,
            poll_seconds=settings.subscription_poll_seconds,
            listen_poll_seconds=settings.subscription_listen_poll_seconds,
        )
        subscriptions.budget.watch = watch
        try:
            yield
        finally:
            subscriptions.budget.watch = None
            await watch.close()
            http.heavy = None
            await heavy.stop()
            if app.state.engine is not writer:
                await app.state.engine.dispose()
            await writer.dispose()
            on_stop(settings, started)

    routes = [
        Route("/graphql", http.handle, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", subscriptions),  # graphql-transport-ws
        Route("/healthz", healthz, methods=["GET"]),
        *([assets_mount()] if settings.graphiql else []),
        *(timeline_routes(graphiql=settings.graphiql) if settings.timeline else []),
        *operating_routes(settings, schema.as_str() + "\n"),
    ]
    return Starlette(
        routes=[*routes, landing_route(routes, graphiql=settings.graphiql)],
        middleware=[*operating_middleware(settings), *http_middleware(settings, http)],
        lifespan=lifespan,
    )
