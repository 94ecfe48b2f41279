"""A fake LL2 API for the sync tests: a Starlette app served by uvicorn on 127.0.0.1.

It serves ``/2.3.0/docking_events/``, ``/2.3.0/config/docking_locations/`` and
``/2.3.0/space_stations/`` from lists the test owns (and may change between two syncs),
with LL2's offset pagination: ``limit``/``offset``, ``count``, and absolute ``next`` and
``previous`` links. ``/2.3.0/api-throttle/`` answers like LL2's when ``throttle_next_use``
is set (404 otherwise).

Faults are scripted: ``fake.fail("docking_events", status(500), status(500), offset=20)``
queues behaviours that the next matching requests get instead of their page, one each,
in order: an HTTP status (429 with ``Retry-After``, a 5xx), a slow answer, a body cut
short (valid HTTP, invalid JSON), or a connection closed in the middle of the body.
"""

from __future__ import annotations

import asyncio
import copy
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

PREFIX = "/2.3.0"
PATHS = {
    "docking_events": "docking_events/",
    "docking_locations": "config/docking_locations/",
    "space_stations": "space_stations/",
}
MAX_LIMIT = 100
Json = dict[str, Any]


@dataclass(frozen=True)
class Fault:
    kind: str  # "status" | "slow" | "truncated" | "reset"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seconds: float = 0.0


def status(code: int, *, retry_after: str | None = None, body: Any = None) -> Fault:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    if body is None:
        body = {"detail": "Request was throttled."} if code == 429 else {"detail": "Server Error"}
    return Fault("status", status=code, headers=headers, body=body)


def slow(seconds: float) -> Fault:
    """The page, but only after ``seconds``."""
    return Fault("slow", seconds=seconds)


def truncated() -> Fault:
    """The first half of the page's JSON, as a complete HTTP response."""
    return Fault("truncated")


def reset() -> Fault:
    """Part of the body, then the connection closes before the promised length."""
    return Fault("reset")


def stations_and_locations(events: list[Json]) -> tuple[list[Json], list[Json]]:
    """The stations and docking locations the events mention, as the list endpoints would
    serve them (by id; the last occurrence of an object wins, as ingest merges them)."""
    stations: dict[int, Json] = {}
    locations: dict[int, Json] = {}
    for event in events:
        location = event["docking_location"]
        locations[location["id"]] = location
        for station in (
            location.get("spacestation"),
            event.get("space_station_chaser"),
            event.get("space_station_target"),
        ):
            if station:
                stations[station["id"]] = station
    return (
        [copy.deepcopy(stations[i]) for i in sorted(stations)],
        [copy.deepcopy(locations[i]) for i in sorted(locations)],
    )


class FakeLL2:
    def __init__(
        self,
        events: list[Json],
        *,
        stations: list[Json] | None = None,
        locations: list[Json] | None = None,
    ) -> None:
        derived_stations, derived_locations = stations_and_locations(events)
        self.data: dict[str, list[Json]] = {
            "docking_events": copy.deepcopy(events),
            "docking_locations": derived_locations if locations is None else locations,
            "space_stations": derived_stations if stations is None else stations,
        }
        self.faults: deque[tuple[str, int | None, Fault]] = deque()
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.throttle_next_use: int | None = None
        self.max_limit = MAX_LIMIT  # a larger ``limit`` is cut to it, as DRF does
        self.base_url = "http://127.0.0.1:0" + PREFIX  # set by serve()
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route(PREFIX + "/{path:path}", self._endpoint)])

    # -- what the tests use ------------------------------------------------------------

    @property
    def events(self) -> list[Json]:
        return self.data["docking_events"]

    def fail(self, resource: str, *faults: Fault, offset: int | None = None) -> None:
        """Queue ``faults`` for the next requests of ``resource`` (at ``offset``)."""
        assert resource in PATHS, resource
        with self._lock:
            self.faults.extend((resource, offset, f) for f in faults)

    def page(self, resource: str, offset: int, limit: int, mode: str = "normal") -> Json:
        """The envelope served for one page."""
        items = self.data[resource]
        limit = max(1, min(limit, self.max_limit))
        params = {"limit": str(limit)}
        if resource != "docking_locations":
            params["mode"] = mode

        def link(at: int) -> str:
            query = "&".join(f"{k}={v}" for k, v in {**params, "offset": str(at)}.items())
            return f"{self.base_url}/{PATHS[resource]}?{query}"

        return {
            "count": len(items),
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "results": copy.deepcopy(items[offset : offset + limit]),
        }

    def pages(self, resource: str, limit: int, mode: str = "normal") -> list[Json]:
        """Every page of ``resource``, as a sync with page size ``limit`` reads them."""
        count = len(self.data[resource])
        return [self.page(resource, o, limit, mode) for o in range(0, max(count, 1), limit)]

    def paths_requested(self) -> list[str]:
        return [path for path, _, _ in self.requests]

    # -- the app -----------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        path = request.path_params["path"]
        query = dict(request.query_params)
        with self._lock:
            self.requests.append((path, query, dict(request.headers)))
        if path == "api-throttle/":
            if self.throttle_next_use is None:
                return JSONResponse({"detail": "Not found."}, status_code=404)
            return JSONResponse(
                [
                    {
                        "your_request_limit": 15,
                        "limit_frequency_secs": 3600,
                        "current_use": 15,
                        "next_use_secs": self.throttle_next_use,
                        "ident": "127.0.0.1",
                    }
                ]
            )
        resource = next((r for r, p in PATHS.items() if p == path), None)
        if resource is None:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        try:
            offset = int(query.get("offset", "0"))
            limit = int(query.get("limit", "10"))
        except ValueError:
            return JSONResponse({"detail": "bad paging"}, status_code=400)
        fault = self._take_fault(resource, offset)
        body = json.dumps(self.page(resource, offset, limit, query.get("mode", "normal")))
        if fault is None:
            return Response(body, media_type="application/json")
        if fault.kind == "status":
            return JSONResponse(fault.body, status_code=fault.status, headers=fault.headers)
        if fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
            return Response(body, media_type="application/json")
        if fault.kind == "truncated":
            return Response(body[: len(body) // 2], media_type="application/json")
        return _CutShort(body[: len(body) // 2])

    def _take_fault(self, resource: str, offset: int) -> Fault | None:
        with self._lock:
            for index, (res, at, fault) in enumerate(self.faults):
                if res == resource and at in (None, offset):
                    del self.faults[index]
                    return fault
        return None

    # -- serving -----------------------------------------------------------------------

    def serve(self) -> Served:
        return Served(self)


class _CutShort(Response):
    """Promises a long body, sends part of it and returns: the server closes the
    connection mid-body, which the client sees as a reset."""

    def __init__(self, part: str) -> None:
        super().__init__(part, media_type="application/json")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(self.body) * 4).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": self.body, "more_body": True})


class Served:
    """The fake under uvicorn on a free port of 127.0.0.1, in a thread; a context manager."""

    def __init__(self, fake: FakeLL2) -> None:
        self.fake = fake
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        fake.base_url = f"http://127.0.0.1:{port}{PREFIX}"
        config = uvicorn.Config(
            fake.app,
            lifespan="off",
            ws="none",
            http="h11",
            log_level="critical",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name="fake-ll2", daemon=True
        )

    @property
    def base_url(self) -> str:
        return self.fake.base_url

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.sock.close()
                raise RuntimeError("the fake LL2 server did not start")
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
