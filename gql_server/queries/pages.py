"""A root list's slice with its total on every row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select


def with_total(results: Select[Any], count: Select[Any], label: str) -> Select[Any]:
    """``results`` with ``count`` added as the column ``label``: an uncorrelated scalar
    subquery, which both engines evaluate once, so the page and its total are one statement."""
    return results.add_columns(count.scalar_subquery().label(label))
