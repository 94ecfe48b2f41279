"""Following the data version of one database, for the subscriptions of one app.

Writers bump ``data_version`` in their own transaction (gql_server.ingest.load) and, on
PostgreSQL, ``pg_notify`` on ``DATA_VERSION_CHANNEL`` (delivered at commit). A
``VersionWatch`` notices a new version: on PostgreSQL through ``LISTEN`` with a slow safety
poll, elsewhere (SQLite) by polling the version. The app's lifespan makes one (idle), the
first subscriber starts it, the last one stops it, and the lifespan closes it at shutdown;
subscriptions reach it through their context (``SubscriptionBudget.watch``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.queries.freshness import data_version

log = logging.getLogger("gql_server.subscriptions")

DATA_VERSION_CHANNEL = "gql_data_version"  # PostgreSQL NOTIFY channel: the new data version
POLL_SECONDS = 0.5  # polling period without LISTEN (SQLite): GQL_SUBSCRIPTION_POLL_SECONDS
LISTEN_POLL_SECONDS = 5.0  # safety poll while LISTENing: GQL_SUBSCRIPTION_LISTEN_POLL_SECONDS


class VersionWatch:
    """Follows the data version of one database for every subscription it serves."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        poll_seconds: float = POLL_SECONDS,
        listen_poll_seconds: float = LISTEN_POLL_SECONDS,
    ) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.listen_poll_seconds = listen_poll_seconds
        self.version = -1  # not read yet
        self.users = 0
        self.listening = False
        self._changed = asyncio.Condition()
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """One more subscriber: the first one starts following the version."""
        self.users += 1
        if self._task is None:
            self.version = -1  # what it read before it stopped may be old now
            self._kick.clear()
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def release(self) -> None:
        """One subscriber fewer: with none left, it stops (and its LISTEN connection ends)."""
        self.users -= 1
        if self.users == 0:
            await self.close()

    async def close(self) -> None:
        """Stop following (the lifespan's shutdown; safe to call twice)."""
        if self._task is not None:
            task, self._task = self._task, None
            self.listening = False
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def wait_beyond(self, version: int) -> int:
        """Wait until the data version is past ``version``; the version seen."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.version > version)
            return self.version

    async def _read(self) -> int:
        async with self.engine.connect() as conn:
            return await data_version(conn)

    async def _listen(self) -> Any:
        """A dedicated asyncpg connection LISTENing on the channel, or None (not PostgreSQL,
        or it failed: then polling does the work)."""
        if self.engine.dialect.name != "postgresql":
            return None
        try:
            import asyncpg

            dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            connection = await asyncpg.connect(dsn)
            await connection.add_listener(DATA_VERSION_CHANNEL, lambda *_: self._kick.set())
        except Exception:
            log.warning("LISTEN %s failed; polling instead", DATA_VERSION_CHANNEL, exc_info=True)
            return None
        return connection

    async def _run(self) -> None:
        listener = await self._listen()
        self.listening = listener is not None
        period = self.listen_poll_seconds if listener else self.poll_seconds
        try:
            while True:
                try:
                    version = await self._read()
                except Exception:
                    log.warning("reading the data version failed", exc_info=True)
                    version = self.version
                if version != self.version:
                    async with self._changed:
                        self.version = version
                        self._changed.notify_all()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), period)
                self._kick.clear()
        finally:
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close(timeout=2)
