"""What subscriptions may take from a server process: a few database connections of the
pool (the rest stay for HTTP requests) and a bounded replay; and the version watch they share.

Every database read a subscription makes goes through the process's ``DatabaseGate``: the
change-log pages it replays (``gate.hold()`` around the read) and each emission's
resolution (its ``GatedReader`` holds a slot from its first read until it is closed,
which happens as soon as the emission is resolved: ``RequestHooks.on_stream_result`` in graphql/hooks.py).
A subscription never holds a slot while it waits for changes or while a message is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import RowMapping, Table
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from gql_server.db.reader import Reader
from gql_server.db.version_watch import VersionWatch


class DatabaseGate:
    """A semaphore of ``size`` database connections, with counts tests and logs read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.in_use = 0
        self.peak = 0  # most slots ever held at once
        self.waits = 0  # acquisitions that had to wait for a slot
        self._semaphore = asyncio.Semaphore(size)

    async def acquire(self) -> None:
        if self._semaphore.locked():
            self.waits += 1
        await self._semaphore.acquire()
        self.in_use += 1
        self.peak = max(self.peak, self.in_use)

    def release(self) -> None:
        self.in_use -= 1
        self._semaphore.release()

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            self.release()


class GatedReader(Reader):
    """A ``Reader`` that takes a slot of ``gate`` before its first read and gives it back
    when closed (one slot for its one connection)."""

    def __init__(self, engine: AsyncEngine, gate: DatabaseGate) -> None:
        super().__init__(engine)
        self._gate = gate
        self._held = False
        self._taking = asyncio.Lock()  # concurrent loader batches take one slot, not two

    async def _take(self) -> None:
        if self._held:
            return
        async with self._taking:
            if not self._held:
                await self._gate.acquire()
                self._held = True

    async def rows(
        self,
        statement: Executable,
        parameters: dict[str, Any] | None = None,
        *,
        long: bool = True,
    ) -> Sequence[RowMapping]:
        await self._take()
        return await super().rows(statement, parameters, long=long)

    async def rows_by_id(self, table: Table, ids: Sequence[Any]) -> Sequence[Mapping[str, Any]]:
        await self._take()
        return await super().rows_by_id(table, ids)

    async def scalar(self, statement: Executable, *, long: bool = True) -> Any:
        await self._take()
        return await super().scalar(statement, long=long)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self._held:
                self._held = False
                self._gate.release()


@dataclass
class SubscriptionBudget:
    """One per app (``create_app``), reached through ``Context.subscriptions``: what its
    subscriptions may take, and the ``VersionWatch`` they share (the app's lifespan makes
    it at start-up and closes it at shutdown; None outside a running app)."""

    replay_max_versions: int = 1_000
    db_connections: int = 2
    gate: DatabaseGate = field(init=False)
    watch: VersionWatch | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.gate = DatabaseGate(self.db_connections)

    def reader(self, engine: AsyncEngine) -> Reader:
        return GatedReader(engine, self.gate)
