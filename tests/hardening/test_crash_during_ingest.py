"""Under load: ``python -m gql_server ingest`` killed (SIGKILL) in the middle of one long
file's transaction leaves the database exactly as it was; running it again completes."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from support.data import ROOT, SEED_PAGE
from support.databases import run
from support.db_dump import dump, ingest

from gql_server.db.engine import create_engine
from gql_server.synthetic import generate_events

EVENTS = 15_000  # one file: launches, landings and flights pass the 10,000-row progress mark
ID_SHIFT = 1_000_000  # synthetic event ids moved clear of the seed's


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    events = list(generate_events(EVENTS, seed=11))
    for event in events:
        event["id"] += ID_SHIFT
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps({"count": len(events), "results": events}))
    return path


def start_ingest(
    url: str, path: Path
) -> tuple[subprocess.Popen[str], queue.Queue[str | None], threading.Thread]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gql_server", "ingest", str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return process, lines, reader


def writer_is_inside_its_transaction(url: str, backend: str) -> bool:
    """The ingest holds an open write transaction right now."""
    if backend == "sqlite":
        # The write lock is held: BEGIN IMMEDIATE cannot get it (and waits for nothing).
        connection = sqlite3.connect(url.split("///", 1)[1], timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        else:
            connection.execute("ROLLBACK")
            return False
        finally:
            connection.close()

    async def active() -> bool:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                query = text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                )
                return bool((await conn.execute(query)).scalar())
        finally:
            await engine.dispose()

    return bool(run(active()))


def count_events(url: str) -> tuple[int, int]:
    async def go() -> tuple[int, int]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                total = (await conn.execute(text("SELECT count(*) FROM docking_event"))).scalar()
                shifted = (
                    await conn.execute(
                        text("SELECT count(*) FROM docking_event WHERE id > :shift"),
                        {"shift": ID_SHIFT},
                    )
                ).scalar()
                return int(total or 0), int(shifted or 0)
        finally:
            await engine.dispose()

    return run(go())


def test_sigkill_mid_transaction_leaves_the_previous_state(
    db_url: str, backend: str, big_file: Path
) -> None:
    ingest(db_url, SEED_PAGE)
    before = dump(db_url)

    process, lines, reader = start_ingest(db_url, big_file)
    seen: list[str] = []
    try:
        # Well under way: it has written a large table inside the file's one transaction.
        deadline = time.monotonic() + 300
        while not any("rows written" in line for line in seen):
            assert time.monotonic() < deadline, seen
            line = lines.get(timeout=300)
            assert line is not None, f"the ingest ended before any progress: {seen}"
            seen.append(line)
        assert writer_is_inside_its_transaction(db_url, backend)
        assert process.poll() is None, "the ingest finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=30)
        if process.stderr:
            process.stderr.close()
    assert not any(line.startswith("[1/1]") or "ingested" in line for line in seen), seen

    # Nothing of the file, and on SQLite a sound file (the WAL's uncommitted frames dropped).
    assert dump(db_url) == before
    if backend == "sqlite":
        connection = sqlite3.connect(db_url.split("///", 1)[1])
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()

    # Run again: it completes, and every event of the file is there with the seed's seven.
    result = subprocess.run(
        [sys.executable, "-m", "gql_server", "ingest", str(big_file)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert f"ingested {EVENTS} events from 1 files" in result.stderr
    assert count_events(db_url) == (7 + EVENTS, EVENTS)
