"""Alembic's environment: how migrations reach the database.

There is no alembic.ini: ``gql_server.db.migrate`` builds the Config in code and hands
the (sync facade of an async) connection over in ``config.attributes["connection"]``.
Without one, a database URL is taken from the ``sqlalchemy.url`` option or the
``DATABASE_URL`` setting, and an async engine is created for it (SQLAlchemy's async
recipe: ``connection.run_sync(do_run_migrations)``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

from gql_server.db import models  # noqa: F401  (registers every table)
from gql_server.db.base import Base
from gql_server.db.migrate import include_object_for, render_item

config = context.config
target_metadata = Base.metadata


def _options(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        "render_as_batch": dialect_name == "sqlite",
        "render_item": render_item,
        "compare_type": True,
        "include_object": include_object_for(dialect_name),
    }


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from gql_server.settings import Settings

    return Settings.from_env().database_url


def run_migrations_offline() -> None:
    """Emit SQL to the script output instead of running it (``alembic upgrade --sql``)."""
    from sqlalchemy.engine import make_url

    url = _url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, **_options(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    from gql_server.db.engine import create_engine

    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
