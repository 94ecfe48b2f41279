"""Settings, read from the environment once: the gateway's whole configuration.

This module is the ground floor: it imports nothing of the project but ``gql_server.env``
(the readers of ``GQL_*`` variables), so every layer (``db``, ``graphql``, ``http``, the
migrations' ``env.py``) can import its configuration from here without climbing. The
limits a layer enforces are configured here (``Limits``, ``TransportLimits``) and enforced
there (``graphql/limits.py``, ``http/websocket.py``, ``http/edges.py``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gql_server import env as read

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./gql_server.db"
MIB = 1024 * 1024
LOG_FORMATS = ("text", "json")
# LL2, upstream: the API root ``sync`` reads by default, and its largest page (its `limit`
# maximum): what ``sync`` asks for and what ``generate`` writes.
LL2_API = "https://ll.thespacedevs.com/2.3.0"
LL2_PAGE_SIZE = 100
# ``sync``'s defaults (its flags', GQL_SYNC_*'s and the LL2 client's).
SYNC_TIMEOUT = 30.0  # seconds one LL2 request may take in all
SYNC_MAX_RESPONSE_BYTES = 64 * MIB  # one LL2 response's body at most
SYNC_MAX_WAIT = 3600.0  # longest throttle wait honoured; longer stops (exit 75)
SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


@dataclass(frozen=True)
class Limits:
    """Per-request limits, enforced before execution by ``gql_server.graphql.limits``
    (docs/limits.md); each is read from ``GQL_<NAME>`` (e.g. ``GQL_MAX_COST``)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_root_fields: int = 10
    # Selections the pre-execution walk may visit (fragments count once per use site kind).
    max_selections: int = 20_000
    # Cost: 1 a field plus what it selects times the items it serves (see graphql/cost.py).
    # The full LL2 page tree (docs/queries/full-page.graphql) at limit 100 costs 228,501.
    max_cost: int = 250_000
    max_search_terms: int = 20  # distinct terms of one `search` (LL2 has no such cap)
    max_stats_buckets: int = 10_000  # buckets one `dockingStats` may serve
    timeout_seconds: float = 10.0
    introspection: bool = True
    # Operations costing this much or more take a slot of the heavy lane.
    heavy_cost: int = 20_000
    heavy_concurrency: int = 2  # heavy operations running at once, per process
    heavy_queue_seconds: float = 2.0  # how long a heavy operation may wait for a slot

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        return read.dataclass_from_env(cls, os.environ if environ is None else environ)


@dataclass(frozen=True)
class TransportLimits:
    """Limits of the transports (WebSocket and HTTP/1.1 connections), enforced by
    ``gql_server.http.websocket`` and ``gql_server.http.edges`` (docs/limits-transport.md);
    each is read from ``GQL_<NAME>`` (e.g. ``GQL_WS_MAX_CONNECTIONS``).

    The document limits, cost and execution timeout (``Limits``) and the body limit
    (``Settings.max_body_bytes``) apply to every transport; these are the limits only a
    connection has: how many, how long, how large its head."""

    # Operations in flight on one WebSocket connection (subscriptions, and queries until
    # they are answered); one more gets an `error` message (TOO_MANY_SUBSCRIPTIONS).
    ws_max_subscriptions: int = 20
    # Open WebSocket connections per server process; one more is accepted and closed
    # at once with code 4503 and a reason (clients retry later).
    ws_max_connections: int = 200
    # Nesting of a WebSocket message's JSON (objects and arrays); deeper: closed, 4400.
    ws_max_json_depth: int = 32
    # Database connections all subscriptions of a process read through at once; the
    # pool's others stay for HTTP requests. Keep it below the pool size (5 by default).
    subscription_db_connections: int = 2
    # How far back `sinceVersion` may ask for a replay, in data versions.
    replay_max_versions: int = 1_000
    # HTTP/1.1: the request line and headers of one request, in bytes and header lines.
    max_header_bytes: int = 64 * 1024
    max_headers: int = 100
    # HTTP/1.1: seconds from a request's first byte (or the connection's opening) to the
    # end of its headers, and from then to the end of its body; past them the connection
    # is answered 408 (when nothing was answered yet) and closed.
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TransportLimits:
        return read.dataclass_from_env(cls, os.environ if environ is None else environ)


@dataclass(frozen=True)
class Settings:
    """Everything the gateway can be told; docs/commands.md lists each variable."""

    database_url: str = DEFAULT_DATABASE_URL
    database_read_url: str | None = None
    seed_dir: Path | None = SEED_DIR
    graphiql: bool = True
    timeline: bool = True  # the docking timeline page at /timeline (docs/timeline.md)
    cors_origins: tuple[str, ...] = ()
    gzip_min_size: int = 1024
    max_body_bytes: int = 256 * 1024
    # Byte budgets of the per-process caches (0: no such cache). Each entry is accounted
    # at its size; answers over `response_cache_entry_bytes` are not kept.
    response_cache_bytes: int = 64 * MIB
    response_cache_entry_bytes: int = 1 * MIB
    persisted_queries_bytes: int = 16 * MIB
    document_cache_bytes: int = 32 * MIB  # parsed and validated documents
    plan_cache_bytes: int = 32 * MIB  # the planner's plans (each keeps its document alive)
    cache_max_age: int = 0  # Cache-Control max-age of GET answers, seconds
    planner: bool = True  # look-ahead planning (off: graphql-core resolves every field)
    compiled: bool = True  # planned queries skip graphql-core's executor (docs/compiled.md)
    compiled_check: bool = False  # also run graphql-core and fail on a different answer (tests)
    limits: Limits = field(default_factory=Limits)
    # Operating it (docs/operating.md): log format, /metrics, OpenTelemetry tracing.
    log_format: str = "text"  # "text" or "json" (one JSON object a line)
    access_log: bool = True  # one line per HTTP request (gql_server.http.observe)
    metrics: bool = True  # serve Prometheus metrics at /metrics
    tracing: bool = False  # OpenTelemetry spans (needs the `otel` extra)
    # ``sync``'s defaults for its --timeout, --max-response-bytes and --max-wait flags.
    sync_timeout: float = SYNC_TIMEOUT
    sync_max_response_bytes: int = SYNC_MAX_RESPONSE_BYTES
    sync_max_wait: float = SYNC_MAX_WAIT
    # WebSocket and HTTP/1.1 connection limits (docs/limits-transport.md).
    transport: TransportLimits = field(default_factory=TransportLimits)
    # How often subscriptions' version watch reads the data version (db/version_watch.py):
    # polling without LISTEN (SQLite), and the safety poll while LISTENing (PostgreSQL).
    subscription_poll_seconds: float = 0.5
    subscription_listen_poll_seconds: float = 5.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        seed = env.get("GQL_SEED_DIR")
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            database_read_url=env.get("DATABASE_READ_URL") or None,
            seed_dir=SEED_DIR if seed is None else (Path(seed) if seed else None),
            graphiql=read.flag(env, "GQL_GRAPHIQL", True),
            timeline=read.flag(env, "GQL_TIMELINE", True),
            cors_origins=_origins(env.get("GQL_CORS_ORIGINS")),
            gzip_min_size=read.byte_size(env, "GQL_GZIP_MIN_SIZE", 1024),
            max_body_bytes=read.byte_size(env, "GQL_MAX_BODY_BYTES", 256 * 1024),
            response_cache_bytes=read.byte_size(env, "GQL_RESPONSE_CACHE_BYTES", 64 * MIB),
            response_cache_entry_bytes=read.byte_size(
                env, "GQL_RESPONSE_CACHE_ENTRY_BYTES", 1 * MIB
            ),
            persisted_queries_bytes=read.byte_size(env, "GQL_PERSISTED_QUERIES_BYTES", 16 * MIB),
            document_cache_bytes=read.byte_size(env, "GQL_DOCUMENT_CACHE_BYTES", 32 * MIB),
            plan_cache_bytes=read.byte_size(env, "GQL_PLAN_CACHE_BYTES", 32 * MIB),
            cache_max_age=read.byte_size(env, "GQL_CACHE_MAX_AGE", 0),
            planner=read.flag(env, "GQL_PLANNER", True),
            compiled=read.flag(env, "GQL_COMPILED", True),
            compiled_check=read.flag(env, "GQL_COMPILED_CHECK", False),
            limits=Limits.from_env(env),
            log_format=log_format_from_env(env),
            access_log=read.flag(env, "GQL_ACCESS_LOG", True),
            metrics=read.flag(env, "GQL_METRICS", True),
            tracing=read.flag(env, "GQL_TRACING", False),
            sync_timeout=read.seconds(env, "GQL_SYNC_TIMEOUT", SYNC_TIMEOUT),
            sync_max_response_bytes=read.byte_size(
                env, "GQL_SYNC_MAX_RESPONSE_BYTES", SYNC_MAX_RESPONSE_BYTES
            ),
            sync_max_wait=read.seconds(env, "GQL_SYNC_MAX_WAIT", SYNC_MAX_WAIT),
            transport=TransportLimits.from_env(env),
            subscription_poll_seconds=read.seconds(env, "GQL_SUBSCRIPTION_POLL_SECONDS", 0.5),
            subscription_listen_poll_seconds=read.seconds(
                env, "GQL_SUBSCRIPTION_LISTEN_POLL_SECONDS", 5.0
            ),
        )


def log_format_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``GQL_LOG_FORMAT``: "text" or "json" (the CLI reads it before anything else, to log
    in the right format from the first line)."""
    return read.choice(
        os.environ if environ is None else environ, "GQL_LOG_FORMAT", "text", LOG_FORMATS
    )


def _origins(value: str | None) -> tuple[str, ...]:
    """Comma-separated origins (``https://app.example.org``, or ``*``); empty: none."""
    origins = tuple(o.strip().rstrip("/") for o in (value or "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and "://" not in origin:
            raise ValueError(f"expected an origin like https://host[:port], got {origin!r}")
    return origins
