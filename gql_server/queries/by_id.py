"""Statements by primary key, built once per table."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Column, Dialect, Select, Table, bindparam, select


@functools.cache
def rows_by_id(table: Table) -> Select[Any]:
    """``table``'s rows whose id is in the ``ids`` parameter. Built once: a statement
    object reused keeps its cache key, so SQLAlchemy neither rebuilds nor re-keys it."""
    return select(table).where(table.c.id.in_(bindparam("ids", expanding=True)))


@functools.cache
def listed_ids(link: Table) -> Select[Any]:
    """A link table's (parent, child) pairs for the parents in ``ids``, in LL2 order."""
    return (
        select(link.c.parent_id, link.c.child_id)
        .where(link.c.parent_id.in_(bindparam("ids", expanding=True)))
        .order_by(link.c.parent_id, link.c.position)
    )


@functools.cache
def listed_rows(link: Table, child: Table) -> Select[Any]:
    """``listed_ids`` with each child's row (its parent as ``_parent``)."""
    return (
        select(link.c.parent_id.label("_parent"), child)
        .join(child, child.c.id == link.c.child_id)
        .where(link.c.parent_id.in_(bindparam("ids", expanding=True)))
        .order_by(link.c.parent_id, link.c.position)
    )


def rows_by_id_text(table: Table, dialect: Dialect) -> tuple[tuple[Column[Any], ...], str]:
    """``rows_by_id`` as the driver's own SQL, for a reader that skips SQLAlchemy: the
    columns it selects, and its text up to the id list's opening parenthesis (the caller
    appends one ``?`` per id and the closing one)."""
    quote = dialect.identifier_preparer.quote
    columns = tuple(table.c)
    head = (
        f"SELECT {', '.join(quote(c.name) for c in columns)} "
        f"FROM {dialect.identifier_preparer.format_table(table)} "
        f"WHERE {quote(table.c.id.name)} IN ("
    )
    return columns, head
