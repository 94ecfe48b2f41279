"""Generic per-request batch loaders: rows by id, ordered lists through link tables, and
one-to-many children (a top-N window per parent, and counts per parent)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Select,
    Table,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import ColumnCollection
from strawberry.dataloader import DataLoader

from gql_server.db.reader import Reader
from gql_server.queries.by_id import listed_rows
from gql_server.tracing import batch_span

OrderTerms = Callable[[ColumnCollection[str, Any]], Sequence[ColumnElement[Any]]]


@dataclass(frozen=True)
class Relation:
    """A one-to-many relation: the rows of ``table`` whose ``columns`` (any of them) hold the
    parent's id, e.g. docking events whose target or chaser is a station. A row that names
    the same parent in two columns belongs to it once."""

    name: str
    table: Table
    columns: tuple[str, ...]

    def branches(self, keys: Sequence[Hashable], conditions: Sequence[ColumnElement[bool]]) -> Any:
        """The matching rows of every parent in ``keys``, each with its parent as
        ``_parent``: one SELECT a column, UNION ALL, as a subquery."""
        t = self.table
        selects: list[Select[Any]] = []
        for i, name in enumerate(self.columns):
            column = t.c[name]
            earlier = [or_(t.c[o].is_(None), t.c[o] != column) for o in self.columns[:i]]
            selects.append(
                select(column.label("_parent"), *t.c).where(column.in_(keys), *conditions, *earlier)
            )
        compound = selects[0] if len(selects) == 1 else union_all(*selects)
        return compound.subquery("children")


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
                rows = relation.branches(keys, conditions)
                number = (
                    func.row_number()
                    .over(partition_by=rows.c["_parent"], order_by=list(order(rows.c)))
                    .label("_row")
                )
                ranked = select(rows, number).subquery("ranked")
                window = [ranked.c["_row"] > offset]
                if limit is not None:
                    window.append(ranked.c["_row"] <= offset + limit)
                stmt = select(ranked).where(*window).order_by(ranked.c["_parent"], ranked.c["_row"])
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
                rows = relation.branches(keys, conditions)
                stmt = select(rows.c["_parent"], func.count().label("n")).group_by(
                    rows.c["_parent"]
                )
                found = {row["_parent"]: row["n"] for row in await self._reader.rows(stmt)}
                return [int(found.get(key, 0)) for key in keys]

            loader = self._counts[identity] = DataLoader(
                load_fn=batch_span(f"{relation.name} counts")(load)
            )
        return loader
