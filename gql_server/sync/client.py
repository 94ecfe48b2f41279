"""LL2 over HTTP: JSON a page at a time, retrying what is transient and waiting out throttling.

Transient (retried with exponential backoff and jitter, ``RetryPolicy.attempts`` tries in
all): timeouts, connection errors and resets, a body cut short, HTTP 5xx, a body that is
not JSON. HTTP 429 is not a fault: the client waits as long as LL2 asks (``Retry-After``,
and LL2's ``/api-throttle/`` when it answers), showing a countdown, then asks again; with
``no_wait`` it raises ``Throttled`` instead. Any other 4xx is final (``SyncError``).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

import httpx

from gql_server.sync.progress import Reporter, clock

Sleep = Callable[[float], Awaitable[None]]


def _version() -> str:
    try:
        return metadata.version("gql-server")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0.1.0"


USER_AGENT = (
    f"gql-server-sync/{_version()} (GraphQL gateway over LL2 docking data; "
    f"python-httpx/{httpx.__version__})"
)
# DRF's throttle message: "Request was throttled. Expected available in 3578 seconds."
_THROTTLE_DETAIL = re.compile(r"available in (\d+(?:\.\d+)?) second")


class SyncError(Exception):
    """The sync cannot go on; the message says what happened, for the user."""


class Throttled(SyncError):
    """LL2 answered HTTP 429 and the sync was told not to wait (``--no-wait``)."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries of one request, the first included, for transient faults
    backoff_base: float = 1.0  # seconds before the first retry; doubles each time
    backoff_max: float = 60.0
    throttle_default: float = 60.0  # the wait after a 429 that says nothing about it
    throttle_max_waits: int = 10  # 429s in a row on one request before giving up
    no_wait: bool = False


class LL2Client:
    """An httpx.AsyncClient for one LL2 base URL (``https://ll.thespacedevs.com/2.3.0``).

    ``sleep`` and ``random`` make the waits injectable (tests shrink them to nothing);
    ``transport`` replaces the network (an ``httpx.MockTransport``, say)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
        reporter: Reporter | None = None,
        sleep: Sleep = asyncio.sleep,
        random: Callable[[], float] = random.random,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._base = httpx.URL(self.base_url + "/")
        if self._base.scheme not in ("http", "https") or not self._base.host:
            raise SyncError(f"expected an http(s) base URL, got {base_url!r}")
        self.policy = policy or RetryPolicy()
        self.reporter = reporter or Reporter()
        self.sleep = sleep
        self.random = random
        self.requests = 0  # HTTP requests made, retries and throttle look-ups included
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Token {api_key}"  # LL2's token authentication
        self._http = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,  # httpx drops Authorization on a cross-origin redirect
            transport=transport,
        )

    async def __aenter__(self) -> LL2Client:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def url(self, path: str, **params: Any) -> str:
        """An absolute URL below the base URL: ``url("docking_events/", limit=100)``."""
        url = self._base.join(path.lstrip("/"))
        return str(url.copy_merge_params(params) if params else url)

    def follow(self, current: str, link: str) -> str:
        """A ``next`` link, made absolute; it must stay on the base URL's host (the API key
        goes with every request). A different scheme or port is taken as the base's:
        a proxy in front of LL2 may write ``http://`` links for an ``https://`` API."""
        url = httpx.URL(urljoin(current, link))
        if url.host != self._base.host:
            raise SyncError(f"{current}: the next link {link!r} leaves {self._base.host}")
        if (url.scheme, url.port) != (self._base.scheme, self._base.port):
            url = url.copy_with(scheme=self._base.scheme, port=self._base.port)
        return str(url)

    async def get_json(self, url: str) -> Any:
        """The JSON document at ``url``."""
        failures = 0
        throttled = 0
        attempts = max(1, self.policy.attempts)
        while True:
            problem = await self._try(url)
            if isinstance(problem, _Document):
                return problem.value
            if isinstance(problem, _Throttle):
                throttled += 1
                wait = await self._throttle_wait(problem.response)
                if self.policy.no_wait:
                    raise Throttled(
                        f"GET {url}: LL2 throttled the request (HTTP 429); it asks to wait "
                        f"{clock(wait)}. Stopped (--no-wait): run again later to resume.",
                        wait,
                    )
                if throttled > self.policy.throttle_max_waits:
                    raise SyncError(
                        f"GET {url}: still throttled (HTTP 429) after {throttled - 1} waits"
                    )
                await self.wait(wait, "LL2 throttled the request (HTTP 429)")
                continue
            failures += 1
            if failures >= attempts:
                raise SyncError(f"GET {url}: {problem}; gave up after {failures} attempts")
            delay = self.backoff(failures)
            self.reporter.line(
                f"GET {url}: {problem}; retry {failures} of {attempts - 1} in {delay:.1f}s"
            )
            await self.sleep(delay)

    async def _try(self, url: str) -> _Document | _Throttle | str:
        """One request: the document, a throttle, or what went wrong (transient)."""
        self.requests += 1
        try:
            response = await self._http.get(url)
        except httpx.TimeoutException as exc:
            return f"timed out ({type(exc).__name__})"
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return f"connection failed ({type(exc).__name__}: {exc})"
        status = response.status_code
        if status == 429:
            return _Throttle(response)
        if status >= 500:
            return f"HTTP {status} {response.reason_phrase}"
        if status >= 400:
            hint = " (check the API key: --api-key or LL2_API_KEY)" if status in (401, 403) else ""
            raise SyncError(f"GET {url}: HTTP {status} {response.reason_phrase}{hint}")
        try:
            return _Document(json.loads(response.content))
        except (ValueError, UnicodeDecodeError) as exc:
            return f"invalid JSON in a {len(response.content)}-byte body ({exc})"

    def backoff(self, failures: int) -> float:
        """The wait before retry number ``failures``: exponential, with equal jitter."""
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2 ** (failures - 1))
        return ceiling / 2 + self.random() * ceiling / 2

    async def wait(self, seconds: float, reason: str) -> None:
        """Sleep ``seconds`` in steps of at most one, counting down on the reporter."""
        remaining = max(0.0, seconds)
        try:
            while remaining > 0:
                self.reporter.countdown(reason, remaining)
                step = min(1.0, remaining)
                await self.sleep(step)
                remaining -= step
        finally:
            self.reporter.countdown_done()

    async def _throttle_wait(self, response: httpx.Response) -> float:
        """How long LL2 asks to wait: the longest of ``Retry-After``, ``/api-throttle/``'s
        ``next_use_secs`` and the seconds named in the 429's ``detail``; else a default."""
        waits = [w for w in (_retry_after(response.headers.get("Retry-After")),) if w is not None]
        status = await self.throttle_status()
        if status is not None:
            waits.append(status)
        if not waits:
            found = _THROTTLE_DETAIL.search(response.text)
            if found:
                waits.append(float(found.group(1)))
        return max(waits) if waits else self.policy.throttle_default

    async def throttle_status(self) -> float | None:
        """``next_use_secs`` of LL2's ``/api-throttle/`` (one try; None if it does not
        answer usefully)."""
        self.requests += 1
        try:
            response = await self._http.get(self.url("api-throttle/"))
            if response.status_code != 200:
                return None
            body = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        entries = body if isinstance(body, list) else [body]
        waits = [
            float(e["next_use_secs"])
            for e in entries
            if isinstance(e, dict) and isinstance(e.get("next_use_secs"), int | float)
        ]
        return max(waits) if waits else None


@dataclass(frozen=True)
class _Document:
    value: Any


@dataclass(frozen=True)
class _Throttle:
    response: httpx.Response


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
