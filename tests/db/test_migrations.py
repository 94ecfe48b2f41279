"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from support.data import SEED_DIR
from support.pg_server import PostgresServer, require_pg_bin

from gql_server.db import models  # noqa: F401  (registers every table)
from gql_server.db.base import Base
from gql_server.db.engine import create_engine
from gql_server.db.migrate import (
    SEARCH_TABLES,
    current,
    head_revision,
    include_object_for,
    make_config,
    render_item,
    stamp,
    upgrade,
)

DOCKING_INDEXES = {
    "ix_docking_event_docking_id": ["docking", "id"],
    "ix_docking_event_departure_id": ["departure", "id"],
}
DOCKING_CHECKS = {"ck_docking_event_one_chaser", "ck_docking_event_one_target"}
WRITES = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")
_database_numbers = itertools.count()


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PostgresServer]:
    with PostgresServer(require_pg_bin()) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"migrations_{next(_database_numbers)}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "include_object": include_object_for(connection.dialect.name)},
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _run(engine: AsyncEngine, fn: Any, *args: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.run_sync(fn, *args)


def _with_engine(url: str, body: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        try:
            return await body(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_upgrade_builds_the_models_schema(database_url: str) -> None:
    async def body(engine: AsyncEngine) -> None:
        assert await current(engine) is None
        await upgrade(engine)
        assert await current(engine) == head_revision()

        assert await _run(engine, _drift) == []
        tables = await _run(engine, _tables)
        search_tables = {t for t in tables if t.startswith(SEARCH_TABLES)}
        assert tables - search_tables == set(Base.metadata.tables) | {"alembic_version"}
        # The search index: an FTS5 table (and its shadow tables) on SQLite; on PostgreSQL
        # pg_trgm's index and the search postings (words, and their events in docking order).
        if engine.dialect.name == "sqlite":
            assert "docking_event_search" in search_tables
        else:
            assert search_tables == {"docking_event_search_word", "docking_event_search_posting"}

        def docking(connection: Connection) -> tuple[dict[str, list[str]], set[str]]:
            inspector = inspect(connection)
            indexes = {
                str(ix["name"]): [str(c) for c in ix["column_names"]]
                for ix in inspector.get_indexes("docking_event")
            }
            checks = {str(ck["name"]) for ck in inspector.get_check_constraints("docking_event")}
            return indexes, checks

        indexes, checks = await _run(engine, docking)
        assert DOCKING_INDEXES.items() <= indexes.items()
        assert checks == DOCKING_CHECKS

    _with_engine(database_url, body)


def test_upgrading_twice_is_a_no_op(database_url: str) -> None:
    async def body(engine: AsyncEngine) -> None:
        await upgrade(engine)
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", record)
        try:
            await upgrade(engine)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", record)
        writes = [s for s in statements if s.lstrip().upper().startswith(WRITES)]
        assert writes == []
        assert await current(engine) == head_revision()
        assert await _run(engine, _drift) == []

    _with_engine(database_url, body)


def test_downgrade_to_base_and_back(database_url: str) -> None:
    def downgrade(connection: Connection) -> None:
        with connection.begin():
            command.downgrade(make_config(connection), "base")

    async def body(engine: AsyncEngine) -> None:
        await upgrade(engine)
        await _run(engine, downgrade)
        assert await current(engine) is None
        assert await _run(engine, _tables) == {"alembic_version"}
        await upgrade(engine)
        assert await _run(engine, _drift) == []

    _with_engine(database_url, body)


def test_stamp_adopts_a_create_all_database(database_url: str) -> None:
    async def body(engine: AsyncEngine) -> None:
        # A database as create_all made it before migrations existed: revision 0001's
        # schema without Alembic's bookkeeping.
        await upgrade(engine, "0001")
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP TABLE alembic_version")
        assert await current(engine) is None
        await stamp(engine, "0001")
        assert await current(engine) == "0001"
        await upgrade(engine)
        assert await current(engine) == head_revision()
        assert await _run(engine, _drift) == []

    _with_engine(database_url, body)


def test_upgrade_adopting_stamps_and_migrates_a_create_all_database(database_url: str) -> None:
    """What start-up does (``ensure_schema``): the adoption is decided in the migration's
    own transaction."""

    async def body(engine: AsyncEngine) -> None:
        await upgrade(engine, "0001")
        async with engine.begin() as connection:
            await connection.exec_driver_sql("DROP TABLE alembic_version")
        await upgrade(engine, adopt=True)
        assert await current(engine) == head_revision()
        assert await _run(engine, _drift) == []
        await upgrade(engine, adopt=True)  # at head: nothing to adopt or run
        assert await current(engine) == head_revision()

    _with_engine(database_url, body)


def test_upgrade_works_on_a_plain_async_engine(tmp_path: Path) -> None:
    """Without the gateway's SQLite pragmas (foreign keys off, pysqlite transactions)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}")
        try:
            await upgrade(engine)
            await upgrade(engine)
            assert await current(engine) == head_revision()
            assert await _run(engine, _drift) == []
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_sqlite_foreign_keys_stay_enforced_after_upgrade(tmp_path: Path) -> None:
    async def body(engine: AsyncEngine) -> None:
        await upgrade(engine)
        async with engine.connect() as connection:
            enforced = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
        assert enforced == 1

    _with_engine(f"sqlite+aiosqlite:///{tmp_path / 'fk.db'}", body)


def test_autogenerate_renders_utc_datetime_as_plain_datetime(tmp_path: Path) -> None:
    def render(connection: Connection) -> str:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": include_object_for(connection.dialect.name),
            },
        )
        upgrade_ops = produce_migrations(context, Base.metadata).upgrade_ops
        assert upgrade_ops is not None
        return render_python_code(upgrade_ops, render_item=render_item)

    async def body(engine: AsyncEngine) -> str:
        return str(await _run(engine, render))

    code = _with_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", body)
    assert "sa.Column('docking', sa.DateTime(timezone=True), nullable=False)" in code
    assert "UTCDateTime" not in code
    assert "sa.Column('id', sa.Uuid(), nullable=False)" in code


def test_processes_starting_at_once_on_a_new_sqlite_file_all_migrate_it(tmp_path: Path) -> None:
    """`serve --workers N` on a new database: every worker's start-up migrates it at the
    same moment. One migrates, the others wait for its write lock, then find it done."""
    from gql_server.app import prepare_database
    from gql_server.settings import Settings

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'new.db'}", seed_dir=SEED_DIR)

    async def main() -> set[str | None]:
        engines = await asyncio.gather(*(prepare_database(settings) for _ in range(4)))
        try:
            return {await current(engine) for engine in engines}
        finally:
            for engine in engines:
                await engine.dispose()

    assert asyncio.run(main()) == {head_revision()}
