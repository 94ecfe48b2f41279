"""Apollo Client 4 against a live server: the recipe of examples/apollo (possibleTypes and
paging policies generated from schema.graphql) runs an offset list, two queries sharing a
page envelope and a nested cursor connection with dev warnings on; any warning fails.

Needs Node.js; ``npm ci`` fills examples/apollo/node_modules from the npm registry when missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from frontend_support import ROOT, LiveServer, live_server, npm_installed, run_node

APOLLO = ROOT / "examples" / "apollo"
FACTS = APOLLO / "src" / "schema-facts.js"

EXPECTED = """\
dev warnings: on
events: 7 of 7
  #620 SpacecraftFlight:858 Soyuz MS-27 (config 38) -> SpaceStation:4 International Space Station
  #619 SpacecraftFlight:840 Crew Dragon Endurance (config 6) -> SpaceStation:4 International Space Station
  #616 PayloadFlight:37 SpaDEx Chaser (SDX01) -> PayloadFlight:38 SpaDEx Target (SDX02)
  #613 SpacecraftFlight:837 Cargo Dragon C208 (config 7) -> SpaceStation:4 International Space Station
  #609 PayloadFlight:32 Chang'e 6 Sample Ascender -> PayloadFlight:8 Chang'e 6
  #570 SpacecraftFlight:833 Progress MS-27 (config 33) -> SpaceStation:4 International Space Station
  #569 SpacecraftFlight:832 Shenzhou 18 (config 2) -> SpaceStation:18 Tiangong space station
International Space Station: 4 events as target, results 570, 613, 619, 620
connection: 4 of 4, has next page: false
  #620 SpacecraftFlight:858 Soyuz MS-27 (config 38)
  #619 SpacecraftFlight:840 Crew Dragon Endurance (config 6)
  #613 SpacecraftFlight:837 Cargo Dragon C208 (config 7)
  #570 SpacecraftFlight:833 Progress MS-27 (config 33)
cache entries with id 38: PayloadFlight:38, SpacecraftConfig:38
"""


@pytest.fixture(scope="module")
def apollo() -> Path:
    return npm_installed(APOLLO)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("apollo-server")) as running:
        yield running


def test_the_schema_facts_are_generated_from_the_schema(apollo: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "schema-facts.js"
    done = run_node(apollo, "scripts/schema-facts.js", str(ROOT / "schema.graphql"), str(fresh))
    assert done.returncode == 0, done.stderr
    # The committed file is what the script makes of today's schema.graphql.
    assert fresh.read_text() == FACTS.read_text(), "run `npm run schema-facts` in examples/apollo"
    facts = fresh.read_text()
    assert '"DockingParty": [\n    "PayloadFlight",\n    "SpaceStation",\n    "SpacecraftFlight"\n  ]' in facts
    assert '"DockingEventPage"' in facts
    assert '"dockingEventsConnection": ["role", ' in facts  # a station's, a flight's


def test_apollo_client_pages_and_merges_without_a_warning(apollo: Path, server: LiveServer) -> None:
    done = run_node(
        apollo, "--conditions=development", "src/main.js", env={"GRAPHQL_URL": server.graphql}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # Apollo's dev warnings ("Cache data may be lost ...") go here
    assert done.stdout == EXPECTED
