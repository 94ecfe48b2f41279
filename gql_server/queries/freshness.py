"""How fresh the data is: the data version and the last complete sync."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from gql_server.db.models import DataVersion
from gql_server.db.models.sync import SyncRun

# A number every write that changes data increases (0 before the first); one row, by key.
DATA_VERSION = select(DataVersion.version).where(DataVersion.id == 1)


class ShortReads(Protocol):
    """A request's reader (``gql_server.db.reader.Reader``), as far as reading one value."""

    async def scalar(self, statement: Executable, *, long: bool = ...) -> Any: ...


async def data_version(db: AsyncConnection | ShortReads) -> int:
    """The data version as ``db`` sees it (0 before the first write): a connection's
    transaction (writers, the subscriptions' watch and log pages) or a request's reader
    (a short read of its snapshot). Every read of the version goes through here."""
    if isinstance(db, AsyncConnection):
        version = await db.scalar(DATA_VERSION)
    else:
        version = await db.scalar(DATA_VERSION, long=False)
    return int(version or 0)


# When the last complete sync pass finished; one indexed query.
LAST_SUCCESSFUL_SYNC = select(func.max(SyncRun.finished_at)).where(SyncRun.outcome == "succeeded")

# What response caches and ETags key on, as one text value: the data version and the last
# complete sync. A sync that changed no row leaves the version alone (so caches survive it)
# but moves ``dataUpdatedAt``, which an answer may hold.
CACHE_GENERATION = select(
    func.coalesce(cast(DATA_VERSION.scalar_subquery(), String), literal("0"))
    + literal(":")
    + func.coalesce(cast(LAST_SUCCESSFUL_SYNC.scalar_subquery(), String), literal(""))
)


def as_utc(value: datetime | str | None) -> datetime | None:
    """``max()`` loses the column type on some backends (SQLite hands back text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
