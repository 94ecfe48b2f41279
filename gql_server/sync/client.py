"""LL2 over HTTP: JSON a page at a time, retrying what is transient and waiting out throttling.

Transient (retried with exponential backoff and jitter, ``RetryPolicy.attempts`` tries in
all): timeouts, connection errors and resets, a body cut short, HTTP 5xx, a body that is
not JSON. HTTP 429 is not a fault: the client waits as long as LL2 asks (``Retry-After``,
and LL2's ``/api-throttle/`` when it answers), showing a countdown, then asks again; with
``no_wait``, or when the wait asked is longer than ``RetryPolicy.max_wait``, it raises
``Throttled`` instead (the run stops resumably). Any other 4xx is final (``SyncError``).

The upstream is not trusted to behave: each request (redirects included) must finish
within ``timeout`` seconds in all, however slowly the body trickles in; a body is read as
a stream and given up past ``max_response_bytes`` (final: an endless body is no transient
fault); redirects are followed only within the base URL's origin (scheme, host, port), so
the API key never leaves it and nothing from elsewhere is read.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import metadata
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

import httpx

from gql_server.settings import SYNC_MAX_RESPONSE_BYTES, SYNC_MAX_WAIT, SYNC_TIMEOUT
from gql_server.sync.errors import SyncError, Throttled
from gql_server.sync.progress import Reporter, clock
from gql_server.sync.responses import (
    THROTTLE_DETAIL,
    Inflater,
    retry_after,
    too_big,
    wait_seconds,
)

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
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries of one request, the first included, for transient faults
    backoff_base: float = 1.0  # seconds before the first retry; doubles each time
    backoff_max: float = 60.0
    throttle_default: float = 60.0  # the wait after a 429 that says nothing about it
    throttle_max_waits: int = 10  # 429s in a row on one request before giving up
    no_wait: bool = False
    # The longest throttle wait honoured (seconds); a longer one (a 31-year Retry-After,
    # ``inf``) stops the run resumably instead of blocking it.
    max_wait: float = SYNC_MAX_WAIT


class LL2Client:
    """An httpx.AsyncClient for one LL2 base URL (``https://ll.thespacedevs.com/2.3.0``).

    ``sleep`` and ``random`` make the waits injectable (tests shrink them to nothing);
    ``transport`` replaces the network (an ``httpx.MockTransport``, say)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = SYNC_TIMEOUT,
        max_response_bytes: int = SYNC_MAX_RESPONSE_BYTES,
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
        if not (math.isfinite(timeout) and timeout > 0):
            raise SyncError(
                f"the request timeout must be a positive number of seconds, got {timeout}"
            )
        if max_response_bytes < 1:
            raise SyncError(f"the response byte cap must be 1 or more, got {max_response_bytes}")
        self.timeout = timeout  # seconds one request may take in all (a deadline, not per read)
        self.max_response_bytes = max_response_bytes
        self.policy = policy or RetryPolicy()
        self.reporter = reporter or Reporter()
        self.sleep = sleep
        self.random = random
        self.requests = 0  # HTTP requests made, retries and throttle look-ups included
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            # Only what ``Inflater`` inflates within the byte cap (not br or zstd, which
            # httpx would ask for when their packages happen to be installed).
            "Accept-Encoding": "gzip, deflate",
        }
        if api_key:
            headers["Authorization"] = f"Token {api_key}"  # LL2's token authentication
        self._http = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # Redirects are followed by ``_fetch``, which refuses those leaving the origin.
            follow_redirects=False,
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
                if wait > self.policy.max_wait:
                    raise Throttled(
                        f"GET {url}: LL2 throttled the request (HTTP 429) and asks to wait "
                        f"{clock(wait)}, longer than the {clock(self.policy.max_wait)} cap "
                        "(--max-wait). Stopped: run again later to resume.",
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
        try:
            response = await self._fetch(url)
        except TimeoutError:
            return f"timed out (the request took over its {self.timeout:g}s deadline, --timeout)"
        except httpx.TimeoutException as exc:
            return f"timed out ({type(exc).__name__})"
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return f"connection failed ({type(exc).__name__}: {exc})"
        status = response.status
        if status == 429:
            return _Throttle(response)
        if status >= 500:
            return f"HTTP {status} {response.reason}"
        if status >= 300:
            hint = " (check the API key: --api-key or LL2_API_KEY)" if status in (401, 403) else ""
            raise SyncError(f"GET {url}: HTTP {status} {response.reason}{hint}")
        try:
            return _Document(json.loads(response.content))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return f"invalid JSON in a {len(response.content)}-byte body ({exc})"

    async def _fetch(self, url: str) -> _Fetched:
        """GET ``url``, following redirects within the base origin, the body read as a
        stream up to ``max_response_bytes``; all of it within ``timeout`` seconds (raises
        TimeoutError past it: httpx's own timeouts are per read, which a body trickled a
        byte at a time never trips)."""
        self.requests += 1
        async with asyncio.timeout(self.timeout):
            current = url
            for _ in range(MAX_REDIRECTS + 1):
                async with self._http.stream("GET", current) as response:
                    if response.has_redirect_location:
                        current = self._redirect(current, response.headers["Location"])
                        continue
                    content = await self._read(current, response)
                    return _Fetched(
                        response.status_code, response.reason_phrase, response.headers, content
                    )
        raise SyncError(f"GET {url}: more than {MAX_REDIRECTS} redirects")

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        """The body, refused as soon as it passes the byte cap (declared or streamed).
        A compressed body is inflated here, never more than the cap allows at a time: a
        few KB of gzip that inflate to gigabytes stop at the cap like a plain body."""
        cap = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise SyncError(too_big(url, f"announces {int(declared):,} bytes", cap))
        if response.is_stream_consumed:  # read whole already: an httpx.MockTransport's
            if len(response.content) > cap:
                raise SyncError(too_big(url, f"sent more than {cap:,} bytes", cap))
            return response.content
        inflate = Inflater(url, response.headers.get("Content-Encoding", ""))
        body = bytearray()
        async for raw in response.aiter_raw():
            chunk = raw
            while chunk:
                out, chunk = inflate(chunk, cap + 1 - len(body))
                body += out
                if len(body) > cap:
                    raise SyncError(too_big(url, f"sent more than {cap:,} bytes", cap))
        body += inflate.finish()
        if len(body) > cap:
            raise SyncError(too_big(url, f"sent more than {cap:,} bytes", cap))
        return bytes(body)

    def _redirect(self, current: str, location: str) -> str:
        """Where a redirect leads, if it stays on the base URL's origin."""
        try:
            target = httpx.URL(urljoin(current, location))
        except (httpx.InvalidURL, ValueError):
            raise SyncError(f"GET {current}: redirected to an invalid URL {location!r}") from None
        if _origin(target) != _origin(self._base):
            raise SyncError(
                f"GET {current}: redirected to {target}, outside the API's origin "
                f"{_origin_text(self._base)}: refused (nothing was fetched from there)"
            )
        return str(target)

    def backoff(self, failures: int) -> float:
        """The wait before retry number ``failures``: exponential, with equal jitter."""
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2.0 ** (failures - 1))
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

    async def _throttle_wait(self, response: _Fetched) -> float:
        """How long LL2 asks to wait: the longest of ``Retry-After``, ``/api-throttle/``'s
        ``next_use_secs`` and the seconds named in the 429's ``detail``; else a default.
        May be ``inf`` (the caller compares it with ``max_wait``); malformed values (NaN,
        negative, not a number) count as not given."""
        waits = [w for w in (retry_after(response.headers.get("Retry-After")),) if w is not None]
        status = await self.throttle_status()
        if status is not None:
            waits.append(status)
        if not waits:
            found = THROTTLE_DETAIL.search(response.content.decode("utf-8", "replace"))
            if found:
                waits.append(float(found.group(1)))
        return max(waits) if waits else self.policy.throttle_default

    async def throttle_status(self) -> float | None:
        """``next_use_secs`` of LL2's ``/api-throttle/`` (one try; None if it does not
        answer usefully)."""
        try:
            response = await self._fetch(self.url("api-throttle/"))
            if response.status != 200:
                return None
            body = json.loads(response.content)
        except (httpx.HTTPError, SyncError, TimeoutError, ValueError, RecursionError):
            return None
        entries = body if isinstance(body, list) else [body]
        waits = [
            w
            for e in entries
            if isinstance(e, dict) and (w := wait_seconds(e.get("next_use_secs"))) is not None
        ]
        return max(waits) if waits else None


@dataclass(frozen=True)
class _Document:
    value: Any


@dataclass(frozen=True)
class _Fetched:
    """A response read whole (within the byte cap)."""

    status: int
    reason: str
    headers: httpx.Headers
    content: bytes


@dataclass(frozen=True)
class _Throttle:
    response: _Fetched


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = _origin(url)
    return f"{scheme}://{host}:{port}"
