"""Fixtures of the statement tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.databases import BACKENDS
from support.statements import Generated, events_json, filled


@pytest.fixture(scope="module", params=BACKENDS)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    """400 generated events on a database of this module's own, per backend (read-only)."""
    yield filled(str(request.param), request, tmp_path_factory.mktemp("statements"), events_json())
