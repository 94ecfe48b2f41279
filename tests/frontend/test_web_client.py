"""The example web client (examples/web: urql + Graphcache) against a live server, the schema
through graphql-js (buildSchema + validateSchema), and graphql-codegen on its operations.

Needs Node.js; ``npm ci`` fills examples/web/node_modules from the npm registry when missing.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from frontend_support import ROOT, LiveServer, live_server, node_tools

WEB = ROOT / "examples" / "web"
GENERATED = WEB / "src" / "generated" / "graphql.ts"

EXPECTED = """\
latest dockings at station 4: 4 in all
page at offset 0 (limit 3)
  #620 2025-04-08T08:57:43Z still docked at Prichal nadir
    SpacecraftFlight:858 Soyuz MS-27 -> SpaceStation:4 International Space Station
  #619 2025-03-16T04:52:00Z still docked at Harmony forward
    SpacecraftFlight:840 Crew Dragon Endurance -> SpaceStation:4 International Space Station
  #613 2024-11-05T14:52:11Z until 2024-12-16T16:05:00Z at Harmony forward
    SpacecraftFlight:837 Cargo Dragon C208 -> SpaceStation:4 International Space Station
page at offset 3 (limit 3)
  #570 2024-06-01T11:43:00Z until 2024-11-19T12:53:00Z at Poisk zenith
    SpacecraftFlight:833 Progress MS-27 -> SpaceStation:4 International Space Station
from the cache alone: #620 SpacecraftFlight:858 Soyuz MS-27
event #620
  docked 2025-04-08T08:57:43Z at Prichal nadir, still docked
  chaser: SpacecraftFlight:858 Soyuz MS-27 (Soyuz MS, RFSA); launch: Soyuz 2.1a | Soyuz MS-27
  target: SpaceStation:4 International Space Station
opened again: cache hit
targets in the list: SpaceStation:4
network requests: 3
"""


@pytest.fixture(scope="module")
def web() -> Path:
    """examples/web with its locked dependencies installed (``npm ci`` when missing)."""
    _, npm = node_tools()
    lock = WEB / "package-lock.json"
    stamp = WEB / "node_modules" / ".package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=WEB,
            check=True,
            timeout=600,
        )
    return WEB


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("web-client-server")) as running:
        yield running


def node(web: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    binary, _ = node_tools()
    return subprocess.run(
        [binary, *args],
        cwd=web,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_client_lists_pages_and_opens_an_event_through_the_cache(
    web: Path, server: LiveServer
) -> None:
    done = node(web, "src/main.js", env={"GRAPHQL_URL": server.graphql})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no Graphcache warning (unkeyed entity, fragment matching)
    assert done.stdout == EXPECTED


def test_schema_is_valid_for_graphql_js(web: Path) -> None:
    done = node(web, "scripts/validate-schema.js", str(ROOT / "schema.graphql"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("graphql-js 16.")
    assert "schema valid" in done.stdout
    assert "DockingParty = SpacecraftFlight | PayloadFlight | SpaceStation" in done.stdout


def test_codegen_writes_types_for_the_operations(web: Path) -> None:
    GENERATED.unlink(missing_ok=True)
    cli = web / "node_modules" / "@graphql-codegen" / "cli" / "esm" / "bin.js"
    done = node(web, str(cli), "--config", "codegen.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    types = GENERATED.read_text()
    for name in (
        "export type LatestDockingsQuery = ",
        "export type LatestDockingsQueryVariables = ",
        "export type DockingEventDetailQuery = ",
        "export type DockingEventSummaryQuery = ",
        "export type PartyFragment =",
    ):
        assert name in types, name
    # The union's members are told apart by their __typename.
    assert "__typename: 'SpacecraftFlight'" in types and "__typename: 'PayloadFlight'" in types
