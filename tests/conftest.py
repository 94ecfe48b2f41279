"""Shared fixtures: a real SQLite database file, the real app through real HTTP (ASGI)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.settings import SEED_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = SEED_DIR / "docking_events_page.json"
FULL_PAGE_QUERY = (ROOT / "docs" / "queries" / "full-page.graphql").read_text()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "gateway.db")


class Client:
    """A GraphQL client over the app's real HTTP interface, counting SQL statements."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.statements = 0
        engine = http.app.state.engine  # type: ignore[attr-defined]
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
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
    app = create_app(Settings(database_url=url, seed_dir=seed_dir, **settings))
    with TestClient(app) as http:
        yield Client(http)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The app on a database seeded from ``seed/``: read-only tests share it."""
    yield from make_client(sqlite_url(tmp_path_factory.mktemp("seeded") / "gateway.db"))


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
