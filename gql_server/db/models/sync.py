"""The bookkeeping of ``python -m gql_server sync``: its runs, its checkpoint, the events a
pass has seen. Not LL2 data: nothing here is ingested or served as an entity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from gql_server.db.base import Base, UTCDateTime


class SyncRun(Base):
    """One invocation of the sync command (a dry run records none).

    A *pass* is the walk through every page of the three LL2 endpoints; an interrupted
    pass is finished by later runs, which resume from the checkpoint. ``origin_run_id``
    names the run that began the pass (itself when it began from the first page).
    ``pages``/``events``/``inserted``/``updated``/``deleted`` count this run's own work;
    inserted/updated/deleted are docking events (as in ``docking_event_change``).
    ``outcome``: ``running``, then ``succeeded`` (the pass completed), ``partial`` (stopped
    at ``--max-pages``), ``throttled`` (stopped on HTTP 429 with ``--no-wait``),
    ``failed`` (``message`` says why) or ``interrupted``."""

    __tablename__ = "sync_run"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    origin_run_id: Mapped[int | None]
    base_url: Mapped[str]
    mode: Mapped[str]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(index=True)
    pages: Mapped[int]
    events: Mapped[int]
    inserted: Mapped[int]
    updated: Mapped[int]
    deleted: Mapped[int]
    message: Mapped[str | None]
    # JSON (``DriftReport.as_json``, summed over the run's pages): keys its pages held that
    # were not stored; null when there were none.
    unknown_keys: Mapped[str | None]


class SyncCheckpoint(Base):
    """Where the current pass stands (one row, id 1; none between passes), written in the
    transaction of every page it counts. ``resource`` is the endpoint being paged
    (``docking_events``, ``docking_locations``, ``space_stations``, then ``finish``);
    ``next_url`` its next page (null: its first page). ``owner_run_id`` is the run applying
    pages now: a run that takes the checkpoint over makes an older one stop."""

    __tablename__ = "sync_checkpoint"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    origin_run_id: Mapped[int]
    owner_run_id: Mapped[int]
    base_url: Mapped[str]
    mode: Mapped[str]
    resource: Mapped[str]
    next_url: Mapped[str | None]
    resource_pages: Mapped[int]  # pages of ``resource`` applied so far
    resource_count: Mapped[int | None]  # its ``count``, once its first page was read
    pages: Mapped[int]  # over the pass
    events: Mapped[int]
    inserted: Mapped[int]
    updated: Mapped[int]
    # The docking events' ``count`` on the pass's first events page, and whether every
    # later page said the same: removal of vanished events needs a list that held still.
    events_count: Mapped[int | None]
    events_count_stable: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncSeenEvent(Base):
    """A docking event id that a page of the pass begun by ``run_id`` listed."""

    __tablename__ = "sync_seen_event"
    run_id: Mapped[int] = mapped_column(
        ForeignKey("sync_run.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
