"""Settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from gql_server.graphql.limits import Limits

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./gql_server.db"
SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


@dataclass(frozen=True)
class Settings:
    """Everything the gateway can be told; see the README for each variable."""

    database_url: str = DEFAULT_DATABASE_URL
    database_read_url: str | None = None
    seed_dir: Path | None = SEED_DIR
    graphiql: bool = True
    timeline: bool = True  # the docking timeline page at /timeline (docs/timeline.md)
    cors_origins: tuple[str, ...] = ()
    gzip_min_size: int = 1024
    max_body_bytes: int = 256 * 1024
    response_cache_size: int = 512  # answers kept per process (0: no response cache)
    cache_max_age: int = 0  # Cache-Control max-age of GET answers, seconds
    planner: bool = True  # look-ahead planning (off: graphql-core resolves every field)
    limits: Limits = field(default_factory=Limits)

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
            response_cache_size=_size(env.get("GQL_RESPONSE_CACHE"), default=512),
            cache_max_age=_size(env.get("GQL_CACHE_MAX_AGE"), default=0),
            planner=_flag(env.get("GQL_PLANNER"), default=True),
            limits=Limits.from_env(env),
        )


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
