"""Process-wide database resources belong to whoever owns the engine: the app's lifespan
makes them at start-up and closes them at shutdown, and two apps in one process never
share them (the version watch, a SQLite file's read threads)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import ExecutionResult
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.db.engine import create_engine, read_threads, writing
from gql_server.db.migrate import ensure_schema
from gql_server.db.version_watch import VersionWatch
from gql_server.graphql.context import Context
from gql_server.graphql.schema import build_schema
from gql_server.ingest.load import bump_data_version, record_changes
from gql_server.queries.freshness import data_version
from gql_server.settings import Settings

WAIT = 15.0  # seconds a change may take to be noticed, at most


def budget_of(app: Starlette) -> Any:
    (route,) = [r for r in app.routes if isinstance(r, WebSocketRoute)]
    return route.app.budget


def test_two_apps_own_their_watch_and_read_threads(db_url: str, backend: str) -> None:
    settings = Settings(database_url=db_url, seed_dir=None, subscription_poll_seconds=0.3)
    app_a, app_b = create_app(settings), create_app(settings)
    assert budget_of(app_a).watch is None  # nothing runs before start-up
    with TestClient(app_a) as a, TestClient(app_b) as b:
        watch_a, watch_b = budget_of(app_a).watch, budget_of(app_b).watch
        assert isinstance(watch_a, VersionWatch) and isinstance(watch_b, VersionWatch)
        assert watch_a is not watch_b
        assert (watch_a.engine, watch_b.engine) == (app_a.state.engine, app_b.state.engine)
        assert watch_a.poll_seconds == 0.3 and watch_a.users == 0  # idle until subscribed
        threads_a = read_threads(app_a.state.engine)
        threads_b = read_threads(app_b.state.engine)
        if backend == "sqlite":
            assert threads_a is not None and threads_b is not None and threads_a is not threads_b
        else:
            assert threads_a is None and threads_b is None  # asyncpg reads on the loop
        for http in (a, b):  # a long read (a count) on each app's own threads
            body = http.post("/graphql", json={"query": "{ dockingEvents { count } }"}).json()
            assert body == {"data": {"dockingEvents": {"count": 0}}}
    assert budget_of(app_a).watch is None and budget_of(app_b).watch is None
    if threads_a is not None:
        with pytest.raises(RuntimeError):  # shut down with its engine, at the app's shutdown
            threads_a.submit(int)


def test_the_watch_follows_writes_and_restarts(db_url: str, backend: str) -> None:
    async def scenario() -> None:
        engine = create_engine(db_url)
        try:
            await ensure_schema(engine)
            # PostgreSQL's safety poll far beyond WAIT: a version seen in time came by NOTIFY
            # on the channel the writer and the watch share.
            watch = VersionWatch(engine, poll_seconds=0.05, listen_poll_seconds=600)
            for _ in range(2):  # stopped by its last user, started again by the next
                await watch.acquire()
                async with engine.connect() as conn:
                    before = await data_version(conn)
                assert await asyncio.wait_for(watch.wait_beyond(before - 1), WAIT) == before
                async with writing(engine).begin() as conn:
                    written = await bump_data_version(conn)
                assert written == before + 1
                assert await asyncio.wait_for(watch.wait_beyond(before), WAIT) == written
                assert watch.listening is (backend == "postgresql")
                await watch.release()
                assert watch.users == 0 and watch.listening is False
            await watch.close()  # twice is fine (the lifespan's shutdown after the last user)
        finally:
            await engine.dispose()

    asyncio.run(scenario())


def test_poll_periods_come_from_the_environment() -> None:
    assert (Settings().subscription_poll_seconds, Settings().subscription_listen_poll_seconds) == (
        0.5,
        5.0,
    )
    env = {"GQL_SUBSCRIPTION_POLL_SECONDS": "0.2", "GQL_SUBSCRIPTION_LISTEN_POLL_SECONDS": "600"}
    settings = Settings.from_env(env)
    assert (settings.subscription_poll_seconds, settings.subscription_listen_poll_seconds) == (
        0.2,
        600.0,
    )
    with pytest.raises(ValueError, match="seconds"):
        Settings.from_env({"GQL_SUBSCRIPTION_POLL_SECONDS": "0"})


def test_a_subscription_outside_any_app_watches_on_its_own(db_url: str) -> None:
    """A script's context (no app, so no budget and no lifespan's watch) still follows
    writes: its subscription gets a budget and a watch of its own, stopped with it."""

    async def scenario() -> None:
        engine = create_engine(db_url)
        try:
            await ensure_schema(engine)
            async with engine.connect() as conn:
                since = await data_version(conn)
            schema = build_schema()
            context = Context.for_engine(engine)
            stream = await schema.subscribe(
                "subscription ($since: Int) { dockingEventChanged(sinceVersion: $since) "
                "{ kind eventId version } }",
                variable_values={"since": since},
                context_value=context,
            )
            assert not isinstance(stream, ExecutionResult), stream
            async with writing(engine).begin() as conn:
                version = await bump_data_version(conn)
                await record_changes(conn, version, removed=[4242])
            async with asyncio.timeout(WAIT):
                message = await anext(stream)
            assert message.errors is None, message.errors
            assert message.data == {
                "dockingEventChanged": {"kind": "REMOVED", "eventId": 4242, "version": version}
            }
            await stream.aclose()
            await context.close()
        finally:
            await engine.dispose()

    asyncio.run(scenario())
