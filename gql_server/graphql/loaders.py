"""Generic per-request batch loaders: rows by id, and ordered lists through link tables."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import RowMapping, Table, select
from strawberry.dataloader import DataLoader

from gql_server.graphql.reader import Reader


class Loaders:
    """The loaders of one request, created on first use; one loader per table or link."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._by_id: dict[str, DataLoader[Any, RowMapping | None]] = {}
        self._lists: dict[str, DataLoader[Any, list[RowMapping]]] = {}

    def by_id(self, table: Table) -> DataLoader[Any, RowMapping | None]:
        """Rows of ``table`` by primary key (``None`` for an unknown id)."""
        loader = self._by_id.get(table.name)
        if loader is None:

            async def load(keys: Sequence[Hashable]) -> list[RowMapping | None]:
                rows = await self._reader.rows(select(table).where(table.c.id.in_(keys)))
                found = {row["id"]: row for row in rows}
                return [found.get(key) for key in keys]

            loader = self._by_id[table.name] = DataLoader(load_fn=load)
        return loader

    def listed(self, link: Table, child: Table) -> DataLoader[Any, list[RowMapping]]:
        """The ``child`` rows a parent lists through ``link``, in their LL2 order."""
        loader = self._lists.get(link.name)
        if loader is None:

            async def load(keys: Sequence[Hashable]) -> list[list[RowMapping]]:
                stmt = (
                    select(link.c.parent_id.label("_parent"), child)
                    .join(child, child.c.id == link.c.child_id)
                    .where(link.c.parent_id.in_(keys))
                    .order_by(link.c.parent_id, link.c.position)
                )
                grouped: dict[Any, list[RowMapping]] = {key: [] for key in keys}
                for row in await self._reader.rows(stmt):
                    grouped[row["_parent"]].append(row)
                return [grouped[key] for key in keys]

            loader = self._lists[link.name] = DataLoader(load_fn=load)
        return loader
