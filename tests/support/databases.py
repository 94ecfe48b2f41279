"""The two backends the tests run on, and empty databases at the newest schema on each: a
SQLite file, or a copy of a migrated template database on the session's PostgreSQL server."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gql_server.db.engine import create_engine
from gql_server.db.migrate import upgrade
from support.pg_server import PostgresServer

BACKENDS = ["sqlite", "postgresql"]
TEMPLATE = "gql_migrated"  # a PostgreSQL database at the newest migration, copied per test
_numbers = itertools.count(1)

NewDatabase = Callable[[], str]


def run(coro: Any) -> Any:
    """Run a coroutine to completion (set-up and checks outside the app's event loop)."""
    return asyncio.run(coro)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def create_template(server: PostgresServer) -> None:
    """The template database every PostgreSQL test database is copied from, migrated."""
    url = server.create_database(TEMPLATE)

    async def migrate() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    run(migrate())


def database_factory(backend: str, request: pytest.FixtureRequest, folder: Path) -> NewDatabase:
    """Makes empty databases at the newest schema on ``backend`` (PostgreSQL ones through the
    ``pg_server`` fixture, dropped when ``request``'s scope ends)."""

    def new() -> str:
        number = next(_numbers)
        if backend == "sqlite":
            return sqlite_url(folder / f"gateway-{number}.db")
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = f"test_{number}"
        url = server.create_database(name, template=TEMPLATE)
        request.addfinalizer(lambda: server.drop_database(name))
        return url

    return new
