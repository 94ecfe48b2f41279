"""One request's planned loads and the objects they built.

Loading is breadth-first over the plans, batched across every planned part of the request
that asks in the same turn of the event loop: each round runs one statement per table (or
link, or relation) that no other pending load can still add ids to, so a table reached at
several depths (an agency as manufacturer, operator and owner) is read once. Rows are kept by
table and id for the whole request in the request's one row store
(``graphql/loaders.py`` ``RowStore``), which the resolvers' loaders read and write too: a
row, a list or a parent's children either path loaded is not read again by the other.
Answers are built once per plan and row and shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from gql_server.db.reader import Reader
from gql_server.graphql.loaders import Loaders
from gql_server.graphql.planner.plan import (
    ChildEdge,
    Edge,
    LinkEdge,
    LoadKey,
    ObjectPlan,
    RefEdge,
    Unplannable,
    edge_keys,
)
from gql_server.graphql.planner.point import PointRead, point_read
from gql_server.graphql.types._base import RowType
from gql_server.queries.relations import Relation
from gql_server.tracing import batch_span

Root = tuple[ObjectPlan, Sequence[RowType]]


class _Batch:
    def __init__(self) -> None:
        self.roots: list[Root] = []
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class PlanState:
    def __init__(self, reader: Reader, loaders: Loaders) -> None:
        self._reader = reader
        self._loaders = loaders
        store = loaders.store
        self._rows = store.rows
        self._lists = store.lists
        self._children = store.children
        self._expanded: set[tuple[int, Any]] = set()
        self._built: dict[tuple[int, Any], dict[str, Any]] = {}
        self._open: _Batch | None = None
        self._points: set[tuple[int, Any]] = set()  # (plan, id) read by prefetch_point

    # Loading.

    async def load(self, roots: Sequence[Root]) -> None:
        """Load everything ``roots`` need, together with whatever other planned parts of
        the request ask for before the next turn of the event loop."""
        batch = self._open
        leader = batch is None
        if batch is None:
            batch = self._open = _Batch()
        batch.roots.extend(roots)
        if not leader:
            await asyncio.shield(batch.done)
            return
        # The first to ask runs the batch, after letting the others join.
        try:
            try:
                await asyncio.sleep(0)
            finally:
                self._open = None
            await batch_span("planner")(self._run)(batch.roots)  # a span when tracing
        except asyncio.CancelledError:
            batch.done.cancel()
            raise
        except BaseException as exc:
            batch.done.set_exception(exc)
            batch.done.exception()  # marked retrieved: the leader raises it itself
            raise
        batch.done.set_result(None)

    async def _run(self, roots: Sequence[Root]) -> None:
        if len(roots) == 1:
            await self._prefetch_chain(*roots[0])
        queue: dict[LoadKey, list[tuple[Any, list[Any]]]] = {}
        for plan, objects in roots:
            rows = self._rows[plan.table.name]
            for obj in objects:
                rows.setdefault(obj.id, obj)  # type: ignore[attr-defined]
            self._expand(plan, objects, queue)
        while queue:
            ready = [key for key in queue if not self._awaited(key, queue)] or list(queue)
            for key in ready:
                await self._fetch(key, queue.pop(key), queue)

    @staticmethod
    def _awaited(key: LoadKey, queue: dict[LoadKey, list[tuple[Any, list[Any]]]]) -> bool:
        """Whether a pending load elsewhere may still ask ``key`` for more."""
        for other, demands in queue.items():
            if other == key:
                continue
            for what, _ in demands:
                reach = what.reach if isinstance(what, ObjectPlan) else edge_keys(what)
                if key in reach:
                    return True
        return False

    def _expand(
        self,
        plan: ObjectPlan,
        objects: Iterable[RowType],
        queue: dict[LoadKey, list[tuple[Any, list[Any]]]],
    ) -> None:
        fresh = []
        marker = id(plan)
        for obj in objects:
            seen = (marker, obj.id)  # type: ignore[attr-defined]
            if seen not in self._expanded:
                self._expanded.add(seen)
                fresh.append(obj)
        if not fresh:
            return
        for edge in plan.edges:
            if isinstance(edge, RefEdge):
                ids = list({key for o in fresh if (key := getattr(o, edge.column)) is not None})
                if ids:
                    queue.setdefault(edge.target.load_key(), []).append((edge.target, ids))
            else:
                flag = edge.flag if isinstance(edge, LinkEdge) else None
                parents = [o.id for o in fresh if flag is None or getattr(o, flag)]  # type: ignore[attr-defined]
                if parents:
                    load: LoadKey = (
                        ("link", edge.link.name)
                        if isinstance(edge, LinkEdge)
                        else ("children", edge.relation.name)
                    )
                    queue.setdefault(load, []).append((edge, parents))

    async def _fetch(
        self,
        key: LoadKey,
        demands: list[tuple[Any, list[Any]]],
        queue: dict[LoadKey, list[tuple[Any, list[Any]]]],
    ) -> None:
        kind = key[0]
        if kind == "rows":
            await self._fetch_rows(demands)
            for plan, ids in demands:
                rows = self._rows[plan.table.name]
                self._expand(plan, [r for i in ids if (r := rows.get(i)) is not None], queue)
        elif kind == "link":
            await self._fetch_links(demands, queue)
        else:
            await self._fetch_children(demands, queue)

    async def _fetch_rows(self, demands: list[tuple[Any, list[Any]]]) -> None:
        plan: ObjectPlan = demands[0][0]
        ids = (i for _, some in demands for i in some)
        await self._loaders.read_rows(plan.table, ids, plan.cls.from_row)

    async def _fetch_links(
        self,
        demands: list[tuple[Any, list[Any]]],
        queue: dict[LoadKey, list[tuple[Any, list[Any]]]],
    ) -> None:
        edge: LinkEdge = demands[0][0]
        link = edge.link
        target: ObjectPlan = edge.target
        child_key = target.load_key()
        # Other loads want rows of the child table too: read the pairs only, and the child
        # rows with theirs, in one statement. Else the pairs and the rows in one statement.
        pairs_only = child_key in queue or self._awaited(child_key, queue)
        await self._loaders.read_lists(
            link,
            target.table,
            (p for _, parents in demands for p in parents),
            None if pairs_only else target.cls.from_row,
        )
        for what, parents in demands:
            ids = list({c for p in parents for c in self._lists[(link.name, p)]})
            if ids:
                target = what.target
                queue.setdefault(target.load_key(), []).append((target, ids))

    async def _fetch_children(
        self,
        demands: list[tuple[Any, list[Any]]],
        queue: dict[LoadKey, list[tuple[Any, list[Any]]]],
    ) -> None:
        edge: ChildEdge = demands[0][0]
        relation = edge.relation
        table, cls = edge.target.table, edge.target.cls
        wanted = (p for _, some in demands for p in some)
        await self._loaders.read_children(relation, wanted, cls.from_row)
        for what, parents in demands:
            rows = self._rows[table.name]
            objects = [rows[i] for p in parents for i in self._children[(relation.name, p)]]
            self._expand(what.target, [o for o in objects if o is not None], queue)

    async def _prefetch_chain(self, plan: ObjectPlan, objects: Sequence[RowType]) -> None:
        """When the batch is one plan that only follows to-one relations through two tables
        or more (a page of events with their ports, stations, flights and spacecraft), read
        every row below ``objects`` in one statement of joins, instead of one statement per
        table, breadth-first. Several plans in one batch keep the breadth-first loads: those
        share one statement per table across the plans."""
        if self._reader.engine.dialect.name != "postgresql":
            return  # SQLite: no round trips to save, and its rows by id are cheaper apart
        read = point_read(plan)
        if read is None or len({node.table.name for node in read.nodes[1:]}) < 2:
            return
        missing = [
            obj
            for obj in objects
            if any(
                (key := getattr(obj, edge.column)) is not None
                and key not in self._rows[edge.target.table.name]
                for edge in plan.edges
                if isinstance(edge, RefEdge)
            )
        ]
        if not missing:
            return
        ids = list(dict.fromkeys(obj.id for obj in missing))  # type: ignore[attr-defined]
        for row in await self._reader.rows_driven(read.many, {"ids": ids}):
            self._keep(row, read.split(row))

    def _keep(self, values: Sequence[Any], found: Iterable[tuple[Any, Any, bool]]) -> None:
        for node, reached_by, here in found:
            if node.parent is None:
                continue
            rows = self._rows[node.table.name]
            if reached_by not in rows:  # a station under many events is built once
                rows[reached_by] = node.cls.from_row(node.row(values)) if here else None

    async def prefetch_point(self, plan: ObjectPlan, key: Any) -> bool:
        """Read the row ``key`` of ``plan``'s table and every to-one row its plan reaches in
        one statement (``planner/point.py``) into the request's row store, where the root
        field's resolver and the planner find them. False when the plan is not for that
        (it loads lists or children)."""
        if (id(plan), key) in self._points:  # read already (the direct lane, then a check)
            return True
        found = await self.read_point(plan, key)
        if found is None:
            return False
        self.keep_point(plan, key, *found)
        return True

    async def read_point(
        self, plan: ObjectPlan, key: Any
    ) -> tuple[PointRead, Sequence[Sequence[Any]]] | None:
        """The one statement of ``prefetch_point`` and its rows (none, or the one), not
        kept in the row store (``keep_point`` keeps them); None when the plan is not for
        one statement."""
        read = point_read(plan)
        if read is None:
            return None
        return read, await self._reader.rows_alone(read.statement, {"key": key})

    def keep_point(
        self, plan: ObjectPlan, key: Any, read: PointRead, found: Sequence[Sequence[Any]]
    ) -> None:
        """``read_point``'s rows into the row store (the root row, and every row below)."""
        self._points.add((id(plan), key))
        roots = self._rows[plan.table.name]
        if not found:
            roots.setdefault(key, None)
            return
        values = found[0]
        split = read.split(values)
        root, _, here = split[0]
        if roots.get(key) is None:
            roots[key] = plan.cls.from_row(root.row(values)) if here else None
        self._keep(values, split)

    async def read_page(
        self, read: Any, statement: Any, values: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """A root page's rows with their chain (``statement``: the page's events joined with
        ``read``'s chain, ``event_statements.cached_chained_page``), read alone: the rows
        below the events go into the row store, where ``_prefetch_chain`` finds them all;
        the events' own columns are returned, in order, for the page's resolver."""
        out = []
        root = read.nodes[0]
        for row in await self._reader.rows_alone(statement, values):
            out.append(root.row(row))
            self._keep(row, read.split(row))
        return out

    # Building: what the plan's fields read.

    def referenced(self, plan: ObjectPlan, key: Any) -> RowType | None:
        if key is None:
            return None
        return self._rows[plan.table.name].get(key)

    def listed(self, link: Any, parent: Any) -> list[Any]:
        return self._lists[(link.name, parent)]

    def children_of(self, relation: Relation, parent: Any) -> list[Any]:
        return self._children[(relation.name, parent)]

    def build_all(self, plan: ObjectPlan, ids: Sequence[Any]) -> list[dict[str, Any]]:
        rows = self._rows[plan.table.name]
        out = []
        for i in ids:
            row = rows.get(i)
            if row is None:
                raise Unplannable("a listed row is missing")
            out.append(self.build(plan, row))
        return out

    def build(self, plan: ObjectPlan, obj: RowType) -> dict[str, Any]:
        memo = (id(plan), obj.id)  # type: ignore[attr-defined]
        built = self._built.get(memo)
        if built is None:
            built = {f.key: f.value(self, obj) for f in plan.fields}
            self._built[memo] = built
        return built


def planning(context: Any) -> PlanState:
    """The request's planner state (``Context.plan_state``), made on first use."""
    state = context.plan_state
    if state is None:
        state = context.plan_state = PlanState(context.reader, context.loaders)
    return state


__all__ = ["Edge", "PlanState", "Root", "planning"]
