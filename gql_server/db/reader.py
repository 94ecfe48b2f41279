"""One request's database reads: one connection, one read transaction, one at a time."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Connection, Dialect, Engine, PoolProxiedConnection, RowMapping, Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from gql_server.db.driver_reading import driver_reading, raw_reading
from gql_server.db.engine import (
    pg_alone,
    raw_statement_watchers,
    read_threads,
    sqlite_alone,
    sqlite_reader,
)
from gql_server.queries.by_id import rows_by_id

T = TypeVar("T")
# SQLite takes at most 32,766 parameters a statement: rows by id are read in slices below.
MAX_IDS_PER_STATEMENT = 10_000


class Reader:
    """Runs a request's statements on one connection inside one read transaction, so all of
    them see the same snapshot; a lock keeps concurrent loader batches from interleaving.

    On PostgreSQL it reads through the async engine. On a SQLite file it reads through a
    synchronous connection (``gql_server.db.engine.sqlite_reader``): short reads (``long``
    false: rows by primary key, the data version) run right on the event loop's thread,
    where they cost microseconds; long ones (a page, a count, a search, a window over
    children) run on one of the engine's worker threads (``read_threads``) so the loop
    keeps serving other requests.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._local: Engine | None = sqlite_reader(engine)
        self._watchers = raw_statement_watchers(engine)
        self._conn: AsyncConnection | None = None
        self._opening: asyncio.Future[AsyncConnection] | None = None
        # SQLite: the pooled driver connection, in the request's transaction from its first
        # read; the SQLAlchemy connection over it only once a statement needs SQLAlchemy
        # (rows by id and point lookups go to the driver: checking out a Connection, and
        # rolling it back and closing it through SQLAlchemy, cost them more than the read).
        self._raw: PoolProxiedConnection | None = None
        self._sync: Connection | None = None
        self._driver: Any = None  # PostgreSQL: the asyncpg connection under ``_conn``
        self._job: Future[Any] | None = None
        self._lock = asyncio.Lock()
        self._deadline: float | None = None  # PostgreSQL, inside ``within``: loop time
        self.statements = 0  # statements this reader ran (the access log and metrics)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    def within(self, seconds: float) -> contextlib.AbstractAsyncContextManager[Any]:
        """A bound of ``seconds`` on the ``rows_alone`` reads inside (the direct lane's):
        TimeoutError when it passes. On PostgreSQL, outside a transaction, asyncpg's own
        timeout (it cancels the statement on the server; ``asyncio.timeout`` cost 9 us
        more), and in the request's transaction ``asyncio.timeout``. A SQLite file's short
        reads run on the loop's thread, where no timeout could interrupt them: none."""
        if self._local is not None:
            return contextlib.nullcontext()
        return _Deadline(self, asyncio.get_running_loop().time() + max(0.0, seconds))

    async def rows(
        self,
        statement: Executable,
        parameters: dict[str, Any] | None = None,
        *,
        long: bool = True,
    ) -> Sequence[RowMapping]:
        self.statements += 1
        async with self._lock:
            if self._local is not None:
                return await self._run(
                    lambda c: c.execute(statement, parameters).mappings().all(), long
                )
            conn = await self._connection()
            return (await conn.execute(statement, parameters)).mappings().all()

    async def rows_alone(
        self, statement: Executable, parameters: dict[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        """A short read that may be the request's only one. On PostgreSQL, when the request
        has no transaction open yet, it runs by itself (autocommit): one statement reads
        one snapshot on its own, so it needs no BEGIN and no ROLLBACK, two round trips of
        three (and it goes to asyncpg directly). A later read opens the request's
        transaction as usual (its own snapshot: the callers read everything the request
        needs in this one statement). On a SQLite file the same, on the reading thread's
        own connection (``sqlite_alone``), straight through pysqlite (a short read: a point
        lookup with its chain). Once a transaction is open, it is one more read of it."""
        self.statements += 1
        async with self._lock:
            if self._local is not None:
                await self._settle()
                if self._raw is None:  # no transaction open: the thread's own connection
                    alone = sqlite_alone(self._engine)
                    return self._sqlite_read(alone, self._local.dialect, statement, parameters)
                return self._sqlite_alone(statement, parameters or {})
            if self._conn is not None or self._opening is not None:
                conn = await self._connection()
                if self._deadline is None:
                    return (await conn.execute(statement, parameters)).all()
                async with asyncio.timeout_at(self._deadline):
                    return (await conn.execute(statement, parameters)).all()
            return await self._alone(statement, parameters)

    def _sqlite_alone(
        self, statement: Executable, parameters: dict[str, Any]
    ) -> Sequence[Sequence[Any]]:
        driver, dialect = self._sqlite_driver()
        return self._sqlite_read(driver, dialect, statement, parameters)

    def _sqlite_read(
        self,
        driver: Any,
        dialect: Dialect,
        statement: Executable,
        parameters: dict[str, Any] | None,
    ) -> Sequence[Sequence[Any]]:
        reading = driver_reading(statement, dialect)
        if reading.converted is None:
            reading.learn([None] * len(reading.types))
        for watch in self._watchers:
            watch(reading.sql)
        cursor = driver.execute(reading.sql, reading.arguments(parameters or {}))
        return [reading.row(values) for values in cursor.fetchall()]

    async def _alone(
        self, statement: Executable, parameters: dict[str, Any] | None
    ) -> Sequence[Sequence[Any]]:
        # Straight to asyncpg (SQLAlchemy would begin a transaction, or still run its
        # execution context, greenlets and results) on a kept connection (``pg_alone``),
        # as ``_driven`` sends it. Not shielded (a task cost 12 us): a read cancelled or
        # timed out mid-statement is cancelled on the server by asyncpg and its connection
        # closed (``give_up``).
        kept = pg_alone(self._engine)
        deadline = self._deadline
        loop = asyncio.get_running_loop()
        if deadline is not None and deadline <= loop.time():
            # Past it already (a loaded server): no connection is taken, or closed.
            raise TimeoutError
        taken = kept.take_kept()
        if taken is None:
            if deadline is None:
                taken = await kept.take()
            else:
                async with asyncio.timeout_at(deadline):
                    taken = await kept.take()
        raw, generation = taken
        ok = False
        try:
            driver = raw.driver_connection
            assert driver is not None
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            rows = await self._driven(driver, statement, parameters, timeout)
            ok = True
        finally:
            if ok:
                await kept.give(raw, generation, True)
            else:
                kept.give_up(raw, generation)
        return rows

    async def rows_driven(
        self, statement: Executable, parameters: dict[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        """On PostgreSQL, a short read of the request's transaction sent to asyncpg itself
        (prepared once per connection, its values converted by the columns' own result
        processors), as ``rows_alone`` sends a read outside one: SQLAlchemy's execution
        (greenlet hops, execution context, result objects) cost a page's joined chain of
        rows more than its round trip. The statement must be one SQLAlchemy caches whole
        (no expanding IN): ``driver_reading`` compiles it once. Elsewhere, ``rows``."""
        if self._local is not None:
            return [
                tuple(row.values()) for row in await self.rows(statement, parameters, long=False)
            ]
        self.statements += 1
        async with self._lock:
            conn = await self._connection()
            driver = self._driver
            if driver is None:
                raw = await conn.get_raw_connection()
                driver = self._driver = raw.driver_connection
            if not driver.is_in_transaction():
                # SQLAlchemy begins on its first statement: this one, then (a read sent to
                # the driver first would run outside the request's snapshot).
                return (await conn.execute(statement, parameters)).all()
            return await self._driven(driver, statement, parameters)

    async def _driven(
        self,
        driver: Any,
        statement: Executable,
        parameters: dict[str, Any] | None,
        timeout: float | None = None,
    ) -> list[tuple[Any, ...]]:
        reading = driver_reading(statement, self._engine.dialect)
        for watch in self._watchers:
            watch(reading.sql)
        arguments = reading.arguments(parameters or {})
        if reading.converted is None:
            # First use in the process: the result types (asyncpg's, by oid) choose the
            # columns' conversions, as SQLAlchemy's cursor would.
            prepared = await driver.prepare(reading.sql, timeout=timeout)
            reading.learn([a.type.oid for a in prepared.get_attributes()])
            records = await prepared.fetch(*arguments, timeout=timeout)
        else:
            records = await driver.fetch(reading.sql, *arguments, timeout=timeout)
        return [reading.row(record) for record in records]

    async def rows_by_id(self, table: Table, ids: Sequence[Any]) -> Sequence[Mapping[str, Any]]:
        """``table``'s rows whose id is in ``ids``: a short read, straight to the driver (a
        few microseconds, not SQLAlchemy's few dozen; on PostgreSQL ``rows_driven``), its
        values converted by the columns' own result processors, as SQLAlchemy's would be."""
        if len(ids) > MAX_IDS_PER_STATEMENT:
            found: list[Mapping[str, Any]] = []
            for start in range(0, len(ids), MAX_IDS_PER_STATEMENT):
                found.extend(
                    await self.rows_by_id(table, ids[start : start + MAX_IDS_PER_STATEMENT])
                )
            return found
        if not ids:
            return []
        if self._local is None:
            names = table.c.keys()  # a new list each call: once, not per row
            rows = await self.rows_driven(rows_by_id(table), {"ids": list(ids)})
            return [dict(zip(names, row, strict=True)) for row in rows]
        async with self._lock:
            await self._settle()
            driver, dialect = self._sqlite_driver()
            reading = raw_reading(table, dialect)
            self.statements += 1
            sql = reading.sql(len(ids))
            for watch in self._watchers:
                watch(sql)
            cursor = driver.execute(sql, [reading.bind(i) for i in ids])
            return [reading.row(values) for values in cursor.fetchall()]

    async def scalar(
        self,
        statement: Executable,
        parameters: dict[str, Any] | None = None,
        *,
        long: bool = True,
    ) -> Any:
        self.statements += 1
        async with self._lock:
            if self._local is not None:
                return await self._run(lambda c: c.execute(statement, parameters).scalar(), long)
            conn = await self._connection()
            return (await conn.execute(statement, parameters)).scalar()

    async def _settle(self) -> None:
        job = self._job
        if job is None or job.done():
            return
        # A long read a cancelled caller left running: the connection is its until done.
        try:
            await asyncio.wrap_future(job)
        except asyncio.CancelledError:
            if not job.cancelled():
                raise  # this task is being cancelled, not the read
        except Exception:
            pass  # its caller is gone; the read's own error is nobody's now

    async def _run(self, work: Callable[[Connection], T], long: bool) -> T:
        await self._settle()
        conn = self._sync_connection()
        if not long:
            return work(conn)
        # In the caller's context: a tracing span current there parents the statement's.
        threads = read_threads(self._engine)  # the engine's: created and closed with it
        assert threads is not None
        self._job = threads.submit(contextvars.copy_context().run, work, conn)
        return await asyncio.wrap_future(self._job)

    def _sqlite_driver(self) -> tuple[Any, Dialect]:
        """The request's pysqlite connection, its read transaction begun, and the dialect."""
        assert self._local is not None
        raw = self._raw
        if raw is None:
            raw = self._local.raw_connection()
            try:
                for watch in self._watchers:
                    watch("BEGIN")
                raw.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
            except BaseException:
                raw.close()
                raise
            self._raw = raw
        return raw.driver_connection, self._local.dialect

    def _sync_connection(self) -> Connection:
        if self._sync is None:
            self._sqlite_driver()
            # Over the connection whose transaction is open: its autobegin sends nothing
            # (the reader engine's begin hook sees the transaction, engine._SqliteReads).
            self._sync = Connection(self._local, connection=self._raw)  # type: ignore[arg-type]
        return self._sync

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
        raw, self._raw = self._raw, None
        sync, self._sync = self._sync, None
        if raw is not None:
            job = self._job
            if job is None or job.done():
                _end_sync(raw, sync)  # nothing to wait for: no await, nothing to shield
            else:
                await asyncio.shield(self._release_sync(raw, sync, job))
        opening, self._opening = self._opening, None
        conn, self._conn = self._conn, None
        self._driver = None
        if conn is None and opening is not None:
            try:
                conn = await opening
            except Exception:
                return
        if conn is not None:
            await asyncio.shield(self._release(conn))

    @staticmethod
    async def _release_sync(
        raw: PoolProxiedConnection, sync: Connection | None, job: Future[Any] | None
    ) -> None:
        try:
            if job is not None and not job.done():
                # A cancelled request's long read is still running on its thread: stop it
                # and wait, so the connection is idle before it goes back to the pool.
                driver = raw.driver_connection
                if driver is not None:
                    driver.interrupt()
                with contextlib.suppress(BaseException):
                    await asyncio.wrap_future(job)
        finally:
            _end_sync(raw, sync)

    @staticmethod
    async def _release(conn: AsyncConnection) -> None:
        try:
            await conn.rollback()
        finally:
            await conn.close()


class _Deadline(contextlib.AbstractAsyncContextManager[None]):
    """``Reader.within`` on PostgreSQL: the reader's deadline, for the time inside."""

    def __init__(self, reader: Reader, deadline: float) -> None:
        self._reader = reader
        self._deadline = deadline

    async def __aenter__(self) -> None:
        self._reader._deadline = self._deadline

    async def __aexit__(self, *_: object) -> None:
        self._reader._deadline = None


def _end_sync(raw: PoolProxiedConnection, sync: Connection | None) -> None:
    """Roll the request's SQLite read transaction back and give the connection back."""
    try:
        if sync is not None:
            sync.rollback()
        else:
            raw.driver_connection.rollback()  # type: ignore[union-attr]
    finally:
        # The SQLAlchemy connection gives the pooled one back when it closes.
        (sync if sync is not None else raw).close()
