"""Database helpers shared by the tests: ingest files, read the whole database as a value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from gql_server.db.base import Base
from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.ingest.files import ingest_paths
from support.databases import run


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: the whole database as a value."""

    async def read() -> dict[str, list[tuple[Any, ...]]]:
        engine = create_engine(url)
        await ensure_schema(engine)
        async with engine.connect() as conn:
            tables = {}
            for table in Base.metadata.sorted_tables:
                rows = (await conn.execute(select(table))).all()
                tables[table.name] = sorted((tuple(r) for r in rows), key=repr)
        await engine.dispose()
        return tables

    return run(read())


def ingest(url: str, *paths: Path) -> None:
    """Ingest ``paths`` into the database at ``url`` (migrated first), as the CLI would."""

    async def go() -> None:
        engine = create_engine(url)
        try:
            await ensure_schema(engine, migrate=True)
            await ingest_paths(engine, paths)
        finally:
            await engine.dispose()

    run(go())
