"""Findings 6 and 7 (WebSocket part): operations over graphql-transport-ws go through the
limits HTTP requests have, and malformed messages get a clear refusal.

A real uvicorn server on 127.0.0.1 (in a thread of this process, so that the test can
read the subscription gate's counts; ``serve`` itself where its uvicorn options matter),
a real WebSocket client. Every wait is bounded; assertions count, never time."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from support.data import FULL_PAGE_QUERY
from support.databases import sqlite_url
from support.servers import in_thread, serve
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from gql_server.db.engine import create_engine, watch_statements
from gql_server.db.migrate import ensure_schema
from gql_server.ingest.files import ingest_paths
from gql_server.queries import changes as change_log
from gql_server.queries.freshness import data_version
from gql_server.serving import uvicorn_options
from gql_server.settings import Limits, Settings, TransportLimits
from gql_server.synthetic import write_pages

WAIT = 30.0  # seconds any expected message may take, at most
URL_PATH = "/graphql"


@contextlib.contextmanager
def serving(settings: Settings, **options: Any) -> Iterator[tuple[int, Starlette]]:
    """The gateway under uvicorn on 127.0.0.1 in a thread; yields its port and app. No
    logging configuration of uvicorn's own: its records reach pytest's ``caplog``."""
    with in_thread(settings, WAIT, **options) as served:
        yield served


@contextlib.asynccontextmanager
async def session(port: int, *, init: bool = True) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws connection, acknowledged unless ``init`` is false."""
    async with connect(
        f"ws://127.0.0.1:{port}{URL_PATH}",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        open_timeout=WAIT,
        max_size=None,
    ) as ws:
        if init:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            ack = await receive(ws)
            assert ack["type"] == "connection_ack", ack
        yield ws


async def receive(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        return message


def subscribe(op_id: str, query: str, variables: dict[str, Any] | None = None) -> str:
    payload = {"query": query, "variables": variables or {}}
    return json.dumps({"id": op_id, "type": "subscribe", "payload": payload})


async def outcome(ws: ClientConnection, op_id: str) -> list[dict[str, Any]]:
    """The messages of operation ``op_id`` up to its `complete` or `error`."""
    messages = []
    while True:
        message = await receive(ws)
        assert message.get("id") == op_id, message
        messages.append(message)
        if message["type"] in ("complete", "error"):
            return messages


async def closed(ws: ClientConnection) -> tuple[int, str]:
    """The close code and reason the server closed ``ws`` with."""
    with pytest.raises(ConnectionClosed) as info:
        for _ in range(100):  # any message still in flight, then the close
            await asyncio.wait_for(ws.recv(), WAIT)
    close = info.value.rcvd
    assert close is not None, "the connection dropped without a close frame"
    return close.code, close.reason


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 8 * WAIT))


async def ingest_synthetic(url: str, folder: Path, count: int, page_size: int = 100) -> None:
    """``count`` synthetic events, one file (one data version) per ``page_size``."""
    engine = create_engine(url)
    try:
        await ensure_schema(engine)
        await ingest_paths(engine, write_pages(folder, count, 0, page_size))
    finally:
        await engine.dispose()


async def version_of(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await data_version(conn)
    finally:
        await engine.dispose()


def settings_for(url: str, **changes: Any) -> Settings:
    limits = changes.pop("limits", Limits())
    transport = TransportLimits(**changes.pop("transport", {}))
    return Settings(database_url=url, seed_dir=None, limits=limits, transport=transport, **changes)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "ws.db")


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fails the test when anything logged a traceback (a client's mistake must not)."""
    caplog.set_level(logging.INFO)
    yield
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert not tracebacks, [r.getMessage() for r in tracebacks]


# Document limits and cost: EnforceLimits is a schema extension, so it already ran for
# every transport; these prove it, both ways, over WebSocket.

SMALL = Limits(max_depth=4, max_aliases=3, max_root_fields=3, max_cost=500)
DEPTH_4 = "{ dockingEvents { results { dockingLocation { name } } } }"
DEPTH_5 = "{ dockingEvents { results { dockingLocation { spacestation { name } } } } }"


def test_document_limits_apply_to_websocket_queries(sqlite_db: str) -> None:
    with serving(settings_for(sqlite_db, limits=SMALL)) as (port, _):

        async def scenario() -> None:
            async with session(port) as ws:
                await ws.send(subscribe("ok", DEPTH_4))
                messages = await outcome(ws, "ok")
                assert [m["type"] for m in messages] == ["next", "complete"], messages
                await ws.send(subscribe("deep", DEPTH_5))
                (error,) = await outcome(ws, "deep")
                assert error["type"] == "error", error
                (detail,) = error["payload"]
                assert detail["extensions"]["code"] == "QUERY_TOO_COMPLEX"
                assert (detail["extensions"]["limit"], detail["extensions"]["actual"]) == (
                    "depth",
                    5,
                )

        run(scenario())


def test_cost_limit_applies_to_websocket_subscriptions(sqlite_db: str) -> None:
    changes = "dockingEventChanged { event { dockingLocation { name } } }"
    with serving(settings_for(sqlite_db, limits=SMALL)) as (port, _):

        async def scenario() -> None:
            async with session(port) as ws:
                # 4 levels: accepted (it waits for changes: nothing arrives).
                await ws.send(subscribe("ok", f"subscription {{ {changes} }}"))
                deeper = (
                    "dockingEventChanged { event { dockingLocation { spacestation { name } } } }"
                )
                await ws.send(subscribe("deep", f"subscription {{ {deeper} }}"))
                (error,) = await outcome(ws, "deep")
                assert error["payload"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
                assert error["payload"][0]["extensions"]["limit"] == "depth"

        run(scenario())


# The execution timeout: a query over WebSocket is cancelled as over HTTP.


def heavy_query(pages: int) -> str:
    """The full LL2 page tree (docs/queries/full-page.graphql) ``pages`` times, aliased,
    each at another offset: thousands of event trees to build."""
    lines = FULL_PAGE_QUERY.splitlines()
    opening = next(i for i, line in enumerate(lines) if line.startswith("  dockingEvents("))
    closing = lines.index("  }", opening)
    selection = "\n".join(lines[opening + 1 : closing])
    fragments = "\n".join(lines[closing + 2 :])
    fields = "\n".join(
        f"  p{i}: dockingEvents(limit: 100, offset: {100 * i}) {{\n{selection}\n  }}"
        for i in range(pages)
    )
    return f"query Heavy {{\n{fields}\n}}\n{fragments}"


TIMEOUT_LIMITS = Limits(max_cost=10**9, max_tokens=100_000, max_aliases=30, timeout_seconds=0.01)


# Cancelling an execution mid-way leaves graphql-core's not yet started field coroutines
# unawaited (a RuntimeWarning each, when collected): the cancellation's, not a fault.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_websocket_query_over_the_timeout_gets_timeout(sqlite_db: str, tmp_path: Path) -> None:
    run(ingest_synthetic(sqlite_db, tmp_path / "pages", 1_000))
    query = heavy_query(10)
    with serving(settings_for(sqlite_db, limits=TIMEOUT_LIMITS)) as (port, _):
        # HTTP answers TIMEOUT for this query (the reference)...
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql",
            data=json.dumps({"query": query}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            body = json.loads(response.read())
        # TIMEOUT, not QUERY_TOO_COMPLEX: the query passed every check and ran.
        assert body["errors"][0]["extensions"]["code"] == "TIMEOUT", body.get("errors")

        async def scenario() -> None:
            async with session(port) as ws:
                # ... and so does WebSocket, where it used to run to completion.
                await ws.send(subscribe("heavy", query))
                (error,) = await outcome(ws, "heavy")
                assert error["type"] == "error", str(error)[:300]
                assert error["payload"][0]["extensions"]["code"] == "TIMEOUT"
                # The connection goes on serving.
                await ws.send(subscribe("cheap", "{ __typename }"))
                assert [m["type"] for m in await outcome(ws, "cheap")] == ["next", "complete"]

        run(scenario())


# Message size: over the body limit is refused, by the app and by uvicorn.

BODY_LIMIT = 4096


def message_of(size: int, op_id: str = "m") -> str:
    """A subscribe message of exactly ``size`` bytes (its query padded with spaces)."""
    base = subscribe(op_id, "{ __typename }")
    padding = size - len(base.encode())
    assert padding >= 0
    return subscribe(op_id, "{ __typename }" + " " * padding)


def test_a_message_over_the_body_limit_is_refused(sqlite_db: str, no_tracebacks: None) -> None:
    settings = settings_for(sqlite_db, max_body_bytes=BODY_LIMIT)
    with serving(settings) as (port, _):  # uvicorn's own frame limit left at 16 MiB

        async def scenario() -> None:
            async with session(port) as ws:
                exact = message_of(BODY_LIMIT)
                assert len(exact.encode()) == BODY_LIMIT
                await ws.send(exact)
                assert [m["type"] for m in await outcome(ws, "m")] == ["next", "complete"]
                await ws.send(message_of(BODY_LIMIT + 1))
                code, reason = await closed(ws)
                assert (code, reason) == (4400, f"The message is larger than {BODY_LIMIT} bytes")

        run(scenario())


def test_serve_limits_websocket_frames_to_the_body_limit(tmp_path: Path) -> None:
    assert uvicorn_options(Settings(max_body_bytes=1234))["ws_max_size"] == 1234
    assert uvicorn_options(Settings())["ws_max_size"] == Settings().max_body_bytes
    url = sqlite_url(tmp_path / "serve.db")
    with serve(url, tmp_path / "serve.log", GQL_MAX_BODY_BYTES=str(BODY_LIMIT)) as base:
        port = int(base.rsplit(":", 1)[1])

        async def scenario() -> None:
            async with session(port) as ws:
                await ws.send(message_of(BODY_LIMIT))
                assert [m["type"] for m in await outcome(ws, "m")] == ["next", "complete"]
                await ws.send(message_of(BODY_LIMIT + 1))
                code, _ = await closed(ws)
                assert code == 1009  # uvicorn: message too big, before buffering it
            async with session(port) as ws:  # the 9.4 MB message of the finding
                await ws.send(message_of(9_400_000))
                code, _ = await closed(ws)
                assert code == 1009

        run(scenario())


# Malformed JSON: a clear close (4400 and a reason), no traceback.

NESTED = '{"id": "n", "type": "subscribe", "payload": {"query": "{ __typename }", "variables": {"v": %s}}}'


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (NESTED % ("[" * 1000 + "]" * 1000), "The message nests arrays or objects deeper than 32 levels"),
        # 33 levels: the message, its payload, its variables and 30 arrays.
        (NESTED % ("[" * 30 + "]" * 30), "The message nests arrays or objects deeper than 32 levels"),
        (NESTED % ("1" * 5000), "The message has a number of more than 20 digits"),
        (NESTED % ("1" * 21), "The message has a number of more than 20 digits"),
        (NESTED % "NaN", "The message is not valid JSON (NaN is not a JSON value)"),
        ('{"type": "subscribe", "id": "x", ', "The message is not valid JSON"),
        ("[1, 2]", "The message must be a JSON object"),
        ('"connection_init"', "The message must be a JSON object"),
        (
            '{"id": "s", "type": "subscribe", "payload": "{ __typename }"}',
            "Invalid subscribe message",
        ),
        (
            '{"id": 7, "type": "subscribe", "payload": {"query": "{ id }"}}',
            "Invalid subscribe message",
        ),
        (
            '{"id": "v", "type": "subscribe", "payload": {"query": "{ id }", "variables": []}}',
            "Invalid subscribe message",
        ),
        ('{"type": 5}', "Unknown message type: 5"),
    ],
)
def test_malformed_messages_close_with_a_reason(
    sqlite_db: str, no_tracebacks: None, message: str, reason: str
) -> None:
    with serving(settings_for(sqlite_db)) as (port, _):

        async def scenario() -> None:
            async with session(port) as ws:
                await ws.send(message)
                assert await closed(ws) == (4400, reason)

        run(scenario())


def test_json_at_the_limits_is_read(sqlite_db: str, no_tracebacks: None) -> None:
    # 32 levels in all (the message, its payload, variables, 29 arrays) and 20 digits.
    # (Variables the document does not declare are read, then left alone.)
    payload = {"query": "{ __typename }", "variables": {"v": "V", "n": "N"}}
    message = json.dumps({"id": "ok", "type": "subscribe", "payload": payload})
    message = message.replace('"V"', "[" * 29 + "]" * 29).replace('"N"', "9" * 20)
    with serving(settings_for(sqlite_db)) as (port, _):

        async def scenario() -> None:
            async with session(port) as ws:
                await ws.send(message)
                messages = await outcome(ws, "ok")
                assert [m["type"] for m in messages] == ["next", "complete"], messages

        run(scenario())


# Caps: operations per connection, connections per process.


def test_operations_per_connection_are_capped(sqlite_db: str) -> None:
    waiting = "subscription { dockingEventChanged { eventId } }"
    with serving(settings_for(sqlite_db, transport={"ws_max_subscriptions": 2})) as (port, _):

        async def scenario() -> None:
            async with session(port) as ws:
                await ws.send(subscribe("a", waiting))
                await ws.send(subscribe("b", waiting))
                await ws.send(subscribe("c", "{ __typename }"))  # the third in flight
                (error,) = await outcome(ws, "c")
                assert error["type"] == "error"
                extensions = error["payload"][0]["extensions"]
                assert extensions == {
                    "code": "TOO_MANY_SUBSCRIPTIONS",
                    "limit": "subscriptionsPerConnection",
                    "max": 2,
                }
                await ws.send(json.dumps({"id": "a", "type": "complete"}))
                await ws.send(subscribe("d", "{ __typename }"))  # two in flight again
                assert [m["type"] for m in await outcome(ws, "d")] == ["next", "complete"]

        run(scenario())


def test_connections_per_process_are_capped(sqlite_db: str) -> None:
    with serving(settings_for(sqlite_db, transport={"ws_max_connections": 2})) as (port, app):

        async def scenario() -> None:
            async with session(port), session(port), session(port, init=False) as third:
                code, reason = await closed(third)
                assert code == 4503
                assert reason == "The server has 2 WebSocket connections open; try again later"
            # Both closed: a connection is served again.
            for _ in range(100):  # the server notices the closes a moment later
                if subscriptions_endpoint(app).connections == 0:
                    break
                await asyncio.sleep(0.05)
            async with session(port) as ws:
                await ws.send(subscribe("q", "{ __typename }"))
                assert [m["type"] for m in await outcome(ws, "q")] == ["next", "complete"]

        run(scenario())


def test_the_legacy_graphql_ws_subprotocol_is_refused(sqlite_db: str) -> None:
    with serving(settings_for(sqlite_db)) as (port, _):

        async def scenario() -> None:
            async with connect(
                f"ws://127.0.0.1:{port}{URL_PATH}",
                subprotocols=["graphql-ws"],
                open_timeout=WAIT,  # type: ignore[list-item]
            ) as ws:
                assert (await closed(ws))[0] == 4406

        run(scenario())


def subscriptions_endpoint(app: Starlette) -> Any:
    """The app's SubscriptionEndpoint (its counts and its subscription budget)."""
    (route,) = [r for r in app.routes if isinstance(r, WebSocketRoute)]
    return route.app


# Replay: pages of the change log, within a window of versions; the database gate.

CHANGES = "subscription ($since: Int) { dockingEventChanged(sinceVersion: $since) { kind eventId version } }"


FAST_POLLING = 0.2  # seconds between reads of the data version (SQLite)


def test_replay_reads_the_log_in_pages(db_url: str, tmp_path: Path) -> None:
    run(ingest_synthetic(db_url, tmp_path / "pages", 1_200))  # 12 versions of 100 changes
    latest = run(version_of(db_url))
    since = latest - 12
    with serving(settings_for(db_url, subscription_poll_seconds=FAST_POLLING)) as (port, app):
        log_reads: list[str] = []
        watch_statements(
            app.state.engine,
            lambda sql: log_reads.append(sql) if "FROM docking_event_change" in sql else None,
        )

        async def scenario() -> list[dict[str, Any]]:
            async with session(port) as ws:
                await ws.send(subscribe("r", CHANGES, {"since": since}))
                return [
                    (await receive(ws))["payload"]["data"]["dockingEventChanged"]
                    for _ in range(1_200)
                ]

        changes = run(scenario())
    assert [c["kind"] for c in changes] == ["CREATED"] * 1_200
    versions = [c["version"] for c in changes]
    assert versions == sorted(versions) and (versions[0], versions[-1]) == (since + 1, latest)
    assert len({c["eventId"] for c in changes}) == 1_200
    # 1,200 rows in pages of 500: three reads (500, 500, 200), not one of 1,200.
    assert change_log.PAGE == 500
    assert len(log_reads) == 3, log_reads


def test_replay_further_back_than_the_window_is_refused(db_url: str, tmp_path: Path) -> None:
    run(ingest_synthetic(db_url, tmp_path / "pages", 700))  # 7 versions
    latest = run(version_of(db_url))
    window = 5
    settings = settings_for(
        db_url, transport={"replay_max_versions": window}, subscription_poll_seconds=FAST_POLLING
    )
    with serving(settings) as (port, _):

        async def scenario() -> None:
            async with session(port) as ws:
                await ws.send(subscribe("over", CHANGES, {"since": latest - window - 1}))
                (error,) = await outcome(ws, "over")
                assert error["type"] == "error", error
                (detail,) = error["payload"]
                assert detail["extensions"] == {
                    "code": "BAD_USER_INPUT",
                    "argument": "sinceVersion",
                }
                assert f"{window + 1} data versions behind" in detail["message"]
                assert f"at most {window} can be replayed" in detail["message"]

                await ws.send(subscribe("neg", CHANGES, {"since": -1}))
                (error,) = await outcome(ws, "neg")
                assert error["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"

                await ws.send(subscribe("edge", CHANGES, {"since": latest - window}))
                first = await receive(ws)
                assert first["type"] == "next", first
                assert (
                    first["payload"]["data"]["dockingEventChanged"]["version"]
                    == latest - window + 1
                )

        run(scenario())


EMITTING = """subscription ($since: Int) {
  dockingEventChanged(sinceVersion: $since) { eventId event { id dockingLocation { name } } }
}"""


def test_subscriptions_read_through_a_few_database_connections(db_url: str, tmp_path: Path) -> None:
    run(ingest_synthetic(db_url, tmp_path / "pages", 200))  # 2 versions of 100 changes
    since = run(version_of(db_url)) - 2
    settings = settings_for(
        db_url,
        transport={"subscription_db_connections": 1},
        subscription_poll_seconds=FAST_POLLING,
    )
    with serving(settings) as (port, app):
        gate = subscriptions_endpoint(app).budget.gate
        pool = app.state.engine.sync_engine.pool
        out = {"now": 0, "peak": 0}

        def checkout(*_: Any) -> None:
            out["now"] += 1
            out["peak"] = max(out["peak"], out["now"])

        def checkin(*_: Any) -> None:
            out["now"] -= 1

        event.listen(pool, "checkout", checkout)
        event.listen(pool, "checkin", checkin)
        answers: list[int] = []

        def http_query() -> None:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/graphql",
                data=json.dumps({"query": "{ dockingEvents(limit: 1) { count } }"}).encode(),
                headers={"Content-Type": "application/json", "Accept": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=WAIT) as response:
                answers.append(json.loads(response.read())["data"]["dockingEvents"]["count"])

        async def follower(index: int) -> int:
            async with session(port) as ws:
                for n in range(4):  # 4 subscriptions a connection
                    await ws.send(subscribe(f"s{n}", EMITTING, {"since": since}))
                received = 0
                while received < 4 * 200:
                    message = await receive(ws)
                    assert message["type"] == "next", message
                    assert message["payload"]["data"]["dockingEventChanged"]["event"] is not None
                    received += 1
                return received

        async def scenario() -> list[int]:
            followers = [asyncio.ensure_future(follower(i)) for i in range(3)]  # 12 in all
            for _ in range(3):  # HTTP requests while the replays run are served
                await asyncio.to_thread(http_query)
            return list(await asyncio.gather(*followers))

        assert run(scenario()) == [800, 800, 800]
    assert answers == [200, 200, 200]
    # The gate: never more than its one slot at once, and the 12 subscriptions did
    # contend for it (the cap was what bounded them).
    assert gate.size == 1 and gate.peak == 1 and gate.in_use == 0
    assert gate.waits > 0
    if app.state.engine.dialect.name == "postgresql":
        # The async pool (subscriptions' reads and HTTP's): the gate's one, the version
        # watch's poll and one HTTP request at most, whatever 12 subscriptions do.
        assert 1 <= out["peak"] <= 3, out
