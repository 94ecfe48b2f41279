"""How fresh the data is: the data version and the last complete sync."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import String, cast, func, literal, select

from gql_server.db.models import DataVersion
from gql_server.db.models.sync import SyncRun

# A number every write that changes data increases (0 before the first); one row, by key.
DATA_VERSION = select(DataVersion.version).where(DataVersion.id == 1)

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
