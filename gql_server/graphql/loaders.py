"""Generic per-request batch loaders: rows by id, ordered lists through link tables, and
one-to-many children (a top-N window per parent, and counts per parent)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Table
from strawberry.dataloader import DataLoader

from gql_server.db.reader import Reader
from gql_server.queries.by_id import listed_rows
from gql_server.queries.relations import OrderTerms, Relation, child_counts, children_window
from gql_server.tracing import batch_span

__all__ = ["Loaders"]


class Loaders:
    """The loaders of one request, created on first use; one loader per table or link, and
    one per relation and argument set (so different filters, orderings or pages never mix)."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._by_id: dict[str, DataLoader[Any, RowMapping | None]] = {}
        self._lists: dict[str, DataLoader[Any, list[RowMapping]]] = {}
        self._children: dict[Hashable, DataLoader[Any, list[RowMapping]]] = {}
        self._counts: dict[Hashable, DataLoader[Any, int]] = {}

    def by_id(self, table: Table) -> DataLoader[Any, RowMapping | None]:
        """Rows of ``table`` by primary key (``None`` for an unknown id)."""
        loader = self._by_id.get(table.name)
        if loader is None:

            async def load(keys: Sequence[Hashable]) -> list[RowMapping | None]:
                rows = await self._reader.rows_by_id(table, keys)
                found = {row["id"]: row for row in rows}
                return [found.get(key) for key in keys]

            loader = self._by_id[table.name] = DataLoader(load_fn=batch_span(table.name)(load))
        return loader

    def listed(self, link: Table, child: Table) -> DataLoader[Any, list[RowMapping]]:
        """The ``child`` rows a parent lists through ``link``, in their LL2 order."""
        loader = self._lists.get(link.name)
        if loader is None:

            async def load(keys: Sequence[Hashable]) -> list[list[RowMapping]]:
                grouped: dict[Any, list[RowMapping]] = {key: [] for key in keys}
                stmt = listed_rows(link, child)
                for row in await self._reader.rows(stmt, {"ids": list(keys)}, long=False):
                    grouped[row["_parent"]].append(row)
                return [grouped[key] for key in keys]

            loader = self._lists[link.name] = DataLoader(load_fn=batch_span(link.name)(load))
        return loader

    def children(
        self,
        relation: Relation,
        *,
        args: Hashable,
        conditions: Sequence[ColumnElement[bool]] = (),
        order: OrderTerms,
        limit: int | None,
        offset: int = 0,
    ) -> DataLoader[Any, list[RowMapping]]:
        """Each parent's rows of ``relation`` that meet ``conditions``, in ``order``, the
        slice ``offset``..``offset + limit`` (all from ``offset`` when ``limit`` is None).
        One statement for every parent: ROW_NUMBER() OVER (PARTITION BY parent ORDER BY
        ...). ``args`` must identify ``conditions`` and ``order``: it keys the loader."""
        identity = (relation, args, limit, offset)
        loader = self._children.get(identity)
        if loader is None:

            async def load(keys: Sequence[Hashable]) -> list[list[RowMapping]]:
                stmt = children_window(relation, keys, conditions, order, limit, offset)
                grouped: dict[Any, list[RowMapping]] = {key: [] for key in keys}
                for row in await self._reader.rows(stmt):
                    grouped[row["_parent"]].append(row)
                return [grouped[key] for key in keys]

            loader = self._children[identity] = DataLoader(
                load_fn=batch_span(f"{relation.name} children")(load)
            )
        return loader

    def child_counts(
        self,
        relation: Relation,
        *,
        args: Hashable,
        conditions: Sequence[ColumnElement[bool]] = (),
    ) -> DataLoader[Any, int]:
        """How many rows of ``relation`` each parent has that meet ``conditions``: one
        ``GROUP BY`` parent for every parent."""
        identity = (relation, args)
        loader = self._counts.get(identity)
        if loader is None:

            async def load(keys: Sequence[Hashable]) -> list[int]:
                stmt = child_counts(relation, keys, conditions)
                found = {row["_parent"]: row["n"] for row in await self._reader.rows(stmt)}
                return [int(found.get(key, 0)) for key in keys]

            loader = self._counts[identity] = DataLoader(
                load_fn=batch_span(f"{relation.name} counts")(load)
            )
        return loader
