"""mypy's strict mode passes on the modules it covers today: configuration, the HTTP layer,
the sync, the synthetic generator, logging and tracing, the limits and errors of the
GraphQL layer (http/heavy.py not yet: one annotation short). A module joins the list
once it passes; none leaves it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRICT = [
    "gql_server/env.py",
    "gql_server/settings.py",
    "gql_server/bytecache.py",
    "gql_server/search_terms.py",
    "gql_server/logs.py",
    "gql_server/tracing.py",
    "gql_server/serving.py",
    "gql_server/handoff.py",
    "gql_server/synthetic",
    "gql_server/sync",
    "gql_server/http/__init__.py",
    "gql_server/http/bounded_json.py",
    "gql_server/http/caching.py",
    "gql_server/http/deadline.py",
    "gql_server/http/edges.py",
    "gql_server/http/graphiql.py",
    "gql_server/http/graphql_view.py",
    "gql_server/http/landing.py",
    "gql_server/http/metrics.py",
    "gql_server/http/middleware.py",
    "gql_server/http/observe.py",
    "gql_server/http/operating.py",
    "gql_server/http/request_parsing.py",
    "gql_server/http/responses.py",
    "gql_server/http/timeline.py",
    "gql_server/http/websocket.py",
    "gql_server/graphql/errors.py",
    "gql_server/graphql/limits.py",
    "gql_server/graphql/lanes.py",
    "gql_server/graphql/documents.py",
    "gql_server/graphql/schema.py",
    "gql_server/graphql/hooks.py",
]


def test_strict_mypy_passes_on_the_covered_modules(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            # Errors of the modules listed only: what they import is checked for its
            # types, not held to strict mode (yet).
            "--follow-imports=silent",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            *STRICT,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
