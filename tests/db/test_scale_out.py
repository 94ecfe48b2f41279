"""Stateless gateways: several processes, one database; reads through a replica URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from support.client import make_client
from support.data import FULL_PAGE_QUERY
from support.databases import NewDatabase, run
from support.db_dump import ingest
from support.servers import serve

from gql_server.db.engine import create_engine
from gql_server.settings import SEED_DIR


def test_two_gateways_one_postgresql_answer_identically(
    new_pg_database: NewDatabase, tmp_path: Path
) -> None:
    url = new_pg_database()
    ingest(url, SEED_DIR)
    body = {"query": FULL_PAGE_QUERY, "variables": {"limit": 100}}
    with (
        serve(url, tmp_path / "first.log", workers=2) as first,
        serve(url, tmp_path / "second.log") as second,
    ):
        answers = [
            httpx.post(f"{base}/graphql", json=body, timeout=30).json()
            for base in (first, second) * 3
        ]
    assert answers[0]["data"]["dockingEvents"]["count"] == 7
    assert all(answer == answers[0] for answer in answers)


def test_reads_go_to_the_read_url(new_database: NewDatabase) -> None:
    writer, replica = new_database(), new_database()
    ingest(replica, SEED_DIR)  # stands in for a replica that has the data
    for client in make_client(writer, seed_dir=None, database_read_url=replica):
        assert client.data("{ dockingEvents { count } }") == {"dockingEvents": {"count": 7}}


def test_serving_needs_only_read_rights(new_pg_database: NewDatabase) -> None:
    url = new_pg_database()
    ingest(url, SEED_DIR)

    async def grant() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.exec_driver_sql(
                    "DO $$ BEGIN CREATE ROLE gateway_reader LOGIN; "
                    "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
                )
                database = url.rsplit("/", 1)[1]
                await conn.exec_driver_sql(
                    f'GRANT CONNECT ON DATABASE "{database}" TO gateway_reader'
                )
                await conn.exec_driver_sql("GRANT USAGE ON SCHEMA public TO gateway_reader")
                await conn.exec_driver_sql(
                    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO gateway_reader"
                )
        finally:
            await engine.dispose()

    run(grant())
    reader_url = url.replace("postgres@", "gateway_reader@", 1)
    assert reader_url != url
    for client in make_client(reader_url):  # seeding is skipped: the database has data
        page = client.data(FULL_PAGE_QUERY, {"limit": 100})
        assert page["dockingEvents"]["count"] == 7
        assert client.http.get("/healthz").status_code == 200
        # And the role really cannot write.
        engine = client.http.app.state.engine  # type: ignore[attr-defined]

        async def try_write(engine: Any = engine) -> str:
            async with engine.connect() as conn:
                try:
                    await conn.exec_driver_sql("DELETE FROM docking_event")
                except Exception as exc:
                    return type(exc).__name__
            return "wrote"

        assert client.http.portal.call(try_write) != "wrote"  # type: ignore[attr-defined]
