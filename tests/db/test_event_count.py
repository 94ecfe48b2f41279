"""The kept count of docking events (``docking_event_count``, migration 0010): after every
kind of write the triggers see (ingest's inserts and upserts, removals, a migration onto
data already there, PostgreSQL's TRUNCATE) it equals ``count(*)``, on both backends; an
unfiltered list's ``count`` reads it; on PostgreSQL a statement that adds no event leaves
its row unlocked."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from support.data import SEED_DIR
from support.databases import NewDatabase, run
from support.db_dump import ingest

from gql_server.db.engine import create_engine
from gql_server.db.migrate import make_config, upgrade
from gql_server.db.models import DockingEvent
from gql_server.ingest.load import remove_events
from gql_server.queries import event_filter
from gql_server.queries.event_filter import ALL_EVENTS_COUNT, EventFilter
from gql_server.synthetic import write_pages

COUNT_ALL = select(func.count()).select_from(DockingEvent.__table__)


def kept_and_counted(url: str, write: str | None = None) -> tuple[int, int]:
    """The kept count and ``count(*)``, after running ``write`` (SQL) in a transaction."""

    async def read() -> tuple[int, int]:
        engine = create_engine(url)
        try:
            if write is not None:
                async with engine.begin() as conn:
                    await conn.execute(text(write))
            async with engine.connect() as conn:
                return int(await conn.scalar(ALL_EVENTS_COUNT)), int(await conn.scalar(COUNT_ALL))
        finally:
            await engine.dispose()

    return run(read())


def test_the_kept_count_follows_ingest_and_removal(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, SEED_DIR)
    assert kept_and_counted(db_url) == (7, 7)
    pages = write_pages(tmp_path / "pages", 150, seed=4)
    ingest(db_url, *pages)
    kept, counted = kept_and_counted(db_url)
    assert kept == counted > 150
    ingest(db_url, *pages)  # the same events again: upserts, no new rows
    assert kept_and_counted(db_url) == (counted, counted)

    async def remove() -> int:
        engine = create_engine(db_url)
        try:
            async with engine.begin() as conn:
                ids = list((await conn.scalars(select(DockingEvent.id).limit(7))).all())
                return await remove_events(conn, [*ids, 10**9])
        finally:
            await engine.dispose()

    assert run(remove()) == 7
    assert kept_and_counted(db_url) == (counted - 7, counted - 7)
    # Several rows in one statement, and a statement that deletes none.
    gone = kept_and_counted(
        db_url,
        "DELETE FROM docking_event WHERE id IN (SELECT id FROM docking_event ORDER BY id LIMIT 3)",
    )
    assert gone == (counted - 10, counted - 10)
    assert kept_and_counted(db_url, "DELETE FROM docking_event WHERE id < 0") == gone


def test_the_migration_counts_the_events_already_there(db_url: str) -> None:
    ingest(db_url, SEED_DIR)

    def down(connection: Connection) -> None:
        with connection.begin():
            command.downgrade(make_config(connection), "0009")

    async def back_and_up() -> None:
        engine = create_engine(db_url)
        try:
            async with engine.connect() as conn:
                await conn.run_sync(down)
            await upgrade(engine)
        finally:
            await engine.dispose()

    run(back_and_up())
    assert kept_and_counted(db_url) == (7, 7)
    # The triggers came back with it.
    assert kept_and_counted(db_url, "DELETE FROM docking_event WHERE id = 570") == (6, 6)


def test_truncate_sets_the_kept_count_to_zero_on_postgresql(new_pg_database: NewDatabase) -> None:
    url = new_pg_database()
    ingest(url, SEED_DIR)
    assert kept_and_counted(url, "TRUNCATE docking_event CASCADE") == (0, 0)


def test_only_an_unfiltered_count_reads_the_kept_count() -> None:
    assert event_filter.count(EventFilter()) is ALL_EVENTS_COUNT
    assert event_filter.count(EventFilter(search="  ")) is ALL_EVENTS_COUNT  # no terms
    for where in (EventFilter(search="dragon"), EventFilter(docked=True)):
        assert "count(*)" in str(event_filter.count(where))


def test_an_upsert_that_inserts_nothing_leaves_the_count_unlocked(
    new_pg_database: NewDatabase,
) -> None:
    """A sync pass mostly upserts events already there: on PostgreSQL such a statement does
    not take the kept count's row, so another writer is not held up by it; one that
    inserts does, until it commits."""
    url = new_pg_database()
    ingest(url, SEED_DIR)
    dsn = url.replace("postgresql+asyncpg", "postgresql")

    async def locked_after(write: str) -> bool:
        writer, other = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
        try:
            async with writer.transaction():
                await writer.execute(write)
                try:
                    async with other.transaction():
                        await other.execute("SELECT n FROM docking_event_count FOR UPDATE NOWAIT")
                except asyncpg.LockNotAvailableError:
                    return True
                return False
        finally:
            await writer.close()
            await other.close()

    assert not run(locked_after(UPSERT_570))
    assert run(locked_after(INSERT_COPY_OF_570))


UPSERT_570 = (
    "INSERT INTO docking_event SELECT * FROM docking_event WHERE id = 570 "
    "ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url"
)
INSERT_COPY_OF_570 = (
    "CREATE TEMP TABLE copied AS SELECT * FROM docking_event WHERE id = 570; "
    "UPDATE copied SET id = 999999; INSERT INTO docking_event SELECT * FROM copied"
)
