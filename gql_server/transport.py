"""Limits of the transports (WebSocket and HTTP/1.1 connections), read from ``GQL_*``
variables; documented in docs/limits-transport.md.

The document limits, cost and execution timeout (``gql_server.graphql.limits.Limits``) and
the body limit (``Settings.max_body_bytes``) apply to every transport; these are the
limits only a connection has: how many, how long, how large its head.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class TransportLimits:
    """Each field is read from ``GQL_<NAME>`` (e.g. ``GQL_WS_MAX_CONNECTIONS``)."""

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
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            name = f"GQL_{field.name.upper()}"
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                continue
            kind: Any = type(field.default)
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {raw!r}") from None
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {raw!r}")
            values[field.name] = value
        return cls(**values)
