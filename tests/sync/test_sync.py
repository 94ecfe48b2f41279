"""``sync`` against a fake LL2 on 127.0.0.1: pagination, throttling, faults, resumption.

The yardstick: after every recoverable scenario, the entity tables hold exactly what an
``ingest`` of the same pages holds (plus the same locations and stations, and the same
removals), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import copy
import io
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_ll2 import FakeLL2, reset, slow, status, truncated
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from support.data import ROOT, SEED_PAGE
from support.databases import sqlite_url
from support.pg_server import PostgresServer, require_pg_bin

from gql_server.db.base import Base
from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.db.models import DockingEvent
from gql_server.ingest.files import ingest_paths
from gql_server.ingest.load import load, remove_events
from gql_server.ingest.normalize import normalize_objects
from gql_server.sync import Reporter, RetryPolicy, SyncOptions, SyncReport, run_sync
from gql_server.sync.ledger import last_successful_sync
from gql_server.synthetic import generate_events

PAGE = 10  # events a page: the scenarios span several pages with few events
BOOKKEEPING = {
    "data_version",
    "docking_event_change",
    "sync_run",
    "sync_checkpoint",
    "sync_seen_event",
}
EXTRA_STATION = {
    "id": 901,
    "url": "https://ll.thespacedevs.com/2.3.0/space_stations/901/",
    "name": "Haven Demo",
    "image": None,
    "status": {"id": 1, "name": "Active"},
    "founded": "2026-05-01",
    "deorbited": None,
    "description": "Not docked to yet: only the stations endpoint knows it.",
    "orbit": "Low Earth Orbit",
    "type": {"id": 1, "name": "Government"},
    "owners": [],
    "active_expeditions": [],
    "response_mode": "normal",
}
EXTRA_LOCATION = {
    "id": 902,
    "name": "Haven Demo forward",
    "spacestation": {
        "id": 901,
        "url": EXTRA_STATION["url"],
        "name": "Haven Demo",
        "image": None,
    },
    "spacecraft": None,
    "payload": None,
}
_pg_numbers = itertools.count()


# -- the world ---------------------------------------------------------------------------


def world_events() -> list[dict[str, Any]]:
    """The seed page's 7 real events after 25 synthetic ones: 4 pages of 10 (with them,
    2 pages of 18 docking locations and 1 of 3 stations: 7 pages in all)."""
    return list(generate_events(25, seed=6)) + json.loads(SEED_PAGE.read_text())["results"]


def make_fake() -> FakeLL2:
    fake = FakeLL2(world_events())
    fake.data["space_stations"].append(copy.deepcopy(EXTRA_STATION))
    fake.data["docking_locations"].append(copy.deepcopy(EXTRA_LOCATION))
    return fake


@pytest.fixture
def fake() -> Iterator[FakeLL2]:
    fake = make_fake()
    with fake.serve():
        yield fake


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PostgresServer]:
    with PostgresServer(require_pg_bin()) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one backend: one for the sync, one for the ingest."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "synced.db"), sqlite_url(tmp_path / "ingested.db")
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    names = [f"sync_{next(_pg_numbers)}", f"sync_{next(_pg_numbers)}"]
    try:
        yield server.create_database(names[0]), server.create_database(names[1])
    finally:
        for name in names:
            server.drop_database(name)


@pytest.fixture
def sqlite_urls(tmp_path: Path) -> tuple[str, str]:
    return sqlite_url(tmp_path / "synced.db"), sqlite_url(tmp_path / "ingested.db")


# -- helpers -----------------------------------------------------------------------------


class Waits:
    """An injected sleep: records every wait, waits for nothing."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _engine(url: str) -> AsyncEngine:
    engine = create_engine(url)
    await ensure_schema(engine, migrate=True)
    return engine


def sync(
    url: str | None,
    fake: FakeLL2,
    *,
    waits: Waits | None = None,
    stream: io.StringIO | None = None,
    tty: bool = False,
    **options: Any,
) -> SyncReport:
    """One sync run of the fake into ``url`` (None: a dry run without a database)."""
    options.setdefault("page_size", PAGE)
    options.setdefault("timeout", 5.0)
    policy = options.pop("policy", RetryPolicy(backoff_base=0.01))
    waits = waits or Waits()
    reporter = Reporter(stream if stream is not None else io.StringIO(), tty=tty)

    async def go() -> SyncReport:
        engine = await _engine(url) if url is not None else None
        try:
            return await run_sync(
                engine,
                SyncOptions(base_url=fake.base_url, policy=policy, **options),
                reporter=reporter,
                sleep=waits.sleep,
                random=lambda: 0.5,
            )
        finally:
            if engine is not None:
                await engine.dispose()

    return run(go())


def ingest_pass(url: str, fake: FakeLL2, folder: Path) -> None:
    """What a complete sync of the fake's current data must amount to, done by ingest:
    the event pages as files through ``ingest_paths``, then the location and station
    pages through the same ``load``, then the removal of events the fake no longer has."""
    folder.mkdir(parents=True)
    for number, page in enumerate(fake.pages("docking_events", PAGE), start=1):
        (folder / f"page-{number:04d}.json").write_text(json.dumps(page))

    async def go() -> None:
        engine = await _engine(url)
        try:
            await ingest_paths(engine, [folder])
            for resource, table in (
                ("docking_locations", "docking_location"),
                ("space_stations", "space_station"),
            ):
                for page in fake.pages(resource, PAGE):
                    async with engine.begin() as conn:
                        await load(conn, normalize_objects(page, table))
            current = {e["id"] for e in fake.events}
            async with engine.begin() as conn:
                stored = set((await conn.execute(select(DockingEvent.id))).scalars())
                await remove_events(conn, stored - current)
        finally:
            await engine.dispose()

    run(go())


def dump(url: str, *, bookkeeping: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every entity table (all tables with ``bookkeeping``), stably sorted."""

    async def read() -> dict[str, list[tuple[Any, ...]]]:
        engine = await _engine(url)
        try:
            async with engine.connect() as conn:
                return {
                    table.name: sorted(
                        (tuple(r) for r in (await conn.execute(select(table))).all()), key=repr
                    )
                    for table in Base.metadata.sorted_tables
                    if bookkeeping or table.name not in BOOKKEEPING
                }
        finally:
            await engine.dispose()

    return run(read())


def offsets(fake: FakeLL2, resource: str = "docking_events/", since: int = 0) -> list[int]:
    return [int(q.get("offset", 0)) for p, q, _ in fake.requests[since:] if p == resource]


def event_ids(url: str) -> set[int]:
    return {row[0] for row in dump(url)["docking_event"]}


def runs_of(url: str) -> list[dict[str, Any]]:
    columns = [c.name for c in Base.metadata.tables["sync_run"].columns]
    rows = sorted(dump(url, bookkeeping=True)["sync_run"])
    return [dict(zip(columns, row, strict=True)) for row in rows]


# -- the scenarios -----------------------------------------------------------------------


def test_a_sync_ends_like_an_ingest_of_the_same_data(
    fake: FakeLL2, urls: tuple[str, str], tmp_path: Path
) -> None:
    synced, ingested = urls
    report = sync(synced, fake, api_key="s3cret")
    ingest_pass(ingested, fake, tmp_path / "pages")
    assert report.outcome == "succeeded", report.message
    assert (report.pages, report.events, report.inserted, report.updated) == (7, 32, 32, 0)
    assert dump(synced) == dump(ingested)
    tables = dump(synced, bookkeeping=True)
    assert {r[0] for r in tables["space_station"]} >= {901}  # no event mentions it
    assert {r[0] for r in tables["docking_location"]} >= {902}
    assert tables["sync_checkpoint"] == [] and tables["sync_seen_event"] == []
    (run_row,) = runs_of(synced)
    assert run_row["outcome"] == "succeeded" and run_row["origin_run_id"] == run_row["id"]
    assert (run_row["pages"], run_row["events"], run_row["inserted"]) == (7, 32, 32)
    assert run_row["finished_at"] >= run_row["started_at"]
    # Every request: LL2's paging and mode, a descriptive agent, LL2's token header.
    paths = fake.paths_requested()
    assert paths == ["docking_events/"] * 4 + ["config/docking_locations/"] * 2 + [
        "space_stations/"
    ]
    for _, query, headers in fake.requests:
        assert query["limit"] == str(PAGE)
        assert headers["authorization"] == "Token s3cret"
        assert headers["user-agent"].startswith("gql-server-sync/")
    assert offsets(fake) == [0, 10, 20, 30]
    assert all(q["mode"] == "normal" for p, q, _ in fake.requests if p != paths[4])


def test_recoverable_faults_end_like_an_ingest(
    fake: FakeLL2, urls: tuple[str, str], tmp_path: Path
) -> None:
    synced, ingested = urls
    fake.fail("docking_events", status(429, retry_after="3"), offset=0)
    fake.fail("docking_events", status(500), status(502), status(503), offset=10)
    fake.fail("docking_events", slow(1.5), truncated(), reset(), offset=20)
    fake.fail("space_stations", status(504), truncated())
    waits, stream = Waits(), io.StringIO()
    report = sync(synced, fake, waits=waits, stream=stream, tty=True, timeout=0.5)
    ingest_pass(ingested, fake, tmp_path / "pages")
    assert report.outcome == "succeeded", report.message
    assert dump(synced) == dump(ingested)
    assert offsets(fake) == [0, 0, 10, 10, 10, 10, 20, 20, 20, 20, 30]
    # The 429: a countdown of the 3 seconds Retry-After asked for, one line rewritten.
    out = stream.getvalue()
    for left in ("0:03", "0:02", "0:01"):
        assert f"\rLL2 throttled the request (HTTP 429): continuing in {left}" in out
    assert waits.slept[:3] == [1.0, 1.0, 1.0]
    # Then backoff: doubling from the base (jitter pinned at the middle: 3/4 of it).
    assert waits.slept[3:6] == pytest.approx([0.0075, 0.015, 0.03])
    for problem in (
        "HTTP 500",
        "HTTP 503",
        "timed out (the request took over its 0.5s deadline, --timeout)",
        "invalid JSON",
        "RemoteProtocolError",
    ):
        assert problem in out
    assert "page 4/4: 2 events (2 new, 0 changed)" in out and "rows/s" in out


def test_throttle_waits_as_long_as_the_throttle_endpoint_says(
    fake: FakeLL2, sqlite_urls: tuple[str, str]
) -> None:
    fake.fail("docking_events", status(429), offset=10)  # no Retry-After
    fake.throttle_next_use = 7
    waits = Waits()
    report = sync(sqlite_urls[0], fake, waits=waits, max_pages=2)
    assert report.outcome == "partial"
    assert sum(waits.slept) == 7
    assert "api-throttle/" in fake.paths_requested()


def test_no_wait_stops_cleanly_and_the_next_run_resumes(
    fake: FakeLL2, sqlite_urls: tuple[str, str], tmp_path: Path
) -> None:
    synced, ingested = sqlite_urls
    fake.fail("docking_events", status(429, retry_after="3600"), offset=20)
    waits = Waits()
    stopped = sync(synced, fake, waits=waits, policy=RetryPolicy(no_wait=True))
    assert stopped.outcome == "throttled" and waits.slept == []
    assert "1:00:00" in (stopped.message or "") and "--no-wait" in (stopped.message or "")
    assert stopped.pages == 2 and len(event_ids(synced)) == 20
    tables = dump(synced, bookkeeping=True)
    assert len(tables["sync_seen_event"]) == 20
    (checkpoint,) = tables["sync_checkpoint"]
    assert "offset=20" in checkpoint[6]

    since = len(fake.requests)
    resumed = sync(synced, fake)
    assert resumed.outcome == "succeeded" and resumed.resumed
    assert offsets(fake, since=since) == [20, 30]
    ingest_pass(ingested, fake, tmp_path / "pages")
    assert dump(synced) == dump(ingested)
    first, second = runs_of(synced)
    assert (first["outcome"], second["outcome"]) == ("throttled", "succeeded")
    assert second["origin_run_id"] == first["id"]
    assert (first["pages"], second["pages"]) == (2, 5)


def test_faults_past_the_retries_fail_clearly_then_resume(
    fake: FakeLL2, sqlite_urls: tuple[str, str], tmp_path: Path
) -> None:
    synced, ingested = sqlite_urls
    fake.fail("docking_events", *[status(500)] * 3, offset=10)
    failed = sync(synced, fake, policy=RetryPolicy(attempts=3, backoff_base=0.01))
    assert failed.outcome == "failed"
    assert failed.message == (
        f"GET {fake.base_url}/docking_events/?limit=10&mode=normal&offset=10: "
        "HTTP 500 Internal Server Error; gave up after 3 attempts"
    )
    assert len(event_ids(synced)) == 10  # the first page, whole
    assert runs_of(synced)[0]["message"] == failed.message

    assert sync(synced, fake).outcome == "succeeded"
    ingest_pass(ingested, fake, tmp_path / "pages")
    assert dump(synced) == dump(ingested)


def test_an_invalid_page_is_reported_with_its_json_path_and_not_written(
    fake: FakeLL2, sqlite_urls: tuple[str, str]
) -> None:
    synced = sqlite_urls[0]
    fake.events[13]["docking"] = "soon"
    report = sync(synced, fake)
    assert report.outcome == "failed"
    assert report.message == (
        f"{fake.base_url}/docking_events/?limit=10&mode=normal&offset=10: "
        "$.results[3].docking: expected an ISO 8601 date-time, got 'soon'; "
        "nothing of that page was written"
    )
    assert offsets(fake) == [0, 10]  # not retried: the data is wrong, not the transport
    assert len(event_ids(synced)) == 10


def test_a_changed_and_a_vanished_event_between_two_syncs(
    fake: FakeLL2, urls: tuple[str, str], tmp_path: Path
) -> None:
    synced, ingested = urls
    assert sync(synced, fake).outcome == "succeeded"
    ingest_pass(ingested, fake, tmp_path / "first")
    fake.events[3]["departure"] = "2031-01-01T00:00:00Z"
    vanished = fake.events.pop(5)["id"]
    report = sync(synced, fake)
    ingest_pass(ingested, fake, tmp_path / "second")
    assert report.outcome == "succeeded", report.message
    assert (report.inserted, report.updated, report.deleted) == (0, 1, 1)
    assert report.removed == [vanished]
    assert dump(synced) == dump(ingested)
    log = dump(synced, bookkeeping=True)["docking_event_change"]
    assert [(r[2], r[3]) for r in log if r[3] != "created"] == [
        (fake.events[3]["id"], "updated"),
        (vanished, "removed"),
    ]
    assert [r["deleted"] for r in runs_of(synced)] == [0, 1]


def test_a_partial_run_never_removes_and_restart_starts_over(
    fake: FakeLL2, sqlite_urls: tuple[str, str]
) -> None:
    synced = sqlite_urls[0]
    assert sync(synced, fake).outcome == "succeeded"
    vanished = fake.events.pop(0)["id"]
    partial = sync(synced, fake, max_pages=2)
    assert partial.outcome == "partial" and partial.pages == 2
    assert vanished in event_ids(synced)
    since = len(fake.requests)
    again = sync(synced, fake, max_pages=1, restart=True)  # drops the pass: offset 0 again
    assert again.outcome == "partial" and not again.resumed
    assert offsets(fake, since=since) == [0]
    assert vanished in event_ids(synced)
    done = sync(synced, fake)
    assert done.outcome == "succeeded" and done.resumed and done.removed == [vanished]
    assert vanished not in event_ids(synced)
    outcomes = [r["outcome"] for r in runs_of(synced)]
    assert outcomes == ["succeeded", "partial", "partial", "succeeded"]


def test_a_list_that_moves_during_a_pass_postpones_removal(
    fake: FakeLL2, sqlite_urls: tuple[str, str]
) -> None:
    synced = sqlite_urls[0]
    assert sync(synced, fake).outcome == "succeeded"
    assert sync(synced, fake, max_pages=1).outcome == "partial"
    # Upstream, an event of the first page goes: every later one moves up by one, so the
    # event now at offset 9 (first of the old second page) is never read by this pass.
    vanished = fake.events.pop(0)["id"]
    skipped = fake.events[9]["id"]
    report = sync(synced, fake)
    assert report.outcome == "succeeded"
    assert report.removed == [] and "count of docking events changed" in (report.message or "")
    assert {vanished, skipped} <= event_ids(synced)  # unseen, but kept
    steady = sync(synced, fake)
    assert steady.removed == [vanished] and skipped in event_ids(synced)


def test_an_interrupted_page_leaves_nothing_half_written(
    fake: FakeLL2, sqlite_urls: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gql_server.sync import ledger

    synced, ingested = sqlite_urls
    real_load = ledger.load
    calls = itertools.count(1)

    async def crash_in_second_page(conn: Any, batch: Any) -> Any:
        report = await real_load(conn, batch)  # every row of the page is written ...
        if next(calls) == 2:
            raise KeyboardInterrupt  # ... and then the process is stopped
        return report

    monkeypatch.setattr(ledger, "load", crash_in_second_page)
    with pytest.raises(KeyboardInterrupt):
        sync(synced, fake)
    monkeypatch.setattr(ledger, "load", real_load)
    assert len(event_ids(synced)) == 10
    tables = dump(synced, bookkeeping=True)
    assert len(tables["sync_seen_event"]) == 10
    assert [r["outcome"] for r in runs_of(synced)] == ["interrupted"]

    since = len(fake.requests)
    assert sync(synced, fake).outcome == "succeeded"
    assert offsets(fake, since=since) == [10, 20, 30]
    ingest_pass(ingested, fake, tmp_path / "pages")
    assert dump(synced) == dump(ingested)


def test_a_cancelled_sync_is_recorded_and_resumable(
    fake: FakeLL2, sqlite_urls: tuple[str, str]
) -> None:
    synced = sqlite_urls[0]
    fake.fail("docking_events", slow(1.0), offset=20)

    async def go() -> None:
        engine = await _engine(synced)
        try:
            task = asyncio.create_task(
                run_sync(
                    engine,
                    SyncOptions(base_url=fake.base_url, page_size=PAGE),
                    reporter=Reporter(io.StringIO()),
                )
            )
            while offsets(fake)[-1:] != [20]:
                await asyncio.sleep(0.01)
            task.cancel()  # what Ctrl-C does to asyncio.run's task
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            await engine.dispose()

    run(go())
    assert [r["outcome"] for r in runs_of(synced)] == ["interrupted"]
    assert len(event_ids(synced)) == 20
    assert sync(synced, fake).outcome == "succeeded"


def test_last_successful_sync(fake: FakeLL2, sqlite_urls: tuple[str, str]) -> None:
    synced = sqlite_urls[0]

    async def last() -> Any:
        engine = await _engine(synced)
        try:
            async with engine.connect() as conn:
                return await last_successful_sync(conn)
        finally:
            await engine.dispose()

    assert run(last()) is None
    sync(synced, fake, max_pages=1)
    assert run(last()) is None  # a partial run is no sync of the data
    sync(synced, fake)
    when = run(last())
    finished = runs_of(synced)[-1]["finished_at"]
    assert when == finished and when.tzinfo is not None and when.utcoffset().total_seconds() == 0


def test_dry_run_fetches_and_validates_but_writes_nothing(fake: FakeLL2) -> None:
    report = sync(None, fake, dry_run=True)
    assert report.outcome == "checked" and report.run_id is None
    assert (report.pages, report.events, report.inserted) == (7, 32, 0)
    fake.events[13]["id"] = "x"
    bad = sync(None, fake, dry_run=True)
    assert bad.outcome == "failed" and "$.results[3].id: expected an integer" in (bad.message or "")


def test_another_run_taking_over_stops_the_first(sqlite_urls: tuple[str, str]) -> None:
    from gql_server.ingest.normalize import Batch
    from gql_server.sync.errors import SyncError
    from gql_server.sync.ledger import apply_page, start_run

    async def go() -> None:
        engine = await _engine(sqlite_urls[0])
        try:
            first = await start_run(engine, "http://x/2.3.0", "normal", restart=False)
            second = await start_run(engine, "http://x/2.3.0", "normal", restart=False)
            assert second.resumed and second.checkpoint.origin_run_id == first.run_id
            with pytest.raises(SyncError, match="took the checkpoint over"):
                await apply_page(engine, "u", first.run_id, Batch(), first.checkpoint, 0, None)
            await apply_page(engine, "u", second.run_id, Batch(), second.checkpoint, 0, None)
        finally:
            await engine.dispose()

    run(go())
    assert [r["outcome"] for r in runs_of(sqlite_urls[0])] == ["interrupted", "running"]


# -- the command -------------------------------------------------------------------------


def cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gql_server", "sync", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "DATABASE_URL": sqlite_url(tmp_path / "cli.db"),
            "PATH": "/usr/bin:/bin",
            **(env or {}),
        },
        timeout=60,
    )


def test_cli_syncs_reports_progress_and_reads_the_key_from_the_environment(
    fake: FakeLL2, tmp_path: Path
) -> None:
    done = cli(tmp_path, "--base-url", fake.base_url, env={"LL2_API_KEY": "k3y"})
    assert done.returncode == 0, done.stderr
    assert "docking_events page 1/1: 32 events (32 new, 0 changed)" in done.stderr
    assert "sync complete (run 1): 3 pages, 32 events" in done.stderr
    assert "32 new, 0 changed, 0 removed" in done.stderr
    assert {h["authorization"] for _, _, h in fake.requests} == {"Token k3y"}
    assert len(event_ids(sqlite_url(tmp_path / "cli.db"))) == 32


def test_cli_dry_run_creates_no_database(fake: FakeLL2, tmp_path: Path) -> None:
    done = cli(tmp_path, "--base-url", fake.base_url, "--dry-run", "--max-pages", "1")
    assert done.returncode == 0, done.stderr
    assert "dry run: the pages fetched valid: 1 pages, 32 events" in done.stderr
    assert not (tmp_path / "cli.db").exists()


def test_cli_no_wait_exits_75_and_failures_exit_1(fake: FakeLL2, tmp_path: Path) -> None:
    fake.fail("docking_events", status(429, retry_after="120"))
    throttled = cli(tmp_path, "--base-url", fake.base_url, "--no-wait")
    assert throttled.returncode == 75, throttled.stderr
    assert "HTTP 429" in throttled.stderr and "2:00" in throttled.stderr
    assert "Traceback" not in throttled.stderr
    fake.fail("docking_events", status(404))
    failed = cli(tmp_path, "--base-url", fake.base_url)
    assert failed.returncode == 1
    assert "HTTP 404 Not Found" in failed.stderr and "Traceback" not in failed.stderr


def test_cli_ctrl_c_keeps_whole_pages_and_exits_130(fake: FakeLL2, tmp_path: Path) -> None:
    import os
    import signal
    import time

    fake.max_limit = PAGE  # the command asks for 100 a page
    fake.fail("docking_events", slow(3.0), offset=20)
    # A background job (`.ci/run &`) ignores SIGINT, and a child inherits an ignored signal
    # (a handled one is reset on exec): with a handler here, the command gets the default.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "gql_server", "sync", "--base-url", fake.base_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={"DATABASE_URL": sqlite_url(tmp_path / "cli.db"), "PATH": "/usr/bin:/bin"},
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        deadline = time.monotonic() + 30
        while offsets(fake)[-1:] != [20] and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert "run again to resume" in stderr and "Traceback" not in stderr
    url = sqlite_url(tmp_path / "cli.db")
    assert len(event_ids(url)) == 20
    assert [r["outcome"] for r in runs_of(url)] == ["interrupted"]
    assert "docking_events page 2/4: 10 events (10 new, 0 changed)" in stderr
    assert "INFO" not in stderr


def test_detailed_mode_and_a_checkpoint_of_another_mode(
    fake: FakeLL2, sqlite_urls: tuple[str, str]
) -> None:
    synced = sqlite_urls[0]
    assert sync(synced, fake, max_pages=2).outcome == "partial"
    since = len(fake.requests)
    stream = io.StringIO()
    report = sync(synced, fake, mode="detailed", stream=stream)
    assert report.outcome == "succeeded" and not report.resumed
    assert "the interrupted pass was for" in stream.getvalue()
    modes = {p: q.get("mode") for p, q, _ in fake.requests[since:]}
    assert modes == {
        "docking_events/": "detailed",
        "config/docking_locations/": None,  # the endpoint has no modes
        "space_stations/": "detailed",
    }
    assert offsets(fake, since=since)[0] == 0
