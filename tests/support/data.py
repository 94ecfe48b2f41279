"""The repository's files the tests read: its root, the seed page and its events, and the
full-page query (every field LL2 serves)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gql_server.settings import SEED_DIR

__all__ = ["FULL_PAGE_QUERY", "ROOT", "SEED_DIR", "SEED_PAGE", "seed_events"]

ROOT = Path(__file__).resolve().parents[2]
SEED_PAGE = SEED_DIR / "docking_events_page.json"
FULL_PAGE_QUERY = (ROOT / "docs" / "queries" / "full-page.graphql").read_text()
# W3's shape: one event by id, its port and station, the chaser's name through the union.
POINT_QUERY = """query Point($id: Int!) { dockingEvent(id: $id) {
  id url docking departure
  dockingLocation { id name spacestation { id name } }
  chaser { __typename ... on SpaceStation { name } ... on SpacecraftFlight { spacecraft { name } }
    ... on PayloadFlight { payload { name } } } } }"""


def seed_events() -> list[dict[str, Any]]:
    """The seed page's events, as LL2 wrote them (a new list each call: tests may edit it)."""
    return json.loads(SEED_PAGE.read_text())["results"]
