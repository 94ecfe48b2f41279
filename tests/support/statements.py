"""Statements run as they are built (``gql_server.queries``), on a database of generated
events the reference (``support.reference``) reads too: for ``tests/queries/``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Executable

from gql_server.db.engine import create_engine
from gql_server.synthetic import generate_events
from support.databases import database_factory, run
from support.db_dump import ingest
from support.reference import Event

COUNT, SEED = 400, 11


def events_json() -> list[dict[str, Any]]:
    """400 generated events, six of them at the docking instant of the earliest of them
    (ties, so that the order's id tiebreak shows)."""
    events = list(generate_events(COUNT, seed=SEED))
    earliest = min(events[10:16], key=lambda e: e["docking"])
    for event in events[10:16]:
        event["docking"] = earliest["docking"]
    return events


def rows(url: str, *statements: Executable) -> list[list[dict[str, Any]]]:
    """Each statement's rows (as dicts), run in order on one connection to ``url``."""

    async def go() -> list[list[dict[str, Any]]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return [[dict(r) for r in (await conn.execute(s)).mappings()] for s in statements]
        finally:
            await engine.dispose()

    result: list[list[dict[str, Any]]] = run(go())
    return result


@dataclass
class Generated:
    """A database holding ``events_json()``, and those events as the reference reads them."""

    url: str
    backend: str
    json: list[dict[str, Any]]

    @property
    def events(self) -> list[Event]:
        return [Event.of(e) for e in self.json]

    def rows(self, *statements: Executable) -> list[list[dict[str, Any]]]:
        return rows(self.url, *statements)

    def ids(self, *statements: Executable) -> list[list[int]]:
        """Each statement's ``id`` column."""
        return [[row["id"] for row in found] for found in self.rows(*statements)]


def filled(backend: str, request: pytest.FixtureRequest, folder: Path, events: list[dict[str, Any]]) -> Generated:
    """A new database on ``backend`` holding ``events``, ingested from a file in ``folder``."""
    url = database_factory(backend, request, folder)()
    source = folder / "events.json"
    source.write_text(json.dumps(events))
    ingest(url, source)
    return Generated(url, backend, events)
