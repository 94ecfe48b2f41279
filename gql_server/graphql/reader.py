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
        self._lock = asyncio.Lock()

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
            self._conn = await self._engine.connect()
            await self._conn.begin()
        return self._conn

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.rollback()
            await conn.close()
