"""The search's index on PostgreSQL (pg_trgm's GIN, migration 0005): the searched page's plan
uses it, and a role that may not create the extension still migrates (without it)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import asyncpg
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from support.pg_server import PostgresServer

from gql_server.db.engine import create_engine
from gql_server.db.migrate import current, head_revision, make_config, upgrade
from gql_server.queries.docking_events import EventFilter, Ordering, page, probe_or_page

INDEX = "ix_docking_event_search_document_trgm"
_names = itertools.count()


def _sql(statement: Select[tuple[object, ...]] | None) -> str:
    assert statement is not None
    # asyncpg's dialect: its parameters are $n, so a literal % is not doubled.
    return str(
        statement.compile(dialect=pg_asyncpg.dialect(), compile_kwargs={"literal_binds": True})
    )


async def _plan(dsn: str, sql: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        # Few rows: without this the planner reads the table straight through. The plan
        # must be able to use the index; which is cheaper at scale is the benchmark's.
        await conn.execute("SET enable_seqscan = off")
        return "\n".join(row[0] for row in await conn.fetch("EXPLAIN " + sql))
    finally:
        await conn.close()


@pytest.mark.parametrize(
    "statement",
    [
        # The matches of "dragon", first 20 by departure (the probe's fallback). In docking
        # order the page walks the search postings instead (tests/queries/test_search_walk.py).
        page(EventFilter(search="dragon"), [Ordering.DEPARTURE_ASC], 20, 0),
        probe_or_page(EventFilter(search="dragon"), [Ordering.DEPARTURE_ASC], 20, 0),
        # Every term is its own indexed condition.
        page(EventFilter(search="dragon harmony"), [Ordering.DEPARTURE_DESC], 20, 0),
    ],
)
def test_the_searched_page_uses_the_trigram_index(
    pg_server: PostgresServer, statement: Select[tuple[object, ...]]
) -> None:
    name = f"search_plan_{next(_names)}"
    url = pg_server.create_database(name, template="gql_migrated")
    try:
        dsn = url.replace("+asyncpg", "")
        plan = asyncio.run(_plan(dsn, _sql(statement)))
        assert f"Bitmap Index Scan on {INDEX}" in plan, plan
        assert "Seq Scan on docking_event" not in plan, plan
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def restricted(pg_server: PostgresServer) -> Iterator[str]:
    """A new database whose owner role may create tables in its schema but not extensions
    (no CREATE on the database: what a hosted or locked-down database gives an app)."""
    number = next(_names)
    database, role = f"restricted_{number}", f"gateway_app_{number}"
    pg_server.execute(f"CREATE ROLE {role} LOGIN")
    pg_server.create_database(database)
    pg_server.execute(f"REVOKE CREATE ON DATABASE {database} FROM PUBLIC")
    asyncio.run(_as_superuser(pg_server, database, f"GRANT CREATE ON SCHEMA public TO {role}"))
    try:
        yield f"postgresql+asyncpg://{role}@{pg_server.host}:{pg_server.port}/{database}"
    finally:
        pg_server.drop_database(database)
        pg_server.execute(f"DROP ROLE {role}")


def _downgrade_to_base(connection: Connection) -> None:
    with connection.begin():
        command.downgrade(make_config(connection), "base")


async def _as_superuser(server: PostgresServer, database: str, sql: str) -> None:
    conn = await asyncpg.connect(
        host=server.host, port=server.port, user=server.user, database=database
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def test_a_role_that_may_not_create_pg_trgm_migrates_without_the_index(
    restricted: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> tuple[str | None, list[str], list[int], str | None]:
        engine = create_engine(restricted)
        try:
            await upgrade(engine)
            at_head = await current(engine)
            async with engine.connect() as conn:
                indexes = (
                    await conn.execute(
                        text("SELECT indexname FROM pg_indexes WHERE tablename = 'docking_event'")
                    )
                ).scalars()
                names = sorted(indexes)
                # The search still answers, without an index: LIKE over every row.
                hits = (
                    await conn.execute(
                        page(EventFilter(search="dragon"), [Ordering.DOCKING_ASC], 20, 0)
                    )
                ).all()
                extension = (
                    await conn.execute(
                        text("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
                    )
                ).scalar()
            # Down to base (past the index that is not there) and up again.
            async with engine.connect() as conn:
                await conn.run_sync(_downgrade_to_base)
            assert await current(engine) is None
            await upgrade(engine)
            return at_head, names, [row.id for row in hits], extension
        finally:
            await engine.dispose()

    with caplog.at_level("WARNING", logger="gql_server.db.migrate"):
        at_head, names, hits, extension = asyncio.run(scenario())
    assert at_head == head_revision()
    assert extension is None
    assert INDEX not in names
    assert "ix_docking_event_docking_id" in names  # the rest of the schema is there
    assert hits == []  # an empty table, but the searched statement runs
    assert any("search index skipped" in r.getMessage() for r in caplog.records)
