"""The request reader: rows by id come out exactly as SQLAlchemy gives them (on SQLite the
reader skips SQLAlchemy for them and converts the driver's values itself)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from conftest import SEED_DIR
from db_dump import ingest
from sqlalchemy import select

from gql_server.db.base import Base
from gql_server.db.engine import create_engine
from gql_server.graphql.reader import Reader
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
