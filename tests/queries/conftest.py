"""Fixtures of the statement tests."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from support.databases import BACKENDS, database_factory
from support.db_dump import ingest
from support.statements import Generated, events_json


@pytest.fixture(scope="module", params=BACKENDS)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    """400 generated events on a database of this module's own, per backend (read-only)."""
    folder = tmp_path_factory.mktemp("statements")
    url = database_factory(str(request.param), request, folder)()
    events = events_json()
    source = folder / "events.json"
    source.write_text(json.dumps(events))
    ingest(url, source)
    yield Generated(url, str(request.param), events)
