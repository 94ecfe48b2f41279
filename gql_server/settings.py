"""Settings, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./gql_server.db"
SEED_DIR = Path(__file__).resolve().parent.parent / "seed"


@dataclass(frozen=True)
class Settings:
    """Everything the gateway can be told; see the README for each variable."""

    database_url: str = DEFAULT_DATABASE_URL
    seed_dir: Path | None = SEED_DIR
    graphiql: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        seed = env.get("GQL_SEED_DIR")
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            seed_dir=SEED_DIR if seed is None else (Path(seed) if seed else None),
            graphiql=_flag(env.get("GQL_GRAPHIQL"), default=True),
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
