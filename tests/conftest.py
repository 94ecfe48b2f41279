"""Fixtures: real databases (a SQLite file, and a PostgreSQL server started on 127.0.0.1 for
the session), the real app through real HTTP (ASGI). What tests import by name (``Client``,
``make_client``, the seed page...) lives in ``tests/support/``.

Every test that takes ``db_url``, ``new_database``, ``seeded``, ``client``, ``empty_client``
or ``counting_client`` runs once per backend: ``[sqlite]`` and ``[postgresql]``.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from support.client import Client, make_client
from support.databases import BACKENDS, NewDatabase, create_template, database_factory
from support.pg_server import PostgresServer, require_pg_bin


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Under CI (``CI`` set, as ``.ci/run`` runs) a skipped test fails: ``dev.py test``
    installs PostgreSQL, Chromium and Node there, so a skip means a test that did not run."""
    report = yield
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every test must run: {reason}"
    return report


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, with a migrated template database."""
    with PostgresServer(require_pg_bin()) as server:
        create_template(server)
        yield server


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> NewDatabase:
    return database_factory(backend, request, tmp_path)


@pytest.fixture
def new_pg_database(request: pytest.FixtureRequest, tmp_path: Path) -> NewDatabase:
    """Makes empty databases on PostgreSQL only, for what only PostgreSQL has (roles,
    several servers on one database): such tests run once, not skipped on SQLite."""
    return database_factory("postgresql", request, tmp_path)


@pytest.fixture
def db_url(new_database: NewDatabase) -> str:
    return new_database()


@pytest.fixture(scope="session", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """The app on a database seeded from ``seed/``, per backend: read-only tests share it.
    Its response cache is on and shared, so ``count_statements`` refuses to count on it."""
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


@pytest.fixture
def counting_client(db_url: str) -> Iterator[Client]:
    """The app on a fresh seeded database of this test's own with the response cache off:
    what ``count_statements`` counts is what the query costs, whatever ran before."""
    yield from make_client(db_url, response_cache_bytes=0)
