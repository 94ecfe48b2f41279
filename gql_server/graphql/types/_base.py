"""What every row-backed GraphQL type shares: building from a row, loading relations."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Mapping
from typing import Any, ClassVar, Self, TypeVar

import strawberry
from sqlalchemy import Table

from gql_server.graphql.context import Info
from gql_server.graphql.relay import encode_global_id
from gql_server.queries.relations import Relation


@strawberry.interface(
    description=(
        "An object with a global id (Relay's object identification): every entity type is "
        "one. The global id is `nodeId`, not `id`: `id` stays the LL2 id (an `Int`, a UUID "
        "for `Launch`), as LL2's JSON has it and as clients' caches key on "
        "(`__typename`, `id`). Fetch any object again with `node(id: nodeId)`."
    )
)
class Node:
    @strawberry.field(
        description=(
            "The global id: opaque, unique across all types (it encodes the type name and "
            "the LL2 id). Pass it to `node(id:)` or `nodes(ids:)`."
        )
    )
    def node_id(self) -> strawberry.ID:
        return strawberry.ID(encode_global_id(type(self).__name__, self.id))  # type: ignore[attr-defined]


class RowType(Node):
    """A GraphQL object type whose dataclass fields are columns of ``_table``; a ``Node``."""

    _table: ClassVar[Table]
    _columns: ClassVar[tuple[str, ...]]
    # Every row type by GraphQL type name, for ``node(id:)``, and by table name.
    registry: ClassVar[dict[str, type[RowType]]] = {}
    by_table: ClassVar[dict[str, type[RowType]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        RowType.registry[cls.__name__] = cls
        table = cls.__dict__.get("_table")
        if table is not None:
            RowType.by_table[table.name] = cls

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        columns = cls.__dict__.get("_columns")
        if columns is None:
            columns = tuple(f.name for f in dataclasses.fields(cls) if f.init)  # type: ignore[arg-type]
            cls._columns = columns
        return cls(**{name: row[name] for name in columns})


T = TypeVar("T", bound=RowType)


async def one(info: Info, cls: type[T], key: Any) -> T | None:
    """The row of ``cls`` with id ``key``, batched per request; ``None`` for no key."""
    if key is None:
        return None
    rows = info.context.loaders.store.rows[cls._table.name]
    if key in rows:
        return rows[key]
    return await info.context.loaders.by_id(cls._table, cls.from_row).load(key)


# Resolvers return what these give: the object itself when this request has loaded its row
# already (the ISS under a hundred events, a shared image or agency, a row the planner
# read), else an awaitable that the executor awaits. Loaded rows then cost no task, future
# or coroutine per field.


def one_now(info: Info, cls: type[T], key: Any) -> Any:
    """Like ``one``, but synchronous when the row is already loaded."""
    if key is None:
        return None
    rows = info.context.loaders.store.rows[cls._table.name]
    if key in rows:
        return rows[key]
    future = info.context.loaders.by_id(cls._table, cls.from_row).load(key)
    if future.done():
        return future.result()
    return _awaited(future)


async def _awaited(future: Awaitable[Any]) -> Any:
    return await future


def listed_now(info: Info, cls: type[T], link: Table, parent: Any) -> Any:
    """The rows of ``cls`` that ``parent`` lists through ``link``, in LL2 order; synchronous
    when this request has loaded them already."""
    loaders = info.context.loaders
    found = loaders.store.objects(cls._table, loaders.store.lists.get((link.name, parent)))
    if found is not None:
        return found
    future = loaders.listed(link, cls._table, cls.from_row).load(parent)
    if future.done():
        return future.result()
    return _awaited(future)


async def children(info: Info, cls: type[T], relation: Relation, parent: Any) -> list[T]:
    """All rows of ``cls`` that belong to ``parent`` through ``relation``, by id; batched
    over every parent of the request."""
    loaders = info.context.loaders
    found = loaders.store.objects(cls._table, loaders.store.children.get((relation.name, parent)))
    if found is not None:
        return found
    return await loaders.all_children(relation, cls.from_row).load(parent)
