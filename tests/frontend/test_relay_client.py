"""Relay against a live server: the real relay-compiler 21 compiles examples/relay (with the
one schema setting our `nodeId` needs) and the real relay-runtime 21 runs its operations:
fragments through the DockingParty union, a @connection paged through `node(id:)`, and a
@refetchable fragment refetched by its global id. Any compiler or runtime warning fails.

Needs Node.js; ``npm ci`` fills examples/relay/node_modules from the npm registry when missing.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from frontend_support import ROOT, LiveServer, live_server, npm_installed, run_node

RELAY = ROOT / "examples" / "relay"
GENERATED = RELAY / "src" / "__generated__"
COMPILER = Path("node_modules") / "relay-compiler" / "cli.js"

EXPECTED = """\
all events: 7
  #620 SpacecraftFlight:858 Soyuz MS-27 (config 38 Soyuz MS) -> SpaceStation:4 International Space Station
  #619 SpacecraftFlight:840 Crew Dragon Endurance (config 6 Crew Dragon 2) -> SpaceStation:4 International Space Station
  #616 PayloadFlight:37 SpaDEx Chaser (SDX01) -> PayloadFlight:38 SpaDEx Target (SDX02)
  #613 SpacecraftFlight:837 Cargo Dragon C208 (config 7 Cargo Dragon 2) -> SpaceStation:4 International Space Station
  #609 PayloadFlight:32 Chang'e 6 Sample Ascender -> PayloadFlight:8 Chang'e 6
  #570 SpacecraftFlight:833 Progress MS-27 (config 33 Progress-MS) -> SpaceStation:4 International Space Station
  #569 SpacecraftFlight:832 Shenzhou 18 (config 2 Shenzhou) -> SpaceStation:18 Tiangong space station
International Space Station: 4 events as target
  page 1: 620, 619
  after page 2: 620, 619, 613, 570
  has next page: false
node(UGF5bG9hZEZsaWdodDozOA==): PayloadFlight:38 SpaDEx Target (SDX02)
records with id 38: PayloadFlight:38, SpacecraftConfig:38
"""


@pytest.fixture(scope="module")
def relay() -> Path:
    """examples/relay installed and compiled: relay-compiler must report no warning."""
    project = npm_installed(RELAY)
    shutil.rmtree(GENERATED, ignore_errors=True)
    done = run_node(project, str(COMPILER))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Compilation completed" in output, output
    assert not re.search(r"WARN|ERROR", output), output
    return project


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("relay-server")) as running:
        yield running


def test_relay_runs_union_fragments_a_connection_and_a_node_refetch(
    relay: Path, server: LiveServer
) -> None:
    done = run_node(
        relay, "src/main.js", env={"GRAPHQL_URL": server.graphql, "NODE_ENV": "development"}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # relay-runtime's dev warnings go to console.error
    assert done.stdout == EXPECTED


def test_the_compiler_pages_through_node_with_the_global_id(relay: Path) -> None:
    artifact = (GENERATED / "DockingsStationPaginationQuery.graphql.js").read_text()
    text = json.loads(re.search(r'"text": ("(?:[^"\\]|\\.)*")', artifact).group(1))  # type: ignore[union-attr]
    assert "node(id: $nodeId)" in text
    assert "pageInfo {\n      endCursor\n      hasNextPage\n    }" in text


def test_without_the_node_id_setting_relay_compiler_stops(relay: Path, tmp_path: Path) -> None:
    """What docs/relay.md says remains: relay-compiler's defaults expect `Node.id`."""
    config = json.loads((RELAY / "relay.config.json").read_text())
    del config["schemaConfig"]
    config["src"] = str(RELAY / "src")
    config["schema"] = str(ROOT / "schema.graphql")
    config["artifactDirectory"] = str(tmp_path)
    path = tmp_path / "relay.config.json"
    path.write_text(json.dumps(config))
    done = run_node(relay, str(COMPILER), str(path))
    assert done.returncode != 0
    assert "Expected `Node` to contain a field named `id`" in done.stdout + done.stderr
