"""The app through its real HTTP interface (Starlette's TestClient), counting SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from gql_server.app import create_app
from gql_server.db.engine import TRANSACTION_CONTROL, watch_statements
from gql_server.settings import SEED_DIR, Settings

NOT_ON_A_CACHED_APP = (
    "count statements on an app of the test's own with the response cache off (the "
    "`counting_client` fixture, or make_client(url, response_cache_bytes=0)): a response "
    "cache answers a document it has seen with one statement, so the count would depend on "
    "which tests ran before"
)


def graphql_view(app: Any) -> Any:
    """The app's GraphQL view (its schema and caches), found through the routes."""
    for route in app.routes:
        view = getattr(getattr(route, "endpoint", None), "__self__", None)
        if view is not None and hasattr(view, "schema"):
            return view
    raise AssertionError("no GraphQL view")


class Client:
    """A GraphQL client over the app's real HTTP interface, counting SQL statements."""

    def __init__(self, http: TestClient, *, response_cache: bool = True) -> None:
        self.http = http
        self.response_cache = response_cache
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

    def count_statements(
        self, query: str, variables: dict[str, Any] | None = None, *, cached: bool = False
    ) -> int:
        """The SQL statements one request of ``query`` runs. Refused on an app whose response
        cache is on, unless ``cached`` (the tests of that cache)."""
        assert cached or not self.response_cache, NOT_ON_A_CACHED_APP
        before = self.statements
        self.data(query, variables)
        return self.statements - before


def make_client(url: str, seed_dir: Path | None = SEED_DIR, **settings: Any) -> Iterator[Client]:
    """The app on ``url`` (seeded from ``seed_dir`` when empty) for as long as the iteration
    runs: ``for client in make_client(url): ...``; ``settings`` are ``Settings`` fields."""
    settings.setdefault("compiled_check", True)  # every compiled answer equals graphql-core's
    config = Settings(database_url=url, seed_dir=seed_dir, **settings)
    with TestClient(create_app(config)) as http:
        yield Client(http, response_cache=config.response_cache_bytes > 0)
