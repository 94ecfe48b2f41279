"""What every row-backed GraphQL type shares: building from a row, loading relations."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, Self, TypeVar

import strawberry
from sqlalchemy import Table

from gql_server.graphql.context import Info


class RowType:
    """A GraphQL object type whose dataclass fields are columns of ``_table``."""

    _table: ClassVar[Table]
    _columns: ClassVar[tuple[str, ...]]

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
    row = await info.context.loaders.by_id(cls._table).load(key)
    return None if row is None else cls.from_row(row)


async def listed(info: Info, cls: type[T], link: Table, parent: Any) -> list[T]:
    """The rows of ``cls`` that ``parent`` lists through ``link``, in LL2 order."""
    rows = await info.context.loaders.listed(link, cls._table).load(parent)
    return [cls.from_row(row) for row in rows]


def ll2_id(what: str) -> Any:
    return strawberry.field(description=f"The LL2 id of this {what}.")


def api_url(what: str) -> Any:
    return strawberry.field(description=f"The LL2 API address of this {what}.")


def name_of(what: str) -> Any:
    return strawberry.field(description=f"The name of this {what}.")
