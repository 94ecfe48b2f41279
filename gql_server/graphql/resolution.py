"""How a relation field is resolved, declared on the field itself (``metadata``) so the
look-ahead planner (``gql_server.graphql.planner``) can load it for a whole query without
calling the resolver once per object.

Every field of a row type is one of: a column (a dataclass field, no resolver), a pure
function of the row (a resolver that takes only ``self``), or one of the relations below.
Anything else (a field with arguments, a reverse page) is resolved by Strawberry as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from gql_server.queries.relations import Relation

KEY = "gql_server.resolution"


@dataclass(frozen=True)
class ToOne:
    """The row of another table whose id is in ``column`` (a foreign key of this row)."""

    column: str


@dataclass(frozen=True)
class Listed:
    """The rows a ``link`` table lists for this row (``parent_id``, ``child_id``,
    ``position``), in LL2 order; null while ``flag`` (a boolean column) is false."""

    link: Table
    flag: str | None = None


@dataclass(frozen=True)
class Party:
    """One of several foreign keys, the first that is set: a union member per column."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class Children:
    """Every row of ``relation`` that names this row, by id."""

    relation: Relation


@dataclass(frozen=True)
class PageCount:
    """A page's total (``source.count``)."""


@dataclass(frozen=True)
class PageResults:
    """A page's rows (``source.rows``)."""


Resolution = ToOne | Listed | Party | Children | PageCount | PageResults


def declared(field: Any) -> Resolution | None:
    """The resolution a Strawberry field declares, if any."""
    metadata = getattr(field, "metadata", None) or {}
    value = metadata.get(KEY)
    return value  # type: ignore[no-any-return]
