"""One sync run: walk LL2's pages from the checkpoint on, one transaction a page.

A pass reads ``/docking_events/?limit=100&mode=...`` to its last page, then
``/config/docking_locations/`` and ``/space_stations/`` (so that ports and stations no
event mentions are known too), following ``next`` links; each page goes through the
ingest upsert (``normalize``/``normalize_objects`` then ``load``). When the last page is
applied, the events the pass did not see are removed (``ledger.finish_pass``).

The pages are not trusted to end: a run fetches no URL twice (a ``next`` loop A -> B -> A
stops), an endpoint gets at most ``ceil(count / page size) + page_slack`` pages, and an
empty page past ``count`` that still links a next page stops the run. Each such stop is a
``SyncError`` raised before the offending page is written; the pages before it stay whole
and the run is recorded ``failed`` with the reason.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.ingest.errors import IngestError
from gql_server.ingest.normalize import Batch, normalize, normalize_objects
from gql_server.settings import LL2_API, LL2_PAGE_SIZE, SYNC_MAX_RESPONSE_BYTES, SYNC_TIMEOUT
from gql_server.sync import ledger
from gql_server.sync.client import (
    LL2Client,
    RetryPolicy,
    Sleep,
)
from gql_server.sync.errors import SyncError, Throttled
from gql_server.sync.ledger import FINISH, Checkpoint
from gql_server.sync.progress import Reporter

MODES = ("normal", "detailed")
# Each endpoint: its path below the base URL, the table its objects fill (None: events),
# whether it takes ``mode``, and what its objects are called in progress lines.
ENDPOINTS: dict[str, tuple[str, str | None, bool, str]] = {
    "docking_events": ("docking_events/", None, True, "events"),
    "docking_locations": ("config/docking_locations/", "docking_location", False, "locations"),
    "space_stations": ("space_stations/", "space_station", True, "stations"),
}


@dataclass(frozen=True)
class SyncOptions:
    base_url: str = LL2_API
    mode: str = "normal"
    api_key: str | None = None
    max_pages: int | None = None  # pages this run fetches at most (any endpoint)
    dry_run: bool = False
    restart: bool = False
    page_size: int = LL2_PAGE_SIZE
    timeout: float = SYNC_TIMEOUT  # seconds one request may take in all (redirects, slow bodies)
    max_response_bytes: int = SYNC_MAX_RESPONSE_BYTES  # one response's body at most
    page_slack: int = 2  # pages an endpoint may take beyond ceil(count / page size)
    policy: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class SyncReport:
    """What a run did. ``outcome``: ``succeeded`` (the pass completed), ``partial``
    (``--max-pages``), ``throttled`` (``--no-wait``, or a wait longer than ``--max-wait``),
    ``failed`` (``message`` says why: a fault past the retries, a page refused, a broken
    or hostile upstream stopped), or for a dry run ``checked`` (every page fetched and
    valid) / ``checked-partial``."""

    outcome: str
    run_id: int | None = None
    resumed: bool = False
    pages: int = 0
    events: int = 0
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    removed: list[int] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    message: str | None = None


async def run_sync(
    engine: AsyncEngine | None,
    options: SyncOptions,
    *,
    reporter: Reporter | None = None,
    sleep: Sleep = asyncio.sleep,
    random: Callable[[], float] = random.random,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SyncReport:
    """Run one sync. A dry run (``options.dry_run``; ``engine`` may then be None) fetches
    and validates every page from the first and touches no database at all. Otherwise the
    run resumes the checkpoint's pass (unless ``options.restart``)."""
    if options.mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {options.mode!r}")
    if options.max_pages is not None and options.max_pages < 1:
        raise ValueError(f"max_pages must be 1 or more, got {options.max_pages}")
    reporter = reporter or Reporter()
    client = LL2Client(
        options.base_url,
        api_key=options.api_key,
        timeout=options.timeout,
        max_response_bytes=options.max_response_bytes,
        policy=options.policy,
        reporter=reporter,
        sleep=sleep,
        random=random,
        transport=transport,
    )
    async with client:
        walk = _Walk(client, engine, options, reporter)
        if options.dry_run or engine is None:
            return await walk.dry_run()
        return await walk.run()


class _Walk:
    def __init__(
        self,
        client: LL2Client,
        engine: AsyncEngine | None,
        options: SyncOptions,
        reporter: Reporter,
    ) -> None:
        self.client = client
        self.engine = engine
        self.options = options
        self.reporter = reporter
        self.started = time.perf_counter()
        self.report = SyncReport(outcome="running")
        self.visited: set[str] = set()  # URLs fetched by this run: a next link back is a loop
        # Per endpoint, the most objects a page with a next link held in this run: the
        # page size LL2 applied (it may serve fewer than asked), for the page budget.
        self.per_page: dict[str, int] = {}

    async def run(self) -> SyncReport:
        assert self.engine is not None
        base_url = self.client.base_url
        started = await ledger.start_run(
            self.engine, base_url, self.options.mode, restart=self.options.restart
        )
        report = self.report
        report.run_id, report.resumed = started.run_id, started.resumed
        if started.note:
            self.reporter.line(started.note)
        checkpoint = started.checkpoint
        if started.resumed:
            left = (
                "only its completion is left"
                if checkpoint.resource == FINISH
                else f"next {checkpoint.resource} page {checkpoint.resource_pages + 1}"
            )
            self.reporter.line(
                f"resuming the pass begun by run {checkpoint.origin_run_id}: "
                f"{checkpoint.pages} pages done, {left} (--restart starts over)"
            )
        try:
            checkpoint = await self._pages(checkpoint, apply=True)
            if checkpoint.resource != FINISH:
                report.outcome = "partial"
                report.message = (
                    f"stopped after {report.pages} pages (--max-pages): run again to resume"
                )
                await ledger.end_run(self.engine, started.run_id, "partial", report.message)
            else:
                finished = await ledger.finish_pass(self.engine, started.run_id, checkpoint)
                report.outcome = "succeeded"
                report.removed = finished.removed
                report.deleted = len(finished.removed)
                report.message = finished.note
                if finished.note:
                    self.reporter.line(finished.note)
        except Throttled as exc:
            report.outcome, report.message = "throttled", str(exc)
            await ledger.end_run(self.engine, started.run_id, "throttled", str(exc))
        except SyncError as exc:
            report.outcome, report.message = "failed", str(exc)
            await ledger.end_run(self.engine, started.run_id, "failed", str(exc))
        except BaseException:  # Ctrl-C (task cancelled), or a bug: the pages so far stay
            await asyncio.shield(
                ledger.end_run(self.engine, started.run_id, "interrupted", "interrupted")
            )
            raise
        return self._done()

    async def dry_run(self) -> SyncReport:
        checkpoint = Checkpoint(0, 0, self.client.base_url, self.options.mode)
        try:
            checkpoint = await self._pages(checkpoint, apply=False)
            self.report.outcome = "checked" if checkpoint.resource == FINISH else "checked-partial"
        except Throttled as exc:
            self.report.outcome, self.report.message = "throttled", str(exc)
        except SyncError as exc:
            self.report.outcome, self.report.message = "failed", str(exc)
        return self._done()

    def _done(self) -> SyncReport:
        self.report.seconds = time.perf_counter() - self.started
        self.report.requests = self.client.requests
        return self.report

    async def _pages(self, checkpoint: Checkpoint, *, apply: bool) -> Checkpoint:
        """Fetch and apply pages until the pass's end or ``max_pages``."""
        report = self.report
        while checkpoint.resource != FINISH:
            if self.options.max_pages is not None and report.pages >= self.options.max_pages:
                break
            path, table, moded, noun = ENDPOINTS[checkpoint.resource]
            params: dict[str, Any] = {"limit": self.options.page_size}
            if moded:
                params["mode"] = self.options.mode
            url = checkpoint.next_url or self.client.url(path, **params)
            self.visited.add(_page_key(url))
            document = await self.client.get_json(url)
            count, next_url = self._envelope(url, document)
            batch = self._normalize(url, document, table)
            number = checkpoint.resource_pages + 1
            resource = checkpoint.resource
            if next_url is not None:
                next_url = self.client.follow(url, next_url)
                self._check_next(url, resource, number, count, len(document["results"]), next_url)
            objects = len(batch.events) if table is None else len(batch.rows.get(table, {}))
            change = ""
            if apply:
                assert self.engine is not None and report.run_id is not None
                loaded, checkpoint = await ledger.apply_page(
                    self.engine, url, report.run_id, batch, checkpoint, count, next_url
                )
                report.inserted += loaded.created
                report.updated += loaded.updated
                if table is None:
                    change = f" ({loaded.created} new, {loaded.updated} changed)"
            else:
                checkpoint = checkpoint.after_page(count, next_url, len(batch.events))
            report.pages += 1
            report.events += len(batch.events)
            report.rows += batch.count()
            # Pages expected of this endpoint, from its count and the page size LL2 applied.
            served = len(document["results"])
            if next_url is None:
                expected = number
            else:
                expected = max(number + 1, math.ceil(count / (served or self.options.page_size)))
            elapsed = time.perf_counter() - self.started
            rate = report.rows / elapsed if elapsed > 0 else 0.0
            self.reporter.line(
                f"{resource} page {number}/{expected}: {objects} {noun}{change} | "
                f"this run: {report.pages} pages, {report.rows:,} rows in {elapsed:.1f}s "
                f"({rate:,.0f} rows/s)"
            )
            for line in batch.drift.lines():  # keys not stored (recorded in sync_run)
                self.reporter.line(f"  {line}")
        return checkpoint

    def _check_next(
        self, url: str, resource: str, number: int, count: int, served: int, next_url: str
    ) -> None:
        """Refuse to go on to ``next_url`` after page ``number`` of ``resource`` (which
        held ``served`` of ``count`` objects) when that cannot end: a URL this run has
        fetched, an empty page past ``count``, or more pages than ``count`` allows."""
        stop = "stopped; nothing of this page was written (run again once LL2 is fixed)"
        if _page_key(next_url) in self.visited:
            raise SyncError(
                f"{url}: the next link leads back to {next_url}, a page this run already "
                f"fetched (a loop in LL2's pagination): {stop}"
            )
        if served:
            self.per_page[resource] = max(self.per_page.get(resource, 0), served)
        per_page = self.per_page.get(resource) or self.options.page_size
        if not served and (number - 1) * per_page >= count:
            raise SyncError(
                f"{url}: page {number} of {resource} is empty, past the {count} objects "
                f"LL2 counts, yet links a next page: {stop}"
            )
        budget = math.ceil(count / per_page) + self.options.page_slack
        if number >= budget:
            raise SyncError(
                f"{url}: page {number} of {resource} links a next page, but {count} objects "
                f"at {per_page} a page make at most {budget} pages (ceil({count}/{per_page}) "
                f"+ {self.options.page_slack} slack): {stop}"
            )

    def _envelope(self, url: str, document: Any) -> tuple[int, str | None]:
        """The ``count`` and ``next`` of an LL2 page envelope."""
        if not isinstance(document, dict) or not isinstance(document.get("results"), list):
            raise SyncError(f"{url}: $: expected an LL2 page {{count, next, results}}")
        count, next_url = document.get("count"), document.get("next")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise SyncError(f"{url}: $.count: expected a count of objects, got {count!r}")
        if next_url is not None and not isinstance(next_url, str):
            raise SyncError(f"{url}: $.next: expected a URL or null, got {next_url!r}")
        return count, next_url or None

    def _normalize(self, url: str, document: Any, table: str | None) -> Batch:
        try:
            return normalize(document) if table is None else normalize_objects(document, table)
        except IngestError as exc:
            raise SyncError(f"{url}: {exc}; nothing of that page was written") from None


def _page_key(url: str) -> str:
    """``url`` as the page it names: query parameters sorted, ``offset=0`` dropped (the
    first page's URL has no offset; a link back to it may have one)."""
    parsed = httpx.URL(url)
    params = sorted((k, v) for k, v in parsed.params.multi_items() if (k, v) != ("offset", "0"))
    return str(parsed.copy_with(params=params))
