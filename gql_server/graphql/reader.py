"""One request's database reads: one connection, one read transaction, one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable


class Reader:
    """Runs a request's statements on one connection inside one read transaction, so all of
    them see the same snapshot; a lock keeps concurrent loader batches from interleaving."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._opening: asyncio.Future[AsyncConnection] | None = None
        self._lock = asyncio.Lock()

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def rows(self, statement: Executable) -> Sequence[RowMapping]:
        async with self._lock:
            conn = await self._connection()
            return (await conn.execute(statement)).mappings().all()

    async def scalar(self, statement: Executable) -> Any:
        async with self._lock:
            conn = await self._connection()
            return (await conn.execute(statement)).scalar()

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            # Shielded: a request cancelled (timeout) while connecting must still get the
            # connection back to the pool, so the opening finishes and close() can end it.
            self._opening = asyncio.ensure_future(self._open())
            self._conn = await asyncio.shield(self._opening)
        return self._conn

    async def _open(self) -> AsyncConnection:
        conn = await self._engine.connect()
        if conn.dialect.name == "postgresql":
            # READ COMMITTED (the default) takes a new snapshot per statement; a request's
            # statements must all read the data as of its first one.
            conn = await conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        await conn.begin()
        return conn

    async def close(self) -> None:
        """End the read transaction and return the connection; safe to call twice, and
        after a cancellation (the closing itself is shielded from it)."""
        opening, self._opening = self._opening, None
        conn, self._conn = self._conn, None
        if conn is None and opening is not None:
            try:
                conn = await opening
            except Exception:
                return
        if conn is not None:
            await asyncio.shield(self._release(conn))

    @staticmethod
    async def _release(conn: AsyncConnection) -> None:
        try:
            await conn.rollback()
        finally:
            await conn.close()
