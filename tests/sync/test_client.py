"""The LL2 client on its own: links, headers, backoff, Retry-After, final errors."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from support.pg_server import free_port

from gql_server.sync.client import LL2Client, RetryPolicy
from gql_server.sync.errors import SyncError
from gql_server.sync.progress import Reporter, clock
from gql_server.sync.responses import retry_after

BASE = "https://ll.thespacedevs.com/2.3.0"


def client(handler: Any = None, **kwargs: Any) -> LL2Client:
    async def no_sleep(_seconds: float) -> None:
        await asyncio.sleep(0)

    transport = httpx.MockTransport(handler) if handler else None
    kwargs.setdefault("reporter", Reporter(io.StringIO()))
    return LL2Client(kwargs.pop("base", BASE), transport=transport, sleep=no_sleep, **kwargs)


def test_urls_and_next_links_stay_on_the_api_host() -> None:
    ll2 = client()
    first = ll2.url("docking_events/", limit=100, mode="normal")
    assert first == f"{BASE}/docking_events/?limit=100&mode=normal"
    # A proxy's http:// link is taken over https, like the base URL.
    assert ll2.follow(first, "http://ll.thespacedevs.com/2.3.0/docking_events/?offset=100") == (
        f"{BASE}/docking_events/?offset=100"
    )
    assert ll2.follow(first, "?offset=200") == f"{BASE}/docking_events/?offset=200"
    with pytest.raises(SyncError, match=r"leaves ll\.thespacedevs\.com"):
        ll2.follow(first, "https://elsewhere.example/2.3.0/docking_events/?offset=100")
    asyncio.run(ll2.aclose())
    with pytest.raises(SyncError, match="expected an http"):
        LL2Client("ftp://example.org/2.3.0")


def test_backoff_doubles_with_jitter_up_to_a_ceiling() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=8.0)
    low, high = client(policy=policy, random=lambda: 0.0), client(policy=policy, random=lambda: 1.0)
    assert [low.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert [high.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    for c in (low, high):
        asyncio.run(c.aclose())


def test_retry_after_as_seconds_or_http_date() -> None:
    assert retry_after("120") == 120
    assert retry_after(None) is None and retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (retry_after(later) or 0) <= 90
    assert clock(3725) == "1:02:05" and clock(59.6) == "1:00"


def test_a_401_is_final_and_hints_at_the_key() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(401, json={"detail": "Invalid token."})

    async def go() -> None:
        async with client(handler, api_key="bad") as ll2:
            with pytest.raises(SyncError, match=r"HTTP 401 Unauthorized \(check the API key"):
                await ll2.get_json(f"{BASE}/docking_events/")

    asyncio.run(go())
    assert len(calls) == 1 and calls[0].headers["Authorization"] == "Token bad"


def test_a_refused_connection_is_retried_then_reported() -> None:
    base = f"http://127.0.0.1:{free_port()}/2.3.0"  # nobody listens there
    stream = io.StringIO()

    async def go() -> None:
        async with client(
            base=base, reporter=Reporter(stream), policy=RetryPolicy(attempts=3)
        ) as ll2:
            with pytest.raises(SyncError) as caught:
                await ll2.get_json(ll2.url("docking_events/"))
            assert str(caught.value).endswith("gave up after 3 attempts")
            assert "connection failed (ConnectError" in str(caught.value)
            assert ll2.requests == 3

    asyncio.run(go())
    assert stream.getvalue().count("retry ") == 2


def test_a_countdown_prints_once_a_minute_off_a_terminal() -> None:
    stream = io.StringIO()
    reporter = Reporter(stream, tty=False)
    for left in range(125, 0, -1):
        reporter.countdown("throttled", left)
    reporter.countdown_done()
    assert stream.getvalue().splitlines() == [
        "throttled: continuing in 2:05",
        "throttled: continuing in 2:00",
        "throttled: continuing in 1:00",
    ]
