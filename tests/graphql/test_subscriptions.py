"""dockingEventChanged over graphql-transport-ws: a real uvicorn server on 127.0.0.1, a real
WebSocket client, changes written by ingest and remove_events through another engine (as
another process would). Every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.data import seed_events
from support.servers import in_thread
from websockets.asyncio.client import ClientConnection, connect

from gql_server.db.engine import create_engine
from gql_server.ingest.files import ingest_paths
from gql_server.ingest.load import remove_events
from gql_server.queries.freshness import data_version
from gql_server.settings import Settings

WAIT = 15.0  # seconds any expected message may take, at most


@contextlib.contextmanager
def serving(url: str, **settings: Any) -> Iterator[int]:
    """The gateway under uvicorn on 127.0.0.1 in a thread; yields its port."""
    with in_thread(Settings(database_url=url, **settings), WAIT) as (port, _):
        yield port


@contextlib.asynccontextmanager
async def subscribed(port: int, query: str, variables: dict[str, Any]) -> AsyncIterator[ClientConnection]:
    async with connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=WAIT
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        assert ack["type"] == "connection_ack", ack
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}})
        )
        yield ws
        await ws.send(json.dumps({"id": "1", "type": "complete"}))


async def next_change(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
        if message["type"] == "ping":
            await ws.send(json.dumps({"type": "pong"}))
            continue
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]["dockingEventChanged"]


async def version_of(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await data_version(conn)
    finally:
        await engine.dispose()


async def ingest(url: str, events: list[dict[str, Any]], folder: Path, name: str) -> None:
    source = folder / f"{name}.json"
    source.write_text(json.dumps(events))
    engine = create_engine(url)
    try:
        await ingest_paths(engine, [source])
    finally:
        await engine.dispose()


async def remove(url: str, ids: list[int]) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await remove_events(conn, ids)
    finally:
        await engine.dispose()


def event(event_id: int, **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(next(e for e in seed_events() if e["id"] == event_id))
    result.update(changes)
    return result


SUBSCRIPTION = """subscription ($since: Int, $station: Int, $ids: [Int!]) {
  dockingEventChanged(sinceVersion: $since, spaceStationTargetId: $station, eventIds: $ids) {
    kind eventId version changedAt
    event { id departure durationSeconds dockingLocation { name } }
  }
}"""


# SQLite polls every 0.2 s. PostgreSQL's safety poll is set far beyond the waits below: a
# message that arrives in time came through LISTEN/NOTIFY.
FAST_POLLING = {"subscription_poll_seconds": 0.2, "subscription_listen_poll_seconds": 600.0}


def test_ingests_and_removals_reach_subscribers_in_every_process(db_url: str, tmp_path: Path) -> None:
    with (
        serving(db_url, **FAST_POLLING) as port_a,
        serving(db_url, **FAST_POLLING) as port_b,  # two server processes' worth
    ):
        async def scenario() -> None:
            since = await version_of(db_url)  # the seed, ingested at start-up
            assert since >= 1
            variables = {"since": since, "station": 4}
            async with (
                subscribed(port_a, SUBSCRIPTION, variables) as a,
                subscribed(port_b, SUBSCRIPTION, {"since": since, "ids": [613, 569]}) as b,
            ):
                # Tiangong's event changes first: `a` (ISS only) must not see it.
                await ingest(db_url, [event(569, departure="2024-11-04T08:12:00Z")], tmp_path, "t")
                await ingest(db_url, [event(613, departure="2024-12-17T16:05:00Z")], tmp_path, "u")
                new = event(570, id=9570, docking="2025-06-01T00:00:00Z", departure=None)
                await ingest(db_url, [new], tmp_path, "c")
                await remove(db_url, [613])

                updated = await next_change(a)
                assert updated["kind"] == "UPDATED", (since, updated)
                assert updated["kind"] == "UPDATED" and updated["eventId"] == 613
                assert updated["version"] == since + 2
                # Read when sent: the departure as stored then (removed later: maybe null).
                assert updated["event"] in (
                    None,
                    {
                        "id": 613,
                        "departure": "2024-12-17T16:05:00Z",
                        "durationSeconds": 41 * 86_400 + 25 * 3_600 + 12 * 60 + 49,
                        "dockingLocation": {"name": "Harmony forward"},
                    },
                )
                created = await next_change(a)
                assert (created["kind"], created["eventId"], created["version"]) == ("CREATED", 9570, since + 3)
                removed = await next_change(a)
                assert (removed["kind"], removed["eventId"], removed["event"]) == ("REMOVED", 613, None)
                assert removed["version"] == since + 4

                # The other process, following two ids whatever their station.
                kinds = [(c["kind"], c["eventId"]) for c in [await next_change(b) for _ in range(3)]]
                assert kinds == [("UPDATED", 569), ("UPDATED", 613), ("REMOVED", 613)]

        asyncio.run(asyncio.wait_for(scenario(), 4 * WAIT))


def test_without_since_version_only_later_changes_arrive(db_url: str, tmp_path: Path) -> None:
    with serving(db_url, **FAST_POLLING) as port:

        async def scenario() -> None:
            async with subscribed(port, SUBSCRIPTION, {"ids": [620]}) as ws:
                # The subscription reads its starting version when it starts; give it time,
                # then keep writing until the change arrives (bounded).
                for attempt in range(5):
                    await asyncio.sleep(0.5)
                    departure = f"2025-10-1{attempt}T00:00:00Z"
                    await ingest(db_url, [event(620, departure=departure)], tmp_path, f"d{attempt}")
                    with contextlib.suppress(TimeoutError):
                        change = await asyncio.wait_for(next_change(ws), 3)
                        assert change["kind"] == "UPDATED" and change["eventId"] == 620
                        assert change["event"]["departure"] is not None
                        return
                pytest.fail("no change arrived")

        asyncio.run(asyncio.wait_for(scenario(), 6 * WAIT))


def test_bad_subscription_arguments_are_errors(db_url: str) -> None:
    with serving(db_url) as port:

        async def scenario() -> None:
            query = "subscription { dockingEventChanged(dockingGt: \"yesterday\") { eventId } }"
            async with subscribed(port, query, {}) as ws:
                message = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
                assert message["type"] == "error", message

        asyncio.run(asyncio.wait_for(scenario(), 2 * WAIT))
