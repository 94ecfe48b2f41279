"""Field factories of the row types: descriptions LL2's fields share, and a relation field
made from its ``resolution.py`` marker alone (the Strawberry field and, through the marker,
the planner's edge: one declaration)."""

from __future__ import annotations

import functools
from typing import Any

import strawberry
from sqlalchemy import Table

from gql_server.graphql.context import Info
from gql_server.graphql.paging import checked
from gql_server.graphql.resolution import KEY, Children, Listed, Party, Resolution, ToOne
from gql_server.graphql.sources import ChildSource
from gql_server.graphql.types._base import RowType, children, listed_now, one_now
from gql_server.queries.relations import Relation


def ll2_id(what: str) -> Any:
    return strawberry.field(description=f"The LL2 id of this {what}.")


def api_url(what: str) -> Any:
    return strawberry.field(description=f"The LL2 API address of this {what}.")


def name_of(what: str) -> Any:
    return strawberry.field(description=f"The name of this {what}.")


def id_order(columns: Any) -> list[Any]:
    return [columns.id.asc()]


def child_page_source(
    relation: Relation, parent: Any, limit: int | None, offset: int | None
) -> ChildSource:
    """A parent's page of ``relation`` by id (results and count batched over parents)."""
    size, start = checked(limit, offset)
    return ChildSource(relation, parent, "all", (), id_order, size, start)


# Relation fields, declared once: a ``resolution.py`` marker (a foreign key column, a link
# table, a union's columns, or a relation of ``queries/relations.py``) given to ``relation``
# makes the Strawberry field (its type is the annotation it is assigned to), whose resolver
# loads through the request's loaders and row store, and records the marker, from which the
# look-ahead planner (``planner/plan.py``) builds its edge. Both paths load it with the same
# reads (``Loaders.read_*``) into the same store.


@functools.cache
def referenced_row_type(table: Table, column: str) -> type[RowType]:
    """The row type a foreign key column points at."""
    (key,) = table.c[column].foreign_keys
    return RowType.by_table[key.column.table.name]


def relation(marker: Resolution, description: str) -> Any:
    """The Strawberry field of the relation ``marker`` declares."""
    return strawberry.field(
        resolver=_resolver(marker), description=description, metadata={KEY: marker}
    )


def _resolver(marker: Resolution) -> Any:
    """The field's resolver: what the planner's edge for ``marker`` loads, for one row."""
    if isinstance(marker, ToOne):
        column = marker.column

        def to_one(self: Any, info: Info):  # type: ignore[no-untyped-def]
            cls = referenced_row_type(type(self)._table, column)
            return one_now(info, cls, getattr(self, column))

        return to_one
    if isinstance(marker, Party):
        columns = marker.columns

        def party_member(self: Any, info: Info):  # type: ignore[no-untyped-def]
            table = type(self)._table
            for column in columns:
                key = getattr(self, column)
                if key is not None:
                    return one_now(info, referenced_row_type(table, column), key)
            return None

        return party_member
    if isinstance(marker, Listed):
        link, flag = marker.link, marker.flag

        def listed_rows(self: Any, info: Info):  # type: ignore[no-untyped-def]
            if flag is not None and not getattr(self, flag):
                return None
            return listed_now(info, referenced_row_type(link, "child_id"), link, self.id)

        return listed_rows
    if isinstance(marker, Children):
        rel = marker.relation

        async def every_child(self: Any, info: Info):  # type: ignore[no-untyped-def]
            return await children(info, RowType.by_table[rel.table.name], rel, self.id)

        return every_child
    raise TypeError(f"not a relation: {marker!r}")


def reference(column: str, description: str) -> Any:
    """The row whose id this row holds in ``column`` (null when the column is)."""
    return relation(ToOne(column), description)


def listed(link: Table, description: str, *, flag: str | None = None) -> Any:
    """The rows ``link`` lists for this row, in LL2 order; null while ``flag`` is false."""
    return relation(Listed(link, flag), description)


def party(columns: tuple[str, ...], description: str) -> Any:
    """The row the first set column of ``columns`` points at (a union member each)."""
    return relation(Party(columns), description)


def children_of(rel: Relation, description: str) -> Any:
    """Every row of ``rel`` that names this row, by id."""
    return relation(Children(rel), description)
