"""Generic per-request batch loaders: rows by id, ordered lists through link tables, and
one-to-many children (a top-N window per parent, and counts per parent); and the request's
one row store (``RowStore``), which these loaders and the look-ahead planner
(``graphql/planner/state.py``) both read before they query and write what they read, so a
row, a list or a parent's children that one path loaded costs the other nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, Table
from strawberry.dataloader import DataLoader

from gql_server.db.reader import Reader
from gql_server.queries.by_id import listed_ids, listed_rows
from gql_server.queries.relations import (
    OrderTerms,
    Relation,
    all_children,
    child_counts,
    children_window,
)
from gql_server.tracing import batch_span

__all__ = ["Build", "Loaders", "RowStore"]

# Builds a row's object (a row type's ``from_row``): the store keeps objects, not rows, so
# each row is built once per request whichever path read it.
Build = Callable[[Any], Any]


class RowStore:
    """One request's loaded rows, built: ``rows[table name][id]`` is the row's object (None:
    no such row); ``lists[(link name, parent)]`` the ids a parent lists through a link
    table, in LL2 order; ``children[(relation name, parent)]`` the ids of every row of a
    relation that names the parent, by id. An id list is written whole, once read; it may
    name rows not loaded yet (the planner reads a link's pairs, then its rows by id with
    the other loads of that table): ``objects`` tells."""

    __slots__ = ("children", "lists", "rows")

    def __init__(self) -> None:
        self.rows: defaultdict[str, dict[Any, Any]] = defaultdict(dict)
        self.lists: dict[tuple[str, Any], list[Any]] = {}
        self.children: dict[tuple[str, Any], list[Any]] = {}

    def objects(self, table: Table, ids: Sequence[Any] | None) -> list[Any] | None:
        """The objects of ``ids`` (a stored list), or None when some are not loaded."""
        if ids is None:
            return None
        rows = self.rows[table.name]
        out = [rows.get(i) for i in ids]
        return None if None in out else out

    def keep(self, table: Table, row: Mapping[Any, Any], build: Build) -> Any:
        """The object of ``row``: the stored one if any (built once, shared), else built."""
        rows = self.rows[table.name]
        obj = rows.get(row["id"])
        if obj is None:
            obj = rows[row["id"]] = build(row)
        return obj


class Loaders:
    """The loaders of one request, created on first use; one loader per table or link, and
    one per relation and argument set (so different filters, orderings or pages never mix).
    Rows by id, lists and every child of a relation go through ``store``."""

    def __init__(self, reader: Reader, store: RowStore | None = None) -> None:
        self._reader = reader
        self.store = RowStore() if store is None else store
        self._by_id: dict[str, DataLoader[Any, Any]] = {}
        self._lists: dict[str, DataLoader[Any, list[Any]]] = {}
        self._all: dict[str, DataLoader[Any, list[Any]]] = {}
        self._children: dict[Hashable, DataLoader[Any, list[RowMapping]]] = {}
        self._counts: dict[Hashable, DataLoader[Any, int]] = {}

    # The reads: each reads what the store lacks and writes it there. The loaders below
    # (the resolvers' path) and the planner (graphql/planner/state.py) both load through
    # these, so a relation is loaded one way whichever path asks.

    async def read_rows(self, table: Table, ids: Iterable[Any], build: Build) -> None:
        """The rows of ``ids`` that the store lacks, into it (None for an unknown id)."""
        rows = self.store.rows[table.name]
        missing = [key for key in dict.fromkeys(ids) if key not in rows]
        if missing:
            for row in await self._reader.rows_by_id(table, missing):
                self.store.keep(table, row, build)
            for key in missing:
                rows.setdefault(key, None)

    async def read_lists(
        self, link: Table, child: Table, parents: Iterable[Any], build: Build | None
    ) -> None:
        """The lists of ``parents`` through ``link`` that the store lacks, into it, with
        their ``child`` rows in the same statement; with ``build`` None the pairs only
        (other loads read the child table by id: its rows come with theirs)."""
        store = self.store
        missing = [p for p in dict.fromkeys(parents) if (link.name, p) not in store.lists]
        if not missing:
            return
        lists: dict[Any, list[Any]] = {p: [] for p in missing}
        if build is None:
            for row in await self._reader.rows(listed_ids(link), {"ids": missing}, long=False):
                lists[row["parent_id"]].append(row["child_id"])
        else:
            stmt = listed_rows(link, child)
            for row in await self._reader.rows(stmt, {"ids": missing}, long=False):
                lists[row["_parent"]].append(store.keep(child, row, build).id)
        for p, ids in lists.items():  # stored whole: a reader never sees a list half read
            store.lists.setdefault((link.name, p), ids)

    async def read_children(self, relation: Relation, parents: Iterable[Any], build: Build) -> None:
        """Every row of ``relation`` that names one of ``parents`` whose children the store
        lacks, by id, into it: one statement."""
        store, table = self.store, relation.table
        missing = {p for p in parents if (relation.name, p) not in store.children}
        if not missing:
            return
        found: dict[Any, list[Any]] = {p: [] for p in missing}
        stmt = all_children(relation)
        for row in await self._reader.rows(stmt, {"ids": list(missing)}, long=False):
            obj = store.keep(table, row, build)
            for parent in {row[name] for name in relation.columns}:
                if parent in missing:
                    found[parent].append(obj.id)
        for p, ids in found.items():
            store.children.setdefault((relation.name, p), ids)

    # The resolvers' batch loaders.

    def by_id(self, table: Table, build: Build) -> DataLoader[Any, Any]:
        """The objects of ``table``'s rows by primary key (``None`` for an unknown id),
        read only for the ids the store does not hold yet."""
        loader = self._by_id.get(table.name)
        if loader is None:
            rows = self.store.rows[table.name]

            async def load(keys: Sequence[Hashable]) -> list[Any]:
                await self.read_rows(table, keys, build)
                return [rows[key] for key in keys]

            loader = self._by_id[table.name] = DataLoader(load_fn=batch_span(table.name)(load))
        return loader

    def listed(self, link: Table, child: Table, build: Build) -> DataLoader[Any, list[Any]]:
        """The ``child`` objects a parent lists through ``link``, in their LL2 order."""
        loader = self._lists.get(link.name)
        if loader is None:
            store = self.store

            async def load(keys: Sequence[Hashable]) -> list[list[Any]]:
                await self.read_lists(link, child, keys, build)
                ids = [store.lists[(link.name, key)] for key in keys]
                await self.read_rows(child, (i for some in ids for i in some), build)
                return [store.objects(child, some) or [] for some in ids]

            loader = self._lists[link.name] = DataLoader(load_fn=batch_span(link.name)(load))
        return loader

    def all_children(self, relation: Relation, build: Build) -> DataLoader[Any, list[Any]]:
        """Every object of ``relation`` that names a parent, by id (one statement for every
        parent of the request)."""
        loader = self._all.get(relation.name)
        if loader is None:
            store, table = self.store, relation.table

            async def load(keys: Sequence[Hashable]) -> list[list[Any]]:
                await self.read_children(relation, keys, build)
                return [
                    store.objects(table, store.children[(relation.name, key)]) or [] for key in keys
                ]

            loader = self._all[relation.name] = DataLoader(
                load_fn=batch_span(f"{relation.name} children")(load)
            )
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
