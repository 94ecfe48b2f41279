"""Engines per database URL, SQLite pragmas, and bringing the schema up to date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gql_server.db import models  # noqa: F401  (registers every table)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # pysqlite only opens a transaction before writes; emit BEGIN ourselves so that
        # every statement of a request reads one snapshot (SQLAlchemy's documented recipe).
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SchemaNotMigrated(RuntimeError):
    """The database is not at the newest migration, and this command does not migrate."""


async def ensure_schema(engine: AsyncEngine, *, migrate: bool | None = None) -> None:
    """Bring the database to the newest schema, or check that it is there.

    ``migrate`` defaults to True on SQLite (the embedded default migrates itself) and False
    elsewhere: a shared PostgreSQL is migrated on purpose, with ``python -m gql_server migrate``.
    """
    from gql_server.db import migrate as migrations

    if migrate is None:
        migrate = engine.dialect.name == "sqlite"
    revision = await migrations.current(engine)
    if revision is None and await _has_tables(engine):
        # Made by create_all before the project had migrations: that is revision 0001.
        await migrations.stamp(engine, "0001")
        revision = "0001"
    head = migrations.head_revision()
    if revision == head:
        return
    if not migrate:
        raise SchemaNotMigrated(
            f"the database is at schema revision {revision or 'none'}, the code needs {head}: "
            "run `python -m gql_server migrate` (with the same DATABASE_URL) first"
        )
    await migrations.upgrade(engine)


async def _has_tables(engine: AsyncEngine) -> bool:
    def check(conn: Any) -> bool:
        return inspect(conn).has_table("docking_event")

    async with engine.connect() as conn:
        return await conn.run_sync(check)
