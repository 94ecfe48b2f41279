"""Schema migrations: Alembic, configured in code, run on an async engine.

``await upgrade(engine)`` brings the engine's database to the newest revision (a no-op
when it is there already); ``await current(engine)`` names the revision it is at and
``head_revision()`` the newest one; ``await stamp(engine, "0001")`` adopts a database
created by ``create_schema`` before migrations existed. ``await ensure_schema(engine)`` is
what start-up calls: migrate (SQLite) or check (elsewhere) that the database is at head.
Revisions live in ``gql_server/db/migrations/versions``; write a new one with
``await revision(engine, "add a column")`` against a database at head (autogenerate
compares it with the models), then read and fix what autogenerate cannot see (CHECK
constraints, data changes).

SQLite: migrations render in batch mode (a changed table is copied into a new one), and
``upgrade`` turns foreign key enforcement off while it runs, so that dropping the old copy
of a table cannot cascade-delete rows of the tables referring to it (SQLite can only
switch enforcement outside a transaction). ``PRAGMA foreign_key_check`` must be clean
before the migration commits.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.db.base import UTCDateTime
from gql_server.db.engine import WRITES

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class MigrationError(RuntimeError):
    """A migration left the database inconsistent; it was rolled back."""


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate hook: render project types as plain SQLAlchemy types.

    Revision scripts then do not import the application (``UTCDateTime`` stores a
    ``DateTime(timezone=True)``; its conversions are Python-side only).
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# A table of revision 0001: a database that has it but no revision predates migrations.
ADOPTED = "docking_event"

# The search index's tables exist outside the models: SQLite's FTS5 table and its shadow
# tables, PostgreSQL's search words and postings (migrations 0005, 0008, 0009).
SEARCH_TABLES = "docking_event_search"


def include_object_for(dialect_name: str) -> Any:
    """Alembic's ``include_object`` hook for ``dialect_name``: objects of other dialects
    (``info={"dialect": ...}``) and the search index's tables are not compared with the models."""

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if type_ == "table" and name and name.startswith(SEARCH_TABLES):
            return False
        wanted = getattr(obj, "info", {}).get("dialect")
        return wanted is None or wanted == dialect_name

    return include_object


def make_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for the gateway's migrations, running on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the migration scripts."""
    head = ScriptDirectory.from_config(make_config()).get_current_head()
    if head is None:
        raise MigrationError("there is no migration script")
    return head


async def upgrade(engine: AsyncEngine, revision: str = "head", *, adopt: bool = False) -> None:
    """Migrate the engine's database up to ``revision``, in one transaction. With
    ``adopt``, a database that has the tables but no revision (``create_schema`` made it
    before migrations existed) is first stamped at 0001, in the same transaction: whether
    it is one is decided under the write lock, not before another process migrates it."""
    async with engine.connect() as connection:
        await connection.run_sync(_upgrade, revision, adopt)


async def current(engine: AsyncEngine) -> str | None:
    """The revision the engine's database is at; None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def stamp(engine: AsyncEngine, revision: str = "head") -> None:
    """Record ``revision`` as current without running anything.

    For a database whose tables ``create_schema`` (``Base.metadata.create_all``) made
    before migrations existed: stamp it at ``"0001"``, then ``upgrade`` it.
    """
    async with engine.connect() as connection:
        await connection.run_sync(_stamp, revision)


async def revision(
    engine: AsyncEngine, message: str, *, autogenerate: bool = True, rev_id: str | None = None
) -> Path:
    """Write a new revision script; with ``autogenerate``, diff the database and the models.

    The database must be at head. Returns the new script's path.
    """
    async with engine.connect() as connection:
        return await connection.run_sync(_revision, message, autogenerate, rev_id)


class SchemaNotMigrated(RuntimeError):
    """The database is not at the newest migration, and this command does not migrate."""


async def ensure_schema(engine: AsyncEngine, *, migrate: bool | None = None) -> None:
    """Bring the database to the newest schema, or check that it is there.

    ``migrate`` defaults to True on SQLite (the embedded default migrates itself) and False
    elsewhere: a shared PostgreSQL is migrated on purpose, with ``python -m gql_server migrate``.
    """
    if migrate is None:
        migrate = engine.dialect.name == "sqlite"
    head = head_revision()
    revision = await current(engine)
    if revision == head:
        return
    if migrate:
        # Decided again under the write lock: another process may be migrating it now.
        await upgrade(engine, adopt=True)
        return
    if revision is None and await _has_table(engine, ADOPTED):
        # Made by create_all before the project had migrations: that is revision 0001.
        await stamp(engine, "0001")
        revision = "0001"
    raise SchemaNotMigrated(
        f"the database is at schema revision {revision or 'none'}, the code needs {head}: "
        "run `python -m gql_server migrate` (with the same DATABASE_URL) first"
    )


async def _has_table(engine: AsyncEngine, table: str) -> bool:
    def check(conn: Any) -> bool:
        return inspect(conn).has_table(table)

    async with engine.connect() as conn:
        return await conn.run_sync(check)


def _upgrade(connection: Connection, revision: str, adopt: bool = False) -> None:
    config = make_config(connection)

    def run() -> None:
        if adopt and _current(connection) is None and inspect(connection).has_table(ADOPTED):
            command.stamp(config, "0001")
        command.upgrade(config, revision)

    if connection.dialect.name != "sqlite":
        with connection.begin():
            run()
        return
    connection.execution_options(**{WRITES: True})  # another process may be migrating
    with _sqlite_foreign_keys_off(connection) as enforced, connection.begin():
        run()
        if enforced:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"foreign keys broken by the migration: {broken[:10]}")


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[bool]:
    """Switch foreign key enforcement off (outside any transaction); yields if it was on."""
    if connection.in_transaction():
        raise MigrationError("upgrade() needs a connection outside a transaction")
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None

    def pragma(sql: str) -> Any:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql)
            row = cursor.fetchone()
        finally:
            cursor.close()
        return row[0] if row else None

    enforced = bool(pragma("PRAGMA foreign_keys"))
    if not enforced:
        yield False
        return
    pragma("PRAGMA foreign_keys=OFF")
    try:
        yield True
    finally:
        pragma("PRAGMA foreign_keys=ON")


def _stamp(connection: Connection, revision: str) -> None:
    connection.execution_options(**{WRITES: True})
    with connection.begin():
        command.stamp(make_config(connection), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _revision(connection: Connection, message: str, autogenerate: bool, rev_id: str | None) -> Path:
    config = make_config(connection)
    ruff = _ruff()
    if ruff is not None:
        # Leave new scripts lint-clean and formatted like the rest of the code.
        config.set_section_option("post_write_hooks", "hooks", "ruff_fix, ruff_format")
        for name, options in (
            ("ruff_fix", "check --fix --quiet REVISION_SCRIPT_FILENAME"),
            ("ruff_format", "format --quiet REVISION_SCRIPT_FILENAME"),
        ):
            config.set_section_option("post_write_hooks", f"{name}.type", "exec")
            config.set_section_option("post_write_hooks", f"{name}.executable", ruff)
            config.set_section_option("post_write_hooks", f"{name}.options", options)
    script = command.revision(config, message=message, autogenerate=autogenerate, rev_id=rev_id)
    if script is None or isinstance(script, list):
        raise MigrationError(f"expected one new revision script, got {script!r}")
    return Path(script.path)


def _ruff() -> str | None:
    beside_python = Path(sys.executable).with_name("ruff")
    if os.access(beside_python, os.X_OK):
        return str(beside_python)
    return shutil.which("ruff")
