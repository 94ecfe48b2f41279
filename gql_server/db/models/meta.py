"""Facts about the data as a whole: its version, how many docking events it holds, and the
log of docking event changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, UTCDateTime


class DataVersion(Base):
    """One row (id 1): a counter every ingest (and sync) increments in its transaction,
    so caches, ETags and subscriptions can tell, across processes, that data changed."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DockingEventCount(Base):
    """One row (id 1): how many docking events there are, kept by triggers on
    ``docking_event`` (migration 0010) in the writing statement's transaction, so a reader
    sees the count of the rows it sees. An unfiltered list's ``count`` reads it: PostgreSQL
    counts a table by reading every row (10 ms at 100,000 events)."""

    __tablename__ = "docking_event_count"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger)


class DockingEventChange(Base):
    """One docking event created, updated (a column of its own row changed) or removed by
    the write that made data version ``version``; ``seq`` orders the log. Subscriptions read
    it to tell clients what changed, in every server process."""

    __tablename__ = "docking_event_change"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(index=True)
    event_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str]  # "created" | "updated" | "removed"
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
