"""Lists searched by name only (stations, docking locations), ordered by id."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, Table, func, select

from gql_server.search import folded_terms


def conditions(table: Table, search: str | None) -> list[ColumnElement[bool]]:
    return [table.c.search_name.contains(term, autoescape=True) for term in folded_terms(search)]


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
