"""Engines per database URL, SQLite pragmas, and the SQLite request reads' own engine and
threads. Bringing the schema up to date is ``gql_server.db.migrate``'s (``ensure_schema``)."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine, PoolProxiedConnection, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import greenlet_spawn

from gql_server.db import models  # noqa: F401  (registers every table)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# asyncpg prepares a statement once per connection and keeps it (100 a connection), but
# only statements of at most 15 KiB by default: a longer one is parsed and planned again on
# every request, silently (a searched page with its to-one chain and its probes came to
# 15.7 kB on the way to the search walk, and cost 2-3 times its prepared self; many search
# terms make longer ones). The named statements are one per shape
# (``queries/event_statements``), so 100 of 64 KiB bound a connection's cache.
MAX_CACHED_STATEMENT_BYTES = 64 * 1024


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout, and a
    file's request reads their own synchronous engine and worker threads
    (``sqlite_reader``, ``read_threads``), made here and closed when ``engine`` is disposed:
    whoever owns the engine (the app's lifespan, a command) owns them."""
    if url.startswith("postgresql+asyncpg"):
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("max_cacheable_statement_size", MAX_CACHED_STATEMENT_BYTES)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # pysqlite only opens a transaction before writes; emit BEGIN ourselves so that
        # every statement of a request reads one snapshot (SQLAlchemy's documented recipe).
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        if _is_sqlite_file(engine):
            _READERS[engine] = _SqliteReads(engine)
    return engine


StatementWatcher = Callable[[str], None]
TRANSACTION_CONTROL = frozenset({"BEGIN", "ROLLBACK", "COMMIT"})
READ_THREADS = 4  # long SQLite reads of one engine at once (pages, counts, searches)


class _SqliteReads:
    """What a SQLite file's request reads need besides ``engine``: a synchronous engine
    on the same file, worker threads for long reads, and who watches the statements sent
    to the driver directly. Disposing of ``engine`` disposes of them (its pool may be used
    again after: a disposed engine's is; so are these, the threads started anew)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = create_sync_engine(
            engine.url.set(drivername="sqlite"),
            # A request's connection may run a long read on a worker thread; requests
            # never share one (each holds its own until it ends).
            connect_args={"check_same_thread": False},
            pool_size=8,
            max_overflow=-1,  # never wait for a connection: waiting would block the loop
        )
        self.watchers: list[StatementWatcher] = []
        # Per thread that reads (the event loop's, the heavy lane's): a connection of its
        # own for reads of one statement (``alone``), held until the engine is disposed.
        self._alone = threading.local()
        self._held: list[Any] = []
        self._held_lock = threading.Lock()
        # No thread starts before the first long read.
        self.threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="sqlite-read")
        event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "begin", self._begin)
        event.listen(engine.sync_engine, "engine_disposed", self._dispose)

    def _begin(self, conn: Any) -> None:
        # Request reads never write: a plain BEGIN, sent to pysqlite itself (through
        # SQLAlchemy's exec_driver_sql it cost about a tenth of a point lookup's time);
        # the statement watchers hear of it as they would have. The request reader
        # begins on the driver connection first (Reader._sqlite_driver) and opens a
        # SQLAlchemy connection over it later: that one's transaction is open already.
        driver = conn.connection.dbapi_connection
        if driver.in_transaction:
            return
        for watch in self.watchers:
            watch("BEGIN")
        driver.execute("BEGIN")

    def alone(self) -> Any:
        """The calling thread's own pysqlite connection, in autocommit: a read of one
        statement sees one snapshot by itself, so it needs no BEGIN, no ROLLBACK and no
        connection of the request's own (checking one out of the pool and giving it back
        cost more than a point lookup's read). Reads on it are synchronous, so the thread's
        requests never interleave on it."""
        raw = getattr(self._alone, "raw", None)
        if raw is None:
            raw = self.engine.raw_connection()
            with self._held_lock:
                self._held.append(raw)
            self._alone.raw = raw
        return raw.driver_connection

    def _dispose(self, _engine: Any) -> None:
        with self._held_lock:
            held, self._held = self._held, []
            self._alone = threading.local()
        for raw in held:
            raw.close()
        threads = self.threads
        self.threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="sqlite-read")
        # Not waiting: a read a cancelled request left running is being interrupted by
        # its reader (Reader.close), which waits for it itself.
        threads.shutdown(wait=False)
        self.engine.dispose()


# Per async engine on a SQLite file, its request reads' resources. An engine's attributes
# in all but name (AsyncEngine has __slots__): made by ``create_engine``, closed by the
# engine's disposal, so they live exactly as long as their owner's engine, and two apps
# (two engines) never share them. Weak: a forgotten engine takes its entry with it.
_READERS: weakref.WeakKeyDictionary[AsyncEngine, _SqliteReads] = weakref.WeakKeyDictionary()


def _is_sqlite_file(engine: AsyncEngine) -> bool:
    if engine.url.database in (None, "", ":memory:"):
        return False
    return "memory" not in str(engine.url.query.get("mode", ""))


def sqlite_reader(engine: AsyncEngine) -> Engine | None:
    """For a SQLite file, a synchronous engine on the same file for request reads (None for
    other databases). A read through aiosqlite costs several thread hand-offs (cursor,
    execute, fetch); pysqlite on the event loop's thread costs none, and the short reads
    (rows by id, the data version) run there. Disposed with ``engine``."""
    found = _READERS.get(engine)
    return None if found is None else found.engine


def sqlite_alone(engine: AsyncEngine) -> Any:
    """For a SQLite file, the calling thread's own driver connection for reads of one
    statement, outside any transaction (``_SqliteReads.alone``); None for other databases."""
    found = _READERS.get(engine)
    return None if found is None else found.alone()


def read_threads(engine: AsyncEngine) -> ThreadPoolExecutor | None:
    """Where a SQLite file's long request reads run, off the event loop's thread (None
    for other databases). Shut down with ``engine``."""
    found = _READERS.get(engine)
    return None if found is None else found.threads


# Connections kept aside for PostgreSQL reads of one statement, per engine (``pg_alone``).
ALONE_CONNECTIONS = 4


class _PgAlone:
    """An async engine's connections for reads of one statement outside any transaction
    (``Reader.rows_alone`` on PostgreSQL: a point lookup with its chain). Up to
    ``ALONE_CONNECTIONS`` stay checked out of the engine's pool between reads, so a read
    costs a list's pop and append instead of the pool's checkout and return (with their
    greenlet hops and reset: 44 to 50 us of CPU in a loop apart; in the app the checkout
    alone took 60 us of a point lookup's 600). More at once
    check out and return as usual. They never hold a transaction (autocommit, one
    statement). A read that fails closes its connection (``give(ok=False)``); disposing
    of the engine closes the kept ones, and any given back after it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.free: list[PoolProxiedConnection] = []
        self.generation = 0  # disposals so far: a connection of an older pool is closed
        self.closing: set[asyncio.Future[None]] = set()  # ``give_up``'s, until done
        event.listen(engine.sync_engine, "engine_disposed", self._dispose)

    def take_kept(self) -> tuple[PoolProxiedConnection, int] | None:
        """A kept connection, or None when none is free (``take`` then checks one out)."""
        if self.free:
            return self.free.pop(), self.generation
        return None

    async def take(self) -> tuple[PoolProxiedConnection, int]:
        kept = self.take_kept()
        if kept is not None:
            return kept
        return await self.engine.raw_connection(), self.generation

    async def give(self, raw: PoolProxiedConnection, generation: int, ok: bool) -> None:
        if ok and generation == self.generation:
            if len(self.free) < ALONE_CONNECTIONS:
                self.free.append(raw)
            else:
                await greenlet_spawn(raw.close)
            return
        # Failed (the connection may be broken, or mid-statement), or its pool is gone.
        await greenlet_spawn(raw.invalidate)

    def give_up(self, raw: PoolProxiedConnection, generation: int) -> None:
        """``give(ok=False)`` without waiting for it: a read cancelled or timed out
        mid-statement answers at once, while asyncpg has the statement cancelled on the
        server and closes the connection (its close waits for the cancel, at most 2 s)."""
        task = asyncio.ensure_future(self.give(raw, generation, False))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    def _dispose(self, _engine: Any) -> None:
        # In the disposal's greenlet, after the pool's own: closing the driver connections
        # is awaited there, as the pool's are.
        self.generation += 1
        free, self.free = self.free, []
        for raw in free:
            raw.invalidate()


_PG_ALONE: weakref.WeakKeyDictionary[AsyncEngine, _PgAlone] = weakref.WeakKeyDictionary()


def pg_alone(engine: AsyncEngine) -> _PgAlone:
    """The connections ``engine`` (not a SQLite file's) keeps for reads of one statement."""
    found = _PG_ALONE.get(engine)
    if found is None:
        found = _PG_ALONE[engine] = _PgAlone(engine)
    return found


# Per async engine: the engines made for other event loops on the same database.
_SIBLINGS: weakref.WeakKeyDictionary[AsyncEngine, list[AsyncEngine]] = weakref.WeakKeyDictionary()


def sibling_engine(engine: AsyncEngine) -> AsyncEngine:
    """An engine on ``engine``'s database for the running event loop, which is another
    one than ``engine``'s (asyncpg's connections belong to the loop that opened them). A
    SQLite file's requests read through its synchronous reader, which any thread may use:
    there it is ``engine`` itself. Who watches ``engine``'s statements hears the sibling's
    (``watch_statements``); the caller disposes of it."""
    if sqlite_reader(engine) is not None:
        return engine
    sibling = create_engine(engine.url.render_as_string(hide_password=False))
    _SIBLINGS.setdefault(engine, []).append(sibling)
    _RAW_WATCHERS[sibling] = raw_statement_watchers(engine)
    return sibling


# Per async engine on another database than SQLite: who hears of the statements the request
# reader sends to the driver itself (a sibling engine shares its original's list).
_RAW_WATCHERS: weakref.WeakKeyDictionary[AsyncEngine, list[StatementWatcher]] = (
    weakref.WeakKeyDictionary()
)


def raw_statement_watchers(engine: AsyncEngine) -> list[StatementWatcher]:
    """Who must hear of the statements the request reader sends to the driver itself,
    past SQLAlchemy's events (``Reader.rows_by_id`` on SQLite, ``Reader.rows_alone``)."""
    found = _READERS.get(engine)
    if found is not None:
        return found.watchers
    watchers = _RAW_WATCHERS.get(engine)  # a look-up: setdefault makes a weak reference
    return watchers if watchers is not None else _RAW_WATCHERS.setdefault(engine, [])


def watch_statements(engine: AsyncEngine, watcher: StatementWatcher) -> Callable[[], None]:
    """Call ``watcher`` with the text of every statement run for ``engine``'s requests and
    writes: SQLAlchemy's ``before_cursor_execute`` events on its engines, and the request
    reader's own driver calls. Returns the function that stops watching. Tests and the
    benchmark count statements with it."""

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        watcher(statement)

    reader = sqlite_reader(engine)
    engines = [engine.sync_engine, *([reader] if reader is not None else [])]
    engines += [sibling.sync_engine for sibling in _SIBLINGS.get(engine, [])]
    for target in engines:
        event.listen(target, "before_cursor_execute", before)
    watchers = raw_statement_watchers(engine)
    watchers.append(watcher)

    def stop() -> None:
        for target in engines:
            event.remove(target, "before_cursor_execute", before)
        if watcher in watchers:
            watchers.remove(watcher)

    return stop


# Execution option of a connection whose transactions write (``writing``).
WRITES = "gql_writes"


def writing(engine: AsyncEngine) -> AsyncEngine:
    """``engine`` for transactions that write. On SQLite they begin with ``BEGIN
    IMMEDIATE``: the write lock is taken first, waiting (up to the busy timeout) for
    another writer to finish. A plain ``BEGIN`` reads first and asks for the lock at its
    first write, and SQLite fails that at once ("database is locked") when another
    connection wrote in between: two workers migrating a new database at start-up did."""
    return engine.execution_options(**{WRITES: True})


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITES) else "BEGIN")


WAL_ATTEMPTS = 100  # tries to switch a new file to WAL, 50 ms apart (5 s in all)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Processes opening a new file at once all switch it to WAL; SQLite answers "database
    # is locked" at once, without waiting, to all but one of them when their locks could
    # deadlock (CI saw it with four workers starting together), so the switch is retried.
    for attempt in range(WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except Exception as error:
            if "locked" not in str(error) or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
