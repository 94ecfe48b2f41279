"""The declarative base and the column types every model shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, ForeignKey, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored in UTC on every backend, read back timezone-aware.

    SQLite has no time zone type, so values are stored as naive UTC there; comparing
    them as text then compares instants.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Every table of the gateway.

    Conventions the ingester relies on (see ``gql_server.ingest.shape``):
    a column is filled from the LL2 JSON key of its name; a foreign key column
    ``<key>_id`` is filled from the nested object under ``<key>``; ``info={"ll2": ...}``
    names another key; ``info={"derived": True}`` marks a column computed at ingest.
    A list of nested objects is a link model named in ``__ll2_lists__``.
    """

    metadata = MetaData(naming_convention=NAMING)
    __ll2_lists__: dict[str, type[Link]] = {}


def ref(target: str, *, key: str | None = None, nullable: bool = True, index: bool = True) -> Any:
    """A foreign key to ``target``'s LL2 id, filled from the nested object at ``key``."""
    info = {"ll2": key} if key else {}
    return mapped_column(ForeignKey(f"{target}.id"), nullable=nullable, index=index, info=info)


class Link(Base):
    """An ordered many-to-many membership: a parent row lists a child row at ``position``.

    Subclasses declare ``parent_id = parent_key(...)`` and ``child_id = child_key(...)``.
    """

    __abstract__ = True
    position: Mapped[int] = mapped_column(Integer, nullable=False)


def parent_key(parent: str) -> Any:
    """The link column naming the row that holds the list."""
    return mapped_column(ForeignKey(f"{parent}.id", ondelete="CASCADE"), primary_key=True)


def child_key(child: str) -> Any:
    """The link column naming a row in the list."""
    return mapped_column(ForeignKey(f"{child}.id"), primary_key=True, index=True)
