"""The request reader: rows by id come out exactly as SQLAlchemy gives them (on SQLite the
reader skips SQLAlchemy for them and converts the driver's values itself)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from support.data import SEED_DIR
from support.db_dump import ingest

from gql_server.db.base import Base
from gql_server.db.engine import ALONE_CONNECTIONS, create_engine, pg_alone
from gql_server.db.reader import Reader
from gql_server.synthetic import write_pages


def as_text(row: Any) -> dict[str, str]:
    return {name: repr(value) for name, value in dict(row).items()}


def test_rows_by_id_equal_sqlalchemy_rows_for_every_table(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, SEED_DIR, *write_pages(tmp_path / "pages", 120, seed=3))

    async def check() -> int:
        engine = create_engine(db_url)
        compared = 0
        try:
            for table in Base.metadata.sorted_tables:
                if "id" not in table.c:
                    continue
                reader = Reader(engine)
                try:
                    ids = [r["id"] for r in await reader.rows(select(table.c.id).limit(60))]
                    if not ids:
                        continue
                    fast = await reader.rows_by_id(table, [*ids, *ids[:3]])  # repeats too
                    assert await reader.rows_by_id(table, []) == []
                    slow = await reader.rows(select(table).where(table.c.id.in_(ids)))
                finally:
                    await reader.close()

                def key(row: dict[str, str]) -> str:
                    return row["id"]

                # repr: the same types too (True is 1 to ==, not to repr), time zones included.
                assert sorted((as_text(r) for r in fast), key=key) == sorted(
                    (as_text(r) for r in slow), key=key
                ), table.name
                compared += 1
        finally:
            await engine.dispose()
        return compared

    assert asyncio.run(check()) >= 20  # the tables the data fills


def test_rows_by_id_reads_more_ids_than_one_statement_takes(db_url: str) -> None:
    ingest(db_url, SEED_DIR)

    async def check() -> tuple[int, int]:
        engine = create_engine(db_url)
        reader = Reader(engine)
        try:
            events = Base.metadata.tables["docking_event"]
            known = [r["id"] for r in await reader.rows(select(events.c.id))]
            asked = known + list(range(10**6, 10**6 + 40_000))  # unknown ids fill the rest
            return len(await reader.rows_by_id(events, asked)), len(known)
        finally:
            await reader.close()
            await engine.dispose()

    found, known = asyncio.run(check())
    assert found == known > 0


def test_a_cancelled_long_read_is_interrupted_and_its_connection_reused(tmp_path: Path) -> None:
    """SQLite: a long read runs on a worker thread; when its request is cancelled (the
    timeout), closing the reader interrupts it instead of waiting for it (this one would
    run for hours), and the pool hands the connection out again in a working state."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}"
    forever = text(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000000000) "
        "SELECT count(*) FROM n"
    )

    async def scenario() -> int:
        engine = create_engine(url)
        try:
            reader = Reader(engine)
            task = asyncio.ensure_future(reader.scalar(forever))
            await asyncio.sleep(0.2)  # the read is running on its thread by now
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await reader.close()
            again = Reader(engine)
            try:
                return int(await again.scalar(text("SELECT 41 + 1")))
            finally:
                await again.close()
        finally:
            await engine.dispose()

    assert asyncio.run(scenario()) == 42


def test_driven_reads_share_the_request_s_snapshot(db_url: str, backend: str) -> None:
    """``rows_driven`` (a page's joined chain, sent to asyncpg itself on PostgreSQL) reads in
    the request's transaction: the same transaction start as the SQLAlchemy reads, first or
    after them, and the same rows as ``rows`` gives; on SQLite it is ``rows``."""
    ingest(db_url, SEED_DIR)
    table = Base.metadata.tables["docking_event"]
    events = select(table.c.id, table.c.docking).order_by(table.c.id).limit(3)

    async def check() -> None:
        engine = create_engine(db_url)
        try:
            reader = Reader(engine)
            try:
                if backend == "postgresql":
                    started = select(func.now(), func.txid_current_if_assigned().is_(None))
                    first = await reader.rows_driven(started)  # begins, through SQLAlchemy
                    second = await reader.rows_driven(started)  # through asyncpg
                    (via_sqlalchemy,) = await reader.rows(started)
                    assert first == second == [tuple(via_sqlalchemy.values())]
                    assert reader._driver is not None and reader._driver.is_in_transaction()
                driven = await reader.rows_driven(events)
                assert len(driven) == 3
                assert driven == [tuple(r.values()) for r in await reader.rows(events)]
            finally:
                await reader.close()
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_postgresql_keeps_at_most_its_budget_of_alone_connections(new_pg_database: Any) -> None:
    """One more one-statement read at once than ``ALONE_CONNECTIONS``: all of them are
    served, the budget's worth stay checked out for the next reads, the one over it goes
    back to the pool; disposing of the engine closes the kept ones."""
    url = new_pg_database()

    async def check() -> None:
        engine = create_engine(url)
        kept = pg_alone(engine)
        try:
            taken = [await kept.take() for _ in range(ALONE_CONNECTIONS + 1)]
            assert engine.pool.checkedout() == ALONE_CONNECTIONS + 1  # type: ignore[attr-defined]
            for raw, generation in taken:
                await kept.give(raw, generation, ok=True)
            assert len(kept.free) == ALONE_CONNECTIONS
            assert engine.pool.checkedout() == ALONE_CONNECTIONS  # type: ignore[attr-defined]
        finally:
            await engine.dispose()
        assert kept.free == []

    asyncio.run(check())


def test_postgresql_one_statement_read_past_its_bound_is_cancelled_on_the_server(
    new_pg_database: Any,
) -> None:
    """A read of one statement inside ``within(0.3)`` that would take 30 s: TimeoutError
    within seconds, the statement no longer runs on the server (asyncpg cancelled it), its
    connection is not kept, and the next read is served. The same inside the request's
    transaction, and for a read whose request is cancelled."""
    url = new_pg_database()
    slow = select(func.pg_sleep(30))
    running = text("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")

    async def still_running(engine: Any) -> int:
        for _ in range(50):  # the cancel request travels on a connection of its own
            reader = Reader(engine)
            try:
                count = int(await reader.scalar(running))
            finally:
                await reader.close()
            if count == 0:
                return 0
            await asyncio.sleep(0.1)
        return count

    async def times_out(reader: Reader) -> None:
        started = asyncio.get_running_loop().time()
        with pytest.raises(TimeoutError):
            async with reader.within(0.3):
                await reader.rows_alone(slow)
        assert asyncio.get_running_loop().time() - started < 5

    async def check() -> None:
        engine = create_engine(url)
        kept = pg_alone(engine)
        try:
            reader = Reader(engine)
            await times_out(reader)
            await reader.close()
            assert kept.free == []  # the timed-out connection was closed, not kept
            assert await still_running(engine) == 0
            for _ in range(50):  # closed in the background (asyncpg waits for the cancel)
                if not kept.closing:
                    break
                await asyncio.sleep(0.1)
            assert kept.closing == set()

            # In the request's transaction (an earlier read opened it): bounded too.
            reader = Reader(engine)
            assert await reader.scalar(select(func.abs(-1))) == 1
            await times_out(reader)
            await reader.close()
            assert await still_running(engine) == 0

            reader = Reader(engine)
            task = asyncio.ensure_future(reader.rows_alone(slow))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await reader.close()
            assert kept.free == []
            assert await still_running(engine) == 0

            reader = Reader(engine)
            try:
                assert await reader.rows_alone(select(func.abs(-7))) == [(7,)]
            finally:
                await reader.close()
            assert len(kept.free) == 1
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_postgresql_read_past_its_deadline_already_takes_no_connection(
    new_pg_database: Any,
) -> None:
    """Under ``within(0)`` a read of one statement raises TimeoutError before it takes a
    connection: the kept one stays kept (a loaded server would otherwise close one for every
    late request, and open another for the next)."""
    url = new_pg_database()

    async def check() -> None:
        engine = create_engine(url)
        kept = pg_alone(engine)
        try:
            reader = Reader(engine)
            assert await reader.rows_alone(select(func.abs(-7))) == [(7,)]
            await reader.close()
            (connection,) = kept.free
            reader = Reader(engine)
            with pytest.raises(TimeoutError):
                async with reader.within(0):
                    await reader.rows_alone(select(func.abs(-8)))
            await reader.close()
            assert kept.free == [connection] and kept.closing == set()
        finally:
            await engine.dispose()

    asyncio.run(check())
