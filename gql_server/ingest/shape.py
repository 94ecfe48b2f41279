"""The shape of LL2 JSON, read off the ORM models (see the conventions on ``Base``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import Table

from gql_server.db.base import Base, Link
from gql_server.db.models import DockingEvent
from gql_server.ingest.unstored import unstored

ROOT = DockingEvent.__tablename__
SCALAR_TYPES = (int, float, str, bool, datetime, date, uuid.UUID)


@dataclass(frozen=True)
class ListOf:
    """A JSON list of nested objects, stored as rows of an ordered link table."""

    key: str
    link: Table
    child: str  # the child table's name


@dataclass(frozen=True)
class Shape:
    """How one LL2 object maps onto one table."""

    table: Table
    scalars: dict[str, tuple[str, type]] = field(default_factory=dict)  # key -> (column, type)
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (column, table)
    lists: dict[str, ListOf] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    id_type: type = int
    # Precomputed for the walker's hot loop.
    checked_keys: tuple[str, ...] = ()  # required keys and "id", sorted
    flagged_lists: frozenset[str] = frozenset()  # lists with a `<key>_listed` column
    folds_name: bool = False  # has a `search_name` column
    # Every key read or deliberately skipped: any other key is reported (ingest.drift).
    known: frozenset[str] = frozenset()
    self_refs: tuple[str, ...] = ()  # keys referencing this table itself (family.parent)


def _shape(model: type[Base]) -> Shape:
    table = model.__table__
    assert isinstance(table, Table)
    scalars: dict[str, tuple[str, type]] = {}
    refs: dict[str, tuple[str, str]] = {}
    required: set[str] = set()
    for column in table.columns:
        if column.info.get("derived") or column.primary_key:
            continue
        if column.foreign_keys:
            key = column.info.get("ll2") or column.name.removesuffix("_id")
            (fk,) = column.foreign_keys
            refs[key] = (column.name, fk.column.table.name)
        else:
            key = column.info.get("ll2") or column.name
            scalars[key] = (column.name, column.type.python_type)
        if not column.nullable:
            required.add(key)
    lists = {}
    for key, link_model in model.__ll2_lists__.items():
        assert issubclass(link_model, Link)
        link = link_model.__table__
        assert isinstance(link, Table)
        (fk,) = link.c.child_id.foreign_keys
        lists[key] = ListOf(key=key, link=link, child=fk.column.table.name)
    id_type = table.c.id.type.python_type
    return Shape(
        table,
        scalars,
        refs,
        lists,
        frozenset(required),
        id_type,
        checked_keys=tuple(sorted(required | {"id"})),
        flagged_lists=frozenset(key for key in lists if f"{key}_listed" in table.c),
        folds_name="search_name" in table.c,
        known=frozenset({"id", *scalars, *refs, *lists}) | unstored(table.name),
        self_refs=tuple(key for key, (_, target) in refs.items() if target == table.name),
    )


@cache
def shapes() -> dict[str, Shape]:
    """The shape of every table an LL2 docking event reaches, by table name."""
    models = {
        mapper.class_.__tablename__: mapper.class_
        for mapper in Base.registry.mappers
        if not issubclass(mapper.class_, Link)
    }
    result: dict[str, Shape] = {}
    pending = [ROOT]
    while pending:
        name = pending.pop()
        if name in result:
            continue
        shape = result[name] = _shape(models[name])
        pending.extend(target for _, target in shape.refs.values())
        pending.extend(listed.child for listed in shape.lists.values())
    return result
