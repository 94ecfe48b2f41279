"""A pytest plugin (``-p support.skip_all``) that marks every collected test skipped:
``tests/support/test_ci.py`` runs it under ``CI`` to see that a skip fails there."""

from __future__ import annotations

import pytest

REASON = "support.skip_all skips every test"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.skip(reason=REASON))
