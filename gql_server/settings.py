"""Settings, read from the environment once."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from gql_server.graphql.limits import Limits
from gql_server.transport import TransportLimits

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./gql_server.db"
MIB = 1024 * 1024
SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


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
    metrics: bool = True  # serve Prometheus metrics at /metrics
    tracing: bool = False  # OpenTelemetry spans (needs the `otel` extra)
    # ``sync``'s defaults for its --timeout, --max-response-bytes and --max-wait flags.
    sync_timeout: float = 30.0  # seconds one LL2 request may take in all
    sync_max_response_bytes: int = 64 * 1024 * 1024  # one LL2 response's body at most
    sync_max_wait: float = 3600.0  # longest throttle wait honoured; longer stops (exit 75)
    # WebSocket and HTTP/1.1 connection limits (docs/limits-transport.md).
    transport: TransportLimits = field(default_factory=TransportLimits)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        seed = env.get("GQL_SEED_DIR")
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            database_read_url=env.get("DATABASE_READ_URL") or None,
            seed_dir=SEED_DIR if seed is None else (Path(seed) if seed else None),
            graphiql=_flag(env.get("GQL_GRAPHIQL"), default=True),
            timeline=_flag(env.get("GQL_TIMELINE"), default=True),
            cors_origins=_origins(env.get("GQL_CORS_ORIGINS")),
            gzip_min_size=_size(env.get("GQL_GZIP_MIN_SIZE"), default=1024),
            max_body_bytes=_size(env.get("GQL_MAX_BODY_BYTES"), default=256 * 1024),
            response_cache_bytes=_size(env.get("GQL_RESPONSE_CACHE_BYTES"), default=64 * MIB),
            response_cache_entry_bytes=_size(
                env.get("GQL_RESPONSE_CACHE_ENTRY_BYTES"), default=1 * MIB
            ),
            persisted_queries_bytes=_size(
                env.get("GQL_PERSISTED_QUERIES_BYTES"), default=16 * MIB
            ),
            document_cache_bytes=_size(env.get("GQL_DOCUMENT_CACHE_BYTES"), default=32 * MIB),
            plan_cache_bytes=_size(env.get("GQL_PLAN_CACHE_BYTES"), default=32 * MIB),
            cache_max_age=_size(env.get("GQL_CACHE_MAX_AGE"), default=0),
            planner=_flag(env.get("GQL_PLANNER"), default=True),
            compiled=_flag(env.get("GQL_COMPILED"), default=True),
            compiled_check=_flag(env.get("GQL_COMPILED_CHECK"), default=False),
            limits=Limits.from_env(env),
            log_format=parse_log_format(env.get("GQL_LOG_FORMAT")),
            metrics=_flag(env.get("GQL_METRICS"), default=True),
            tracing=_flag(env.get("GQL_TRACING"), default=False),
            sync_timeout=_seconds(env.get("GQL_SYNC_TIMEOUT"), default=30.0),
            sync_max_response_bytes=_size(
                env.get("GQL_SYNC_MAX_RESPONSE_BYTES"), default=64 * 1024 * 1024
            ),
            sync_max_wait=_seconds(env.get("GQL_SYNC_MAX_WAIT"), default=3600.0),
            transport=TransportLimits.from_env(env),
        )


def parse_log_format(value: str | None) -> str:
    fmt = (value or "text").strip().lower()
    if fmt not in ("text", "json"):
        raise ValueError(f"GQL_LOG_FORMAT: expected text or json, got {value!r}")
    return fmt


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected a boolean (1/0, true/false, yes/no, on/off), got {value!r}")


def _origins(value: str | None) -> tuple[str, ...]:
    """Comma-separated origins (``https://app.example.org``, or ``*``); empty: none."""
    origins = tuple(o.strip().rstrip("/") for o in (value or "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and "://" not in origin:
            raise ValueError(f"expected an origin like https://host[:port], got {origin!r}")
    return origins


def _size(value: str | None, *, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        size = int(value)
    except ValueError:
        raise ValueError(f"expected a number of bytes, got {value!r}") from None
    if size < 0:
        raise ValueError(f"expected a number of bytes >= 0, got {value!r}")
    return size


def _seconds(value: str | None, *, default: float) -> float:
    if value is None or value.strip() == "":
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"expected a number of seconds, got {value!r}") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"expected a finite number of seconds > 0, got {value!r}")
    return seconds
