"""The SQL side of the LL2 search: every folded term must occur in the stored document."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from gql_server.search import folded_terms, unmatchable


def search_conditions(
    document: ColumnElement[Any], search: str | None
) -> list[ColumnElement[bool]]:
    """One substring test per term (``%``, ``_`` and ``\\`` escaped: they are literal)."""
    terms = folded_terms(search)
    if unmatchable(terms):
        return [false()]
    return [document.contains(term, autoescape=True) for term in terms]
