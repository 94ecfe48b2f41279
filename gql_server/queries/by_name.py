"""Lists searched by name only (stations, docking locations), ordered by id."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, Table, func, select

from gql_server.queries.search import search_conditions


def conditions(table: Table, search: str | None) -> list[ColumnElement[bool]]:
    return search_conditions(table.c.search_name, search)


def page(table: Table, search: str | None, limit: int, offset: int) -> Select[tuple[object, ...]]:
    return (
        select(table)
        .where(*conditions(table, search))
        .order_by(table.c.id)
        .limit(limit)
        .offset(offset)
    )


def count(table: Table, search: str | None) -> Select[tuple[int]]:
    return select(func.count()).select_from(table).where(*conditions(table, search))
