"""Prometheus metrics at ``/metrics`` (the official ``prometheus_client``).

Under ``serve --workers N`` the CLI points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder
before the workers start: each worker then keeps its values in files there, and a scrape
(answered by whichever worker the kernel picks) adds them all up. Without it the process's
own registry is served. Metrics are created when this module is first imported, which must
be after that variable is set (the app imports it, in the worker).

Operation names are the client's text: at most ``MAX_OPERATIONS`` distinct ones per process
are labels, later ones count as ``(other)``, so a client cannot grow the series at will.
"""

from __future__ import annotations

import asyncio
import bisect
import os
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

from gql_server.db.reader import Reader
from gql_server.http.observe import RequestRecord
from gql_server.queries.freshness import LAST_SUCCESSFUL_SYNC, as_utc

# No `*_created` series: each would double the series of its metric, for a start time that
# the process_start_time_seconds series already tells.
disable_created_metrics()

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MAX_OPERATIONS = 200
GRAPHQL_PATH = "/graphql"

REQUESTS = Counter(
    "gql_requests",
    "GraphQL requests over HTTP, by operation name and outcome (ok, field_error, "
    "request_error, timeout, busy, bad_request)",
    ["operation", "outcome"],
)
LATENCY = Histogram(
    "gql_request_duration_seconds",
    "Time to answer a GraphQL request over HTTP, by operation name",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
STATEMENTS = Histogram(
    "gql_request_sql_statements",
    "SQL statements one GraphQL request ran",
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144),
)
RESPONSE_CACHE = Counter(
    "gql_response_cache",
    "Response cache look-ups: hit, miss (executed, then kept) and not_modified (an ETag "
    "matched: HTTP 304)",
    ["outcome"],
)
PERSISTED_QUERIES = Counter(
    "gql_persisted_queries",
    "Automatic persisted queries: hit (hash known), miss (PERSISTED_QUERY_NOT_FOUND), "
    "registered (hash and query sent)",
    ["outcome"],
)
SUBSCRIPTIONS = Gauge(
    "gql_subscriptions_live",
    "Subscriptions running now (over WebSocket)",
    multiprocess_mode="livesum",
)
LAST_SYNC = Gauge(
    "gql_last_successful_sync_timestamp_seconds",
    "When the last successful LL2 sync finished (Unix time; read at scrape time; absent "
    "before the first)",
    multiprocess_mode="max",
)

_operations: set[str] = set()
# The labelled series met so far (prometheus_client's ``labels`` takes a lock and builds
# its key on every call): at most MAX_OPERATIONS + 1 operations times the outcomes.
_children: dict[tuple[Any, ...], Any] = {}


def _child(metric: Any, *labels: str) -> Any:
    key = (metric, *labels)
    found = _children.get(key)
    if found is None:
        found = _children[key] = metric.labels(*labels)
    return found


def operation_label(name: str | None) -> str:
    name = name or "-"
    if name in _operations:
        return name
    if len(_operations) >= MAX_OPERATIONS:
        return "(other)"
    _operations.add(name)
    return name


class _Tally:
    """Observations not yet written to the metrics: counts by series, and per histogram
    series its buckets' counts and its sum. In multiprocess mode every ``inc`` of
    prometheus_client locks, checks the process id (a system call) and writes a shared
    file: five of them a request cost a point lookup about a tenth of its CPU. A request
    adds to this tally; ``flush`` writes it, one ``inc`` per series that moved."""

    def __init__(self) -> None:
        self.counts: dict[Any, int] = {}
        self.histograms: dict[Any, tuple[list[int], list[float]]] = {}

    def count(self, child: Any) -> None:
        self.counts[child] = self.counts.get(child, 0) + 1

    def observe(self, child: Any, value: float) -> None:
        found = self.histograms.get(child)
        if found is None:
            found = self.histograms[child] = ([0] * len(child._upper_bounds), [0.0])
        # prometheus_client's own rule: the first bucket whose bound is at least the value.
        found[0][bisect.bisect_left(child._upper_bounds, value)] += 1
        found[1][0] += value

    def flush(self) -> None:
        counts, self.counts = self.counts, {}
        histograms, self.histograms = self.histograms, {}
        for child, n in counts.items():
            child.inc(n)
        for child, (buckets, total) in histograms.items():
            # Histogram.observe's own writes, added up (tests/ops/test_metrics.py compares
            # the scrape with prometheus_client's for the same observations).
            child._sum.inc(total[0])
            for index, n in enumerate(buckets):
                if n:
                    child._buckets[index].inc(n)


_tally = _Tally()
# Seconds between two writes of the tally (``start_flushing``): how far a scrape may lag.
FLUSH_SECONDS = 1.0


def flush() -> None:
    """Write this process's tally to the metrics (a scrape of this process calls it first)."""
    _tally.flush()


def start_flushing() -> Callable[[], None]:
    """Write the tally every ``FLUSH_SECONDS`` on the running loop (the app's lifespan owns
    this); returns the function that stops it and writes what is left."""
    loop = asyncio.get_running_loop()
    handle: asyncio.TimerHandle | None = None

    def tick() -> None:
        nonlocal handle
        _tally.flush()
        handle = loop.call_later(FLUSH_SECONDS, tick)

    handle = loop.call_later(FLUSH_SECONDS, tick)

    def stop() -> None:
        if handle is not None:
            handle.cancel()
        _tally.flush()

    return stop


class Metrics:
    """What ``AccessLog`` reports each request to (into the tally; ``flush`` writes it)."""

    def observe_request(
        self, path: str, record: RequestRecord, status: int, seconds: float
    ) -> None:
        if path != GRAPHQL_PATH or record.outcome is None:
            return  # GraphiQL's page, /healthz, /metrics, assets
        operation = operation_label(record.operation)
        _tally.count(_child(REQUESTS, operation, record.outcome))
        _tally.observe(_child(LATENCY, operation), seconds)
        _tally.observe(STATEMENTS, record.statements)
        if record.cache in ("hit", "miss", "not_modified"):
            _tally.count(_child(RESPONSE_CACHE, record.cache))
        if record.apq is not None:
            _tally.count(_child(PERSISTED_QUERIES, record.apq))


def registry() -> CollectorRegistry:
    """What a scrape reads: all workers' files in multiprocess mode, else this process."""
    if os.environ.get(MULTIPROC_ENV):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return REGISTRY


async def metrics_endpoint(request: Request) -> Response:
    flush()
    reader = Reader(request.app.state.engine)
    try:
        finished = as_utc(await reader.scalar(LAST_SUCCESSFUL_SYNC, long=False))
    finally:
        await reader.close()
    if finished is not None:
        LAST_SYNC.set(finished.timestamp())
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)


def process_ended() -> None:
    """Drop this worker's live gauges from the shared files (multiprocess mode)."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(os.getpid())
