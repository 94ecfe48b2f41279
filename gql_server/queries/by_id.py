"""Statements by primary key, built once per table."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Column, Dialect, Select, Table, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY


@functools.cache
def rows_by_id(table: Table) -> Select[Any]:
    """PostgreSQL: ``table``'s rows whose id is in the ``ids`` parameter, one array (``=
    ANY``), so its SQL is the same for any number of ids and the driver prepares it once per
    connection. An expanding IN is another statement for each count of ids: a page at
    varied offsets prepared about a third of its statements again. Built once per table."""
    return select(table).where(table.c.id == any_(bindparam("ids", type_=ARRAY(table.c.id.type))))


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
    """SQLite: ``table``'s rows by id as the driver's own SQL, for a reader that skips
    SQLAlchemy: the columns it selects, and its text up to the id list's opening parenthesis
    (the caller appends one ``?`` per id and the closing one)."""
    quote = dialect.identifier_preparer.quote
    columns = tuple(table.c)
    head = (
        f"SELECT {', '.join(quote(c.name) for c in columns)} "
        f"FROM {dialect.identifier_preparer.format_table(table)} "
        f"WHERE {quote(table.c.id.name)} IN ("
    )
    return columns, head
