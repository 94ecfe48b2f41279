"""Shared by the frontend tests: a real uvicorn server on 127.0.0.1, Debian's Chromium, Node.

Not a conftest (fixtures only there) nor ``tests/support/`` (the frontend tests alone use it);
test modules of this folder import it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.data import ROOT, SEED_DIR
from support.servers import serve

ARTIFACTS = ROOT / "test-artifacts"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# GQL_CHROMIUM names another binary (never installed: tests of a missing browser use it).
CHROMIUM = Path(os.environ.get("GQL_CHROMIUM") or DEBIAN_CHROMIUM)


@dataclass
class LiveServer:
    base: str  # http://127.0.0.1:PORT
    log: Path

    @property
    def graphql(self) -> str:
        return f"{self.base}/graphql"

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            self.graphql, data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            result: dict[str, Any] = json.load(response)
        return result


@contextmanager
def live_server(workdir: Path, **env: str) -> Iterator[LiveServer]:
    """``python -m gql_server serve`` on a free port of 127.0.0.1, on a new SQLite database
    seeded from ``seed/``; stopped on exit."""
    log = workdir / "server.log"
    url = f"sqlite+aiosqlite:///{workdir / 'gateway.db'}"
    with serve(url, log, seed_dir=SEED_DIR, **env) as base:
        yield LiveServer(base=base, log=log)


def missing(reason: str) -> None:
    """Skip the test for want of a tool, except in CI (``CI`` set, as ``.ci/run`` runs):
    there ``dev.py test`` installs every tool, so a missing one is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: dev.py test should have installed it)")
    pytest.skip(reason)


def node_tools() -> tuple[str, str]:
    """``node`` and ``npm``; the test is skipped without them (outside CI)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing("Node.js (node and npm) is not installed: the client example tests need it")
        raise AssertionError("unreachable")
    return node, npm


def npm_installed(project: Path) -> Path:
    """``project`` (a folder of examples/) with its locked dependencies installed: ``npm ci``
    when node_modules is missing or older than package-lock.json."""
    _, npm = node_tools()
    lock = project / "package-lock.json"
    stamp = project / "node_modules" / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=project,
            check=True,
            timeout=600,
        )
    return project


def run_node(
    project: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``node args...`` in ``project``, output captured as text."""
    binary, _ = node_tools()
    return subprocess.run(
        [binary, *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ensure_chromium() -> Path:
    """Debian's Chromium at /usr/bin/chromium, installed with apt-get when missing and we
    are root (as ``dev.py test`` does); otherwise the browser tests are skipped (outside CI)."""
    if CHROMIUM.exists():
        return CHROMIUM
    if CHROMIUM != DEBIAN_CHROMIUM:
        missing(f"{CHROMIUM} (GQL_CHROMIUM) is missing")
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        missing(f"{CHROMIUM} is missing and cannot be installed (needs root and apt-get)")
    environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=environ, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
        check=True,
        env=environ,
        timeout=1200,
    )
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM
