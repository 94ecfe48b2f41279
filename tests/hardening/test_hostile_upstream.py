"""Finding 8: ``sync`` against a broken or hostile LL2, served on 127.0.0.1.

Each hostile upstream (an endless body, a body trickled a byte every 0.5 s, ``next`` links
that loop A -> B -> A, empty pages with an offset growing past ``count``, pages past the
budget ``count`` allows, ``Retry-After`` of a billion seconds / ``inf`` / ``nan`` / ``-5``
/ an HTTP date, a redirect to another origin) is stopped with a clear message and the
right exit code, and leaves whole pages only: the page it came with is not written. Each
limit is shown holding at its value and refusing just past it.

Then the data version: re-ingesting or re-syncing identical data leaves it (and the change
log) alone, a real change moves it, on SQLite and PostgreSQL; and the response cache still
answers a fresh ``dataUpdatedAt`` after a sync that changed nothing.
"""

from __future__ import annotations

import asyncio
import copy
import gzip
import io
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import pytest
import uvicorn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from support.client import make_client
from support.data import ROOT, SEED_PAGE, seed_events
from support.databases import run, sqlite_url

from gql_server.db.engine import create_engine
from gql_server.db.migrate import ensure_schema
from gql_server.db.models import DockingEvent, DockingEventChange
from gql_server.ingest.files import ingest_paths
from gql_server.queries.freshness import data_version
from gql_server.sync import Reporter, RetryPolicy, SyncOptions, SyncReport, run_sync
from gql_server.sync.responses import retry_after

PREFIX = "/2.3.0"
EMPTY_PAGE = {"count": 0, "next": None, "previous": None, "results": []}
ENDLESS_CHUNK = 64 * 1024
ENDLESS_CHUNKS = 100_000  # 6.5 GB if nobody stopped reading: bounded all the same
Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
# How the events endpoint answers one request: (upstream, offset, limit, send, receive).
Behaviour = Callable[["Upstream", int, int, Send, Receive], Awaitable[None]]


# -- the hostile upstream ------------------------------------------------------------------


class Upstream:
    """An LL2 of the seed's 7 events, as a bare ASGI app: ``docking_events/`` answers with
    ``behaviour`` (honest offset pagination unless a test sets another), the locations and
    stations endpoints with an empty page, ``api-throttle/`` with ``throttle`` if set."""

    def __init__(self) -> None:
        self.events = seed_events()
        self.max_limit = 100
        self.link_limit: int | None = None  # the limit written in links (default: served)
        self.behaviour: Behaviour = honest
        self.throttle: Any = None  # the api-throttle/ body (404 when None)
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.sent: list[int] = []  # body bytes sent, per docking_events request
        self.base_url = ""  # set when served

    def link(self, offset: int, limit: int) -> str:
        limit = self.link_limit or limit
        return f"{self.base_url}/docking_events/?limit={limit}&mode=normal&offset={offset}"

    def page(self, offset: int, limit: int, *, next_at: int | str | None = "auto") -> bytes:
        """The events page at ``offset``: items by offset, the next link honest
        (``"auto"``), at ``next_at``, or none."""
        count = len(self.events)
        if next_at == "auto":
            next_at = offset + limit if offset + limit < count else None
        return json.dumps(
            {
                "count": count,
                "next": None if next_at is None else self.link(int(next_at), limit),
                "previous": None,
                "results": copy.deepcopy(self.events[offset : offset + limit]),
            }
        ).encode()

    def events_requested(self) -> list[int]:
        return [int(q.get("offset", 0)) for p, q, _ in self.requests if p == "docking_events/"]

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        path = scope["path"].removeprefix(PREFIX + "/")
        query = dict(parse_qsl(scope["query_string"].decode()))
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append((path, query, headers))
        if path == "docking_events/":
            limit = min(int(query.get("limit", "10")), self.max_limit)
            self.sent.append(0)
            await self.behaviour(self, int(query.get("offset", "0")), limit, send, receive)
        elif path in ("config/docking_locations/", "space_stations/"):
            await reply(send, 200, json.dumps(EMPTY_PAGE).encode())
        elif path == "api-throttle/" and self.throttle is not None:
            await reply(send, 200, json.dumps(self.throttle).encode())
        else:
            await reply(send, 404, b'{"detail": "Not found."}')


async def reply(
    send: Send, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def honest(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
    await reply(send, 200, up.page(offset, limit))


def on_second_page(behaviour: Behaviour) -> Behaviour:
    """``behaviour`` for every page past the first; the first page is honest, so each test
    shows the page before the hostile one written whole and the hostile one not at all."""

    async def answer(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        await (honest if offset == 0 else behaviour)(up, offset, limit, send, receive)

    return answer


def watch_disconnect(receive: Receive) -> asyncio.Event:
    """An event set when the client goes away (so a streaming answer stops)."""
    gone = asyncio.Event()

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    task = asyncio.get_running_loop().create_task(watch())
    gone.task = task  # type: ignore[attr-defined]  # keep a reference
    return gone


async def endless(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
    """A 200 whose JSON never ends: a page opening, then whitespace for ever (bounded)."""
    gone = watch_disconnect(receive)
    start = [(b"content-type", b"application/json")]  # no length: chunked
    await send({"type": "http.response.start", "status": 200, "headers": start})
    await send(
        {"type": "http.response.body", "body": b'{"count": 7, "results": [', "more_body": True}
    )
    chunk = b" " * ENDLESS_CHUNK
    for _ in range(ENDLESS_CHUNKS):
        if gone.is_set():
            return
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
        up.sent[-1] += len(chunk)
        await asyncio.sleep(0)  # let the disconnect be seen


def trickled(every: float) -> Behaviour:
    """The honest page, one byte every ``every`` seconds."""

    async def answer(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        gone = watch_disconnect(receive)
        body = up.page(offset, limit)
        head = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        for index in range(len(body)):
            if gone.is_set():
                return
            more = index + 1 < len(body)
            await send(
                {"type": "http.response.body", "body": body[index : index + 1], "more_body": more}
            )
            up.sent[-1] += 1
            await asyncio.sleep(every)

    return answer


def padded_to(size: int, *, declared: bool = False) -> Behaviour:
    """The honest page padded with whitespace to exactly ``size`` bytes: sent with its
    ``Content-Length`` if ``declared``, else chunked (the client learns its size reading)."""

    async def answer(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        body = up.page(offset, limit)
        body += b" " * (size - len(body))
        if declared:
            return await reply(send, 200, body)
        head = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        for at in range(0, len(body), 4096):
            await send(
                {"type": "http.response.body", "body": body[at : at + 4096], "more_body": True}
            )
        await send({"type": "http.response.body", "body": b""})

    return answer


def encoded(coding: str, padding: int = 0) -> Behaviour:
    """The honest page (then ``padding`` spaces) sent compressed with ``coding``: gzip,
    deflate (zlib), raw-deflate (deflate without its header, as some servers send) or
    any other name (sent as is, unsupported). A big padding is a decompression bomb."""

    async def answer(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}.get(coding, 15)
        packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        data = packer.compress(up.page(offset, limit))
        for _ in range(padding // 1_000_000):
            data += packer.compress(b" " * 1_000_000)
        data += packer.compress(b" " * (padding % 1_000_000)) + packer.flush()
        name = "deflate" if coding == "raw-deflate" else coding
        await reply(send, 200, data, {"Content-Encoding": name})

    return answer


def throttled(retry_after: str | None) -> Behaviour:
    """HTTP 429 with this ``Retry-After`` (None: without one) on the first request it
    answers, then honest pages."""
    answered = {"429": False}

    async def answer(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        if answered["429"]:
            return await honest(up, offset, limit, send, receive)
        answered["429"] = True
        headers = {} if retry_after is None else {"Retry-After": retry_after}
        await reply(send, 429, b'{"detail": "Request was throttled."}', headers)

    return answer


def redirect_to(target: Callable[[Upstream, int, int], str]) -> Behaviour:
    async def answer(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        await reply(send, 302, b"", {"Location": target(up, offset, limit)})

    return answer


# -- serving -----------------------------------------------------------------------------


class Served:
    """An ASGI app under uvicorn on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app: Upstream) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        app.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}{PREFIX}"
        config = uvicorn.Config(
            app,
            lifespan="off",
            ws="none",
            http="h11",
            log_level="critical",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> Upstream:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the hostile upstream did not start")
            time.sleep(0.01)
        return self.app

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Served(Upstream()) as up:
        yield up


# -- running a sync ------------------------------------------------------------------------


class Waits:
    """An injected sleep: records every wait, waits for nothing."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)


async def _engine(url: str) -> AsyncEngine:
    engine = create_engine(url)
    await ensure_schema(engine, migrate=True)
    return engine


def sync(url: str | None, up: Upstream, waits: Waits | None = None, **options: Any) -> SyncReport:
    """One sync run in this process (None: a dry run without a database)."""
    options.setdefault("page_size", 4)
    options.setdefault("timeout", 5.0)
    policy = options.pop("policy", RetryPolicy(backoff_base=0.01))

    async def go() -> SyncReport:
        engine = await _engine(url) if url is not None else None
        try:
            return await run_sync(
                engine,
                SyncOptions(base_url=up.base_url, policy=policy, **options),
                reporter=Reporter(io.StringIO()),
                sleep=(waits or Waits()).sleep,
                random=lambda: 0.5,
            )
        finally:
            if engine is not None:
                await engine.dispose()

    return run(go())


def cli(
    db: Path, up: Upstream, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m gql_server sync`` against the upstream, into the SQLite file ``db``."""
    return subprocess.run(
        [sys.executable, "-m", "gql_server", "sync", "--base-url", up.base_url, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DATABASE_URL": sqlite_url(db), "PATH": "/usr/bin:/bin", **(env or {})},
        timeout=120,
    )


def stored(db: Path) -> dict[str, Any]:
    """What a CLI run left in the SQLite file: event ids, runs, checkpoint, data version."""
    with sqlite3.connect(db) as conn:
        return {
            "events": sorted(r[0] for r in conn.execute("SELECT id FROM docking_event")),
            "runs": conn.execute("SELECT outcome, message FROM sync_run ORDER BY id").fetchall(),
            "checkpoint": conn.execute("SELECT resource, next_url FROM sync_checkpoint").fetchall(),
            "version": conn.execute("SELECT max(version) FROM data_version").fetchone()[0],
        }


def first_page_ids(up: Upstream, size: int = 4) -> list[int]:
    return sorted(e["id"] for e in up.events[:size])


def assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr


# -- the byte cap --------------------------------------------------------------------------


def test_an_endless_body_stops_at_the_byte_cap(upstream: Upstream, tmp_path: Path) -> None:
    upstream.max_limit = 4
    upstream.behaviour = on_second_page(endless)
    db = tmp_path / "sync.db"
    done = cli(db, upstream, "--max-response-bytes", "1000000")
    assert_clean(done)
    assert done.returncode == 1, done.stderr
    assert "over the 1,000,000-byte cap (--max-response-bytes)" in done.stderr
    assert "stopped reading it; nothing of it was used" in done.stderr
    assert "run again to resume" in done.stderr
    # Not retried (an endless body is no transient fault), and read no further than the cap
    # plus what the sockets buffer: nowhere near the 6.5 GB the server would send.
    assert upstream.events_requested() == [0, 4]
    assert upstream.sent[1] < 64 * 1024 * 1024
    state = stored(db)
    assert state["events"] == first_page_ids(upstream)  # the first page whole, no more
    ((outcome, message),) = state["runs"]
    assert outcome == "failed" and "--max-response-bytes" in message
    assert state["checkpoint"][0][1].endswith("offset=4")  # resumable there


def test_a_body_of_exactly_the_cap_passes_and_one_byte_more_is_refused(
    upstream: Upstream,
) -> None:
    cap = 40_000  # a page of 4 seed events is about 27 KB
    upstream.behaviour = padded_to(cap)
    fits = sync(None, upstream, dry_run=True, max_response_bytes=cap)
    assert fits.outcome == "checked", fits.message
    upstream.behaviour = padded_to(cap + 1)
    over = sync(None, upstream, dry_run=True, max_response_bytes=cap)
    assert over.outcome == "failed"
    assert "sent more than 40,000 bytes, over the 40,000-byte cap" in (over.message or "")


def test_a_declared_length_over_the_cap_is_refused_before_reading(upstream: Upstream) -> None:
    upstream.behaviour = padded_to(50_000, declared=True)
    report = sync(None, upstream, dry_run=True, max_response_bytes=49_999)
    assert report.outcome == "failed"
    assert "announces 50,000 bytes, over the 49,999-byte cap" in (report.message or "")


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_pages_are_read_and_a_decompression_bomb_stops_at_the_cap(
    upstream: Upstream, coding: str
) -> None:
    upstream.behaviour = encoded(coding, padding=1000)
    fine = sync(None, upstream, dry_run=True, max_response_bytes=1_000_000)
    assert fine.outcome == "checked", fine.message
    assert gzip.decompress(gzip.compress(b"x")) == b"x"  # (the codec the fake uses works)
    # 20 MB of spaces, about 20 KB on the wire: inflated no further than the cap.
    upstream.behaviour = encoded(coding, padding=20_000_000)
    bomb = sync(None, upstream, dry_run=True, max_response_bytes=1_000_000)
    assert bomb.outcome == "failed"
    assert "sent more than 1,000,000 bytes, over the 1,000,000-byte cap" in (bomb.message or "")


def test_an_unsupported_content_encoding_is_refused(upstream: Upstream) -> None:
    upstream.behaviour = encoded("br")
    report = sync(None, upstream, dry_run=True)
    assert report.outcome == "failed"
    assert "an unsupported Content-Encoding 'br'" in (report.message or "")
    assert {h["accept-encoding"] for _, _, h in upstream.requests} == {"gzip, deflate"}


def test_json_nested_beyond_the_parser_is_a_clear_failure(upstream: Upstream) -> None:
    async def nested(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        await reply(send, 200, b"[" * 100_000 + b"]" * 100_000)  # 200 KB, 100,000 deep

    upstream.behaviour = nested
    report = sync(None, upstream, dry_run=True, policy=RetryPolicy(attempts=2, backoff_base=0.01))
    assert report.outcome == "failed"
    assert "invalid JSON in a 200000-byte body" in (report.message or "")
    assert "gave up after 2 attempts" in (report.message or "")


# -- the deadline --------------------------------------------------------------------------


def test_a_trickled_body_stops_at_the_request_deadline(upstream: Upstream, tmp_path: Path) -> None:
    # One byte every 0.5 s: no single read waits long enough for a per-read timeout (1 s)
    # to fire; the page (about 40 KB) would take hours. The deadline is for the request.
    upstream.max_limit = 4
    upstream.behaviour = on_second_page(trickled(0.5))
    url = sqlite_url(tmp_path / "sync.db")
    report = sync(url, upstream, timeout=1.0, policy=RetryPolicy(attempts=2, backoff_base=0.01))
    assert report.outcome == "failed"
    assert report.message == (
        f"GET {upstream.link(4, 4)}: timed out (the request took over its 1s deadline, "
        "--timeout); gave up after 2 attempts"
    )
    assert upstream.events_requested() == [0, 4, 4]
    # Each try got a few bytes of the page before the deadline, never the page.
    body = len(upstream.page(4, 4))
    assert all(0 < sent <= 6 for sent in upstream.sent[1:]), upstream.sent
    assert body > 1000
    assert event_ids(url) == first_page_ids(upstream)


def test_a_slow_but_timely_body_is_read(upstream: Upstream) -> None:
    upstream.events = upstream.events[:1]
    upstream.behaviour = trickled(0.0)  # byte by byte, but done well within the deadline
    report = sync(None, upstream, dry_run=True, timeout=30.0)
    assert report.outcome == "checked", report.message
    assert upstream.sent == [len(upstream.page(0, 4))]


# -- pagination that does not end ----------------------------------------------------------


def test_a_next_loop_a_b_a_stops(upstream: Upstream, tmp_path: Path) -> None:
    upstream.max_limit = 4
    upstream.link_limit = 100  # the limit the command asks, as LL2 echoes it

    async def loop(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        # A (offset 0) -> B (offset 4) -> A again (as LL2 writes it: with offset=0).
        await reply(send, 200, up.page(offset, limit, next_at=4 if offset == 0 else 0))

    upstream.behaviour = loop
    db = tmp_path / "sync.db"
    done = cli(db, upstream)
    assert_clean(done)
    assert done.returncode == 1
    assert f"the next link leads back to {upstream.link(0, 4)}, a page this run already " in (
        done.stderr
    )
    assert "(a loop in LL2's pagination)" in done.stderr
    assert upstream.events_requested() == [0, 4]  # A and B once each, then stopped
    state = stored(db)
    assert state["events"] == first_page_ids(upstream)  # B, which links the loop, is not written
    assert state["runs"][0][0] == "failed" and "a loop" in state["runs"][0][1]


def test_empty_pages_past_count_stop(upstream: Upstream, tmp_path: Path) -> None:
    upstream.max_limit = 4

    async def growing(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        await reply(send, 200, up.page(offset, limit, next_at=offset + limit))  # never ends

    upstream.behaviour = growing
    db = tmp_path / "sync.db"
    done = cli(db, upstream)
    assert_clean(done)
    assert done.returncode == 1
    assert "page 3 of docking_events is empty, past the 7 objects LL2 counts, yet links a " in (
        done.stderr
    )
    assert upstream.events_requested() == [0, 4, 8]
    assert stored(db)["events"] == sorted(e["id"] for e in upstream.events)


def test_the_page_budget_holds_and_one_page_more_is_refused(
    upstream: Upstream, tmp_path: Path
) -> None:
    # 8 events at 4 a page: 2 pages, 4 with the slack of 2. Pages past the count repeat
    # events (never empty), so only the budget stops them.
    upstream.events = [*upstream.events, dict(upstream.events[0], id=9001)]
    last_page = {"at": 12}

    async def cycling(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        at = offset % len(up.events)
        body = json.loads(up.page(at, limit))
        body["next"] = None if offset >= last_page["at"] else up.link(offset + limit, limit)
        await reply(send, 200, json.dumps(body).encode())

    upstream.behaviour = cycling
    within = sync(sqlite_url(tmp_path / "a.db"), upstream)  # 4 pages: the budget exactly
    assert within.outcome == "succeeded", within.message
    assert upstream.events_requested() == [0, 4, 8, 12]

    upstream.requests.clear()
    last_page["at"] = 16  # a fifth page: one past the budget
    url = sqlite_url(tmp_path / "b.db")
    over = sync(url, upstream)
    assert over.outcome == "failed"
    assert "page 4 of docking_events links a next page, but 8 objects at 4 a page make at " in (
        over.message or ""
    )
    assert "most 4 pages (ceil(8/4) + 2 slack)" in (over.message or "")
    assert upstream.events_requested() == [0, 4, 8, 12]
    assert over.pages == 3  # page 4, which links past the budget, was not written


def test_a_page_budget_with_a_smaller_page_than_asked(upstream: Upstream) -> None:
    # LL2 may serve fewer than asked (its maximum is 100): the budget follows the size
    # served, so an honest walk of 7 pages of 1 passes where 7/4 would allow only 4.
    upstream.max_limit = 1
    report = sync(None, upstream, dry_run=True, page_size=4)
    assert report.outcome == "checked", report.message
    assert len(upstream.events_requested()) == 7


# -- throttling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "said"),
    [
        ("1000000000", "277777:46:40"),  # 31 years
        ("inf", "forever"),
        ("9" * 400, "forever"),  # past a float's range
        ("Fri, 31 Dec 2100 23:59:59 GMT", ":"),
    ],
)
def test_a_wait_over_the_cap_stops_resumably_with_75(
    upstream: Upstream, tmp_path: Path, retry_after: str, said: str
) -> None:
    upstream.max_limit = 4
    upstream.behaviour = on_second_page(throttled(retry_after))
    db = tmp_path / "sync.db"
    done = cli(db, upstream)
    assert_clean(done)
    assert done.returncode == 75, done.stderr
    assert "LL2 throttled the request (HTTP 429) and asks to wait " in done.stderr
    assert said in done.stderr
    assert "longer than the 1:00:00 cap (--max-wait). Stopped: run again later to resume." in (
        done.stderr
    )
    state = stored(db)
    assert state["events"] == first_page_ids(upstream)
    assert state["runs"][0][0] == "throttled" and "--max-wait" in state["runs"][0][1]
    # The next run resumes at the page that was throttled (it answers this time).
    again = cli(db, upstream)
    assert again.returncode == 0, again.stderr
    assert upstream.events_requested() == [0, 4, 4]
    assert stored(db)["events"] == sorted(e["id"] for e in upstream.events)


@pytest.mark.parametrize("retry_after", ["nan", "-5", "soon", "-inf"])
def test_a_malformed_retry_after_means_the_default_wait(
    upstream: Upstream, retry_after: str
) -> None:
    upstream.behaviour = throttled(retry_after)
    waits = Waits()
    report = sync(None, upstream, waits, dry_run=True)
    assert report.outcome == "checked", report.message
    assert sum(waits.slept) == 60  # RetryPolicy.throttle_default: no traceback, no NaN sleep


def test_a_malformed_retry_after_over_a_small_cap_exits_75(
    upstream: Upstream, tmp_path: Path
) -> None:
    upstream.behaviour = throttled("nan")
    done = cli(tmp_path / "sync.db", upstream, "--max-wait", "30")
    assert_clean(done)
    assert done.returncode == 75
    assert "asks to wait 1:00, longer than the 0:30 cap (--max-wait)" in done.stderr
    # The same cap from the environment (the flag's default).
    upstream.behaviour = throttled("45")
    done = cli(tmp_path / "env.db", upstream, env={"GQL_SYNC_MAX_WAIT": "44"})
    assert done.returncode == 75
    assert "asks to wait 0:45, longer than the 0:44 cap (--max-wait)" in done.stderr


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--timeout", "nan"], {}, "--timeout: expected a finite number of seconds > 0, got nan"),
        (["--max-wait", "inf"], {}, "--max-wait: expected a finite number of seconds > 0"),
        (["--max-wait", "-5"], {}, "--max-wait: expected a finite number of seconds > 0"),
        (["--max-response-bytes", "0"], {}, "--max-response-bytes: expected 1 or more, got 0"),
        ([], {"GQL_SYNC_TIMEOUT": "inf"}, "error: GQL_SYNC_TIMEOUT must be a finite number of seconds > 0"),
    ],
)
def test_limits_out_of_range_are_refused_before_any_request(
    upstream: Upstream, tmp_path: Path, args: list[str], env: dict[str, str], said: str
) -> None:
    done = cli(tmp_path / "sync.db", upstream, *args, env=env)
    assert_clean(done)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert upstream.requests == []


def test_the_wait_cap_holds_and_one_second_more_stops(upstream: Upstream) -> None:
    policy = RetryPolicy(backoff_base=0.01, max_wait=120)
    upstream.behaviour = throttled("120")
    waits = Waits()
    at_cap = sync(None, upstream, waits, dry_run=True, policy=policy)
    assert at_cap.outcome == "checked" and sum(waits.slept) == 120
    upstream.behaviour = throttled("121")
    over = sync(None, upstream, Waits(), dry_run=True, policy=policy)
    assert over.outcome == "throttled"
    assert "asks to wait 2:01, longer than the 2:00 cap" in (over.message or "")


def test_the_throttle_endpoint_is_capped_too(upstream: Upstream) -> None:
    upstream.behaviour = throttled(None)
    upstream.throttle = [{"next_use_secs": 10**400}]  # Python's JSON reads it; a float cannot
    over = sync(None, upstream, Waits(), dry_run=True)
    assert over.outcome == "throttled" and "asks to wait forever" in (over.message or "")
    upstream.behaviour = throttled(None)
    upstream.throttle = [{"next_use_secs": -5}, {"next_use_secs": float("nan")}]
    waits = Waits()
    fine = sync(None, upstream, waits, dry_run=True)
    assert fine.outcome == "checked" and sum(waits.slept) == 60  # both ignored: the default


def test_retry_after_values() -> None:
    assert retry_after("120") == 120 and retry_after("0") == 0
    assert retry_after("1000000000") == 1e9
    assert retry_after("inf") == float("inf") and retry_after("9" * 400) == float("inf")
    for bad in ("nan", "-5", "-inf", "soon", "", None, "Fri, 99 Foo 99999 99:99:99 GMT"):
        assert retry_after(bad) is None, bad
    assert retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0  # in the past: no wait


# -- redirects -------------------------------------------------------------------------------


def test_a_redirect_to_another_origin_is_refused(upstream: Upstream, tmp_path: Path) -> None:
    with Served(Upstream()) as elsewhere:
        elsewhere.events = [dict(e, id=e["id"] + 100_000) for e in elsewhere.events]
        upstream.max_limit = 4
        upstream.behaviour = on_second_page(
            redirect_to(lambda up, offset, limit: elsewhere.link(offset, limit))
        )
        db = tmp_path / "sync.db"
        done = cli(db, upstream, "--api-key", "s3cret")
        assert_clean(done)
        assert done.returncode == 1
        assert (
            f"redirected to {elsewhere.link(4, 4)}, outside the API's origin "
            f"http://127.0.0.1:{upstream.base_url.split(':')[2].split('/')[0]}: refused "
            "(nothing was fetched from there)"
        ) in done.stderr
        assert elsewhere.requests == []  # neither the key nor a request went there
        assert stored(db)["events"] == first_page_ids(upstream)


def test_redirects_within_the_origin_are_followed_up_to_five(
    upstream: Upstream, tmp_path: Path
) -> None:
    hops = {"left": 5}

    async def hopping(up: Upstream, offset: int, limit: int, send: Send, receive: Receive) -> None:
        if hops["left"] > 0:
            hops["left"] -= 1
            return await reply(send, 307, b"", {"Location": f"?limit={limit}&offset={offset}"})
        await honest(up, offset, limit, send, receive)

    upstream.behaviour = hopping
    followed = sync(sqlite_url(tmp_path / "a.db"), upstream, api_key="k3y")
    assert followed.outcome == "succeeded", followed.message
    assert {h["authorization"] for _, _, h in upstream.requests} == {"Token k3y"}
    hops["left"] = 6
    over = sync(None, upstream, dry_run=True)
    assert over.outcome == "failed" and "more than 5 redirects" in (over.message or "")


# -- the data version ------------------------------------------------------------------------


def versions(url: str) -> tuple[int, int]:
    """The data version and the number of change log rows."""

    async def read() -> tuple[int, int]:
        engine = await _engine(url)
        try:
            async with engine.connect() as conn:
                version = await data_version(conn)
                logged = (
                    await conn.execute(select(func.count()).select_from(DockingEventChange))
                ).scalar_one()
                return int(version), int(logged)
        finally:
            await engine.dispose()

    return run(read())


def event_ids(url: str) -> list[int]:
    async def read() -> list[int]:
        engine = await _engine(url)
        try:
            async with engine.connect() as conn:
                return sorted((await conn.execute(select(DockingEvent.id))).scalars())
        finally:
            await engine.dispose()

    return run(read())


def ingest(url: str, path: Path) -> None:
    async def go() -> None:
        engine = await _engine(url)
        try:
            await ingest_paths(engine, [path])
        finally:
            await engine.dispose()

    run(go())


def test_reingesting_identical_data_leaves_the_data_version(db_url: str, tmp_path: Path) -> None:
    ingest(db_url, SEED_PAGE)
    assert versions(db_url) == (1, 7)
    ingest(db_url, SEED_PAGE)
    ingest(db_url, SEED_PAGE)
    assert versions(db_url) == (1, 7)  # nothing changed: no version, nothing logged
    # A real change moves it: a departure; a station's name (no event row changes, but the
    # station's and its events' search documents do).
    page = json.loads(SEED_PAGE.read_text())
    page["results"][0]["departure"] = "2024-11-04T00:00:00Z"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(page))
    ingest(db_url, changed)
    assert versions(db_url) == (2, 8)
    ingest(db_url, changed)
    assert versions(db_url) == (2, 8)
    station = page["results"][0]["space_station_target"]
    station["name"] = station["name"] + " (renamed)"
    changed.write_text(json.dumps(page))
    ingest(db_url, changed)
    assert versions(db_url)[0] == 3


def test_resyncing_identical_data_leaves_the_data_version(upstream: Upstream, db_url: str) -> None:
    assert sync(db_url, upstream).outcome == "succeeded"
    first = versions(db_url)
    assert first == (2, 7)  # two event pages wrote new rows; the empty pages did not
    again = sync(db_url, upstream)
    assert again.outcome == "succeeded" and (again.inserted, again.updated) == (0, 0)
    assert versions(db_url) == first
    upstream.events[5]["departure"] = "2031-01-01T00:00:00Z"
    changed = sync(db_url, upstream)
    assert changed.updated == 1
    assert versions(db_url) == (3, 8)


def test_the_response_cache_sees_a_sync_that_changed_nothing(
    upstream: Upstream, db_url: str
) -> None:
    query = "{ dataVersion dataUpdatedAt }"
    for client in make_client(db_url):  # seeded from seed/: the same 7 events
        assert client.data(query) == {"dataVersion": 1, "dataUpdatedAt": None}
        assert client.data(query)["dataUpdatedAt"] is None  # from the cache now
        assert sync(db_url, upstream).outcome == "succeeded"
        after = client.data(query)
        assert after["dataVersion"] == 1  # identical data: the version stays ...
        assert after["dataUpdatedAt"] is not None  # ... and the answer is not a stale one
