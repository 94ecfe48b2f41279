"""Shared fixtures: real databases (a SQLite file, and a PostgreSQL server started on
127.0.0.1 for the session), the real app through real HTTP (ASGI).

Every test that takes ``db_url``, ``new_database``, ``seeded``, ``client`` or ``empty_client``
runs once per backend: ``[sqlite]`` and ``[postgresql]``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_server import PostgresServer, require_pg_bin
from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.db.engine import TRANSACTION_CONTROL, create_engine, watch_statements
from gql_server.db.migrate import upgrade
from gql_server.settings import SEED_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = SEED_DIR / "docking_events_page.json"
FULL_PAGE_QUERY = (ROOT / "docs" / "queries" / "full-page.graphql").read_text()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


BACKENDS = ["sqlite", "postgresql"]
TEMPLATE = "gql_migrated"  # a PostgreSQL database at the newest migration, copied per test
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, with a migrated template database."""
    with PostgresServer(require_pg_bin()) as server:
        url = server.create_database(TEMPLATE)

        async def migrate() -> None:
            engine = create_engine(url)
            try:
                await upgrade(engine)
            finally:
                await engine.dispose()

        run(migrate())
        yield server


NewDatabase = Callable[[], str]


def database_factory(backend: str, request: pytest.FixtureRequest, folder: Path) -> NewDatabase:
    """Makes empty databases at the newest schema on ``backend``."""

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


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> NewDatabase:
    return database_factory(backend, request, tmp_path)


@pytest.fixture
def db_url(new_database: NewDatabase) -> str:
    return new_database()


class Client:
    """A GraphQL client over the app's real HTTP interface, counting SQL statements."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.statements = 0
        engine = http.app.state.engine  # type: ignore[attr-defined]
        watch_statements(engine, self._count)

    def _count(self, statement: str) -> None:
        # Transaction control differs by backend (SQLite's BEGIN is ours, PostgreSQL's the
        # driver's; SQLite's trace sees ROLLBACK): count queries only, the same on both.
        if statement.strip().upper() not in TRANSACTION_CONTROL:
            self.statements += 1

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        body = response.json()
        assert isinstance(body, dict), body
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of a request that must succeed."""
        body = self.post(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def count_statements(self, query: str, variables: dict[str, Any] | None = None) -> int:
        before = self.statements
        self.data(query, variables)
        return self.statements - before


def make_client(url: str, seed_dir: Path | None = SEED_DIR, **settings: Any) -> Iterator[Client]:
    settings.setdefault("compiled_check", True)  # every compiled answer equals graphql-core's
    app = create_app(Settings(database_url=url, seed_dir=seed_dir, **settings))
    with TestClient(app) as http:
        yield Client(http)


@pytest.fixture(scope="session", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The app on a database seeded from ``seed/``, per backend: read-only tests share it."""
    new = database_factory(str(request.param), request, tmp_path_factory.mktemp("seeded"))
    yield from make_client(new())


@pytest.fixture
def client(db_url: str) -> Iterator[Client]:
    """The app on a fresh seeded database of this test's own."""
    yield from make_client(db_url)


@pytest.fixture
def empty_client(db_url: str) -> Iterator[Client]:
    """The app on a fresh empty database (no seeding)."""
    yield from make_client(db_url, seed_dir=None)


def seed_events() -> list[dict[str, Any]]:
    return json.loads(SEED_PAGE.read_text())["results"]


def run(coro: Any) -> Any:
    return asyncio.run(coro)
