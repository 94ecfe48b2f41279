"""asyncpg keeps a connection's prepared statements up to ``MAX_CACHED_STATEMENT_BYTES``
(``gql_server.db.engine``): a statement longer than asyncpg's default 15 KiB is prepared
once and kept, not parsed and planned again on every run; one over the limit is not kept."""

from __future__ import annotations

import asyncio
from typing import Any

from support.pg_server import PostgresServer

from gql_server.db.engine import MAX_CACHED_STATEMENT_BYTES, create_engine


def _statement(size: int) -> str:
    """A statement of ``size`` bytes: one row, padded with a comment."""
    head = "SELECT 1 AS one /* "
    return head + "x" * (size - len(head) - 3) + " */"


async def _kept(url: str, statements: list[str]) -> list[bool]:
    """Whether each statement, run twice on one connection, is among its kept ones."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            kept = []
            for sql in statements:
                for _ in range(2):
                    assert await driver.fetchval(sql) == 1
                prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1"
                kept.append(await driver.fetchval(prepared, sql) == 1)
            return kept
    finally:
        await engine.dispose()


def test_statements_up_to_the_limit_are_kept_prepared(pg_server: PostgresServer) -> None:
    url = pg_server.create_database("statement_cache")
    try:
        sizes = [20 * 1024, MAX_CACHED_STATEMENT_BYTES, MAX_CACHED_STATEMENT_BYTES + 1]
        kept = asyncio.run(_kept(url, [_statement(size) for size in sizes]))
        assert kept == [True, True, False]  # 20 KiB: over asyncpg's default, kept
    finally:
        pg_server.drop_database("statement_cache")
