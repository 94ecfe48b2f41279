"""The sync's books in the database: runs, the checkpoint, the ids a pass has seen.

Every page is applied by ``apply_page`` in one transaction together with the checkpoint
that counts it and the ids it listed, so a run stopped anywhere (Ctrl-C, a crash, a
throttle with ``--no-wait``, ``--max-pages``) leaves whole pages only, and the next run
resumes after the last of them. ``finish_pass`` removes the events that a complete pass
did not see, marks the run succeeded and drops the checkpoint, in one transaction too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, exists, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gql_server.db.engine import writing
from gql_server.db.models import DockingEvent, SyncCheckpoint, SyncRun, SyncSeenEvent
from gql_server.ingest.drift import merge_json
from gql_server.ingest.errors import IngestError
from gql_server.ingest.load import LoadReport, load, remove_events
from gql_server.ingest.normalize import Batch
from gql_server.queries.freshness import LAST_SUCCESSFUL_SYNC, as_utc
from gql_server.sync.errors import SyncError

# The endpoints a pass walks, in order, then the step that completes it.
RESOURCES = ("docking_events", "docking_locations", "space_stations")
FINISH = "finish"
CHECKPOINT_ID = 1

run_t = cast(Table, SyncRun.__table__)
checkpoint_t = cast(Table, SyncCheckpoint.__table__)
seen_t = cast(Table, SyncSeenEvent.__table__)


async def last_successful_sync(conn: AsyncConnection) -> datetime | None:
    """When the last complete sync pass finished (UTC), or None if none ever did. Reads
    through the caller's connection (and so its snapshot)."""
    return as_utc((await conn.execute(LAST_SUCCESSFUL_SYNC)).scalar_one_or_none())


@dataclass(frozen=True)
class Checkpoint:
    """A ``sync_checkpoint`` row as a value (see the model for each field)."""

    origin_run_id: int
    owner_run_id: int
    base_url: str
    mode: str
    resource: str = RESOURCES[0]
    next_url: str | None = None
    resource_pages: int = 0
    resource_count: int | None = None
    pages: int = 0
    events: int = 0
    inserted: int = 0
    updated: int = 0
    events_count: int | None = None
    events_count_stable: bool = True

    def after_page(
        self, count: int, next_url: str | None, events: int, report: LoadReport | None = None
    ) -> Checkpoint:
        """Where the pass stands once a page of ``self.resource`` is applied (``report``:
        what writing it did; None for a dry run)."""
        events_count, stable = self.events_count, self.events_count_stable
        if self.resource == "docking_events":
            if events_count is None:
                events_count = count
            stable = stable and count == events_count
        moved: dict[str, Any] = {
            "next_url": next_url,
            "resource_pages": self.resource_pages + 1,
            "resource_count": count,
        }
        if next_url is None:  # the resource's last page: on to the next one
            index = RESOURCES.index(self.resource)
            nxt = RESOURCES[index + 1] if index + 1 < len(RESOURCES) else FINISH
            moved = {"resource": nxt, "next_url": None, "resource_pages": 0, "resource_count": None}
        return replace(
            self,
            **moved,
            pages=self.pages + 1,
            events=self.events + events,
            inserted=self.inserted + (report.created if report else 0),
            updated=self.updated + (report.updated if report else 0),
            events_count=events_count,
            events_count_stable=stable,
        )

    def row(self) -> dict[str, Any]:
        return {"id": CHECKPOINT_ID, **asdict(self), "updated_at": datetime.now(UTC)}


@dataclass(frozen=True)
class Started:
    run_id: int
    checkpoint: Checkpoint
    resumed: bool
    note: str | None  # why an existing checkpoint was dropped


async def start_run(engine: AsyncEngine, base_url: str, mode: str, *, restart: bool) -> Started:
    """Record a new run and take the checkpoint over (or begin a new pass: with
    ``restart``, without a checkpoint, or when the checkpoint is for another base URL or
    mode)."""
    now = datetime.now(UTC)
    async with writing(engine).begin() as conn:
        result = await conn.execute(
            insert(run_t).values(
                base_url=base_url,
                mode=mode,
                started_at=now,
                outcome="running",
                pages=0,
                events=0,
                inserted=0,
                updated=0,
                deleted=0,
            )
        )
        (run_id,) = cast(tuple[int], result.inserted_primary_key)
        # A run still "running" belongs to a process that died, or to one this run is
        # taking the checkpoint from (it stops at its next page).
        await conn.execute(
            update(run_t)
            .where(run_t.c.outcome == "running", run_t.c.id != run_id)
            .values(
                outcome="interrupted",
                finished_at=now,
                message=f"found unfinished by run {run_id}",
            )
        )
        row = (
            (await conn.execute(select(checkpoint_t).where(checkpoint_t.c.id == CHECKPOINT_ID)))
            .mappings()
            .first()
        )
        note = None
        if row is not None and (restart or (row["base_url"], row["mode"]) != (base_url, mode)):
            if not restart:
                note = (
                    f"the interrupted pass was for {row['base_url']} in {row['mode']} mode: "
                    "starting over"
                )
            await _drop_pass(conn, row["origin_run_id"])
            row = None
        if row is None:
            checkpoint = Checkpoint(
                origin_run_id=run_id, owner_run_id=run_id, base_url=base_url, mode=mode
            )
            await conn.execute(insert(checkpoint_t).values(checkpoint.row()))
        else:
            fields = {k: row[k] for k in Checkpoint.__dataclass_fields__}
            checkpoint = Checkpoint(**{**fields, "owner_run_id": run_id})
            await conn.execute(
                update(checkpoint_t)
                .where(checkpoint_t.c.id == CHECKPOINT_ID)
                .values(owner_run_id=run_id, updated_at=now)
            )
        await conn.execute(
            update(run_t).where(run_t.c.id == run_id).values(origin_run_id=checkpoint.origin_run_id)
        )
    return Started(run_id, checkpoint, resumed=row is not None, note=note)


async def apply_page(
    engine: AsyncEngine,
    url: str,
    run_id: int,
    batch: Batch,
    checkpoint: Checkpoint,
    count: int,
    next_url: str | None,
) -> tuple[LoadReport, Checkpoint]:
    """Upsert one page of ``checkpoint.resource`` (its envelope said ``count`` and
    ``next_url``) and record it: the checkpoint after it, the event ids it listed, the
    run's counters; all in one transaction. Returns the load's report and the checkpoint."""
    try:
        async with writing(engine).begin() as conn:
            await _claim(conn, run_id, {"updated_at": datetime.now(UTC)})
            report = await load(conn, batch)
            after = checkpoint.after_page(count, next_url, len(batch.events), report)
            await _claim(conn, run_id, after.row())
            if batch.events:
                rows = [
                    {"run_id": checkpoint.origin_run_id, "event_id": i}
                    for i in dict.fromkeys(batch.events)
                ]
                await conn.execute(_insert_ignore(conn, seen_t), rows)
            await conn.execute(
                update(run_t)
                .where(run_t.c.id == run_id)
                .values(
                    pages=run_t.c.pages + 1,
                    events=run_t.c.events + len(batch.events),
                    inserted=run_t.c.inserted + report.created,
                    updated=run_t.c.updated + report.updated,
                )
            )
            if batch.drift:
                await _record_drift(conn, run_id, batch)
    except IngestError as exc:  # found only against stored rows (a parent loop)
        raise SyncError(f"{url}: {exc}; nothing of that page was written") from None
    except DBAPIError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        raise SyncError(f"{url}: the database refused the data: {reason}") from None
    return report, after


async def _record_drift(conn: AsyncConnection, run_id: int, batch: Batch) -> None:
    """Add the page's keys not stored to the run's ``unknown_keys``."""
    stored = (
        await conn.execute(select(run_t.c.unknown_keys).where(run_t.c.id == run_id))
    ).scalar_one_or_none()
    total = merge_json(json.loads(stored) if stored else None, batch.drift.as_json())
    await conn.execute(
        update(run_t).where(run_t.c.id == run_id).values(unknown_keys=json.dumps(total))
    )


@dataclass(frozen=True)
class Finished:
    removed: list[int]
    note: str | None  # why vanished events were kept


async def finish_pass(engine: AsyncEngine, run_id: int, checkpoint: Checkpoint) -> Finished:
    """Complete the pass: remove the stored events it did not see (unless the list moved
    under it), mark the run succeeded, drop the checkpoint and the seen ids."""
    async with writing(engine).begin() as conn:
        await _claim(conn, run_id, checkpoint.row())
        event_t = cast(Table, DockingEvent.__table__)
        vanished = select(event_t.c.id).where(
            ~exists().where(
                seen_t.c.run_id == checkpoint.origin_run_id, seen_t.c.event_id == event_t.c.id
            )
        )
        ids = sorted((await conn.execute(vanished)).scalars())
        seen = (
            await conn.execute(
                select(func.count()).where(seen_t.c.run_id == checkpoint.origin_run_id)
            )
        ).scalar_one()
        note = None
        if ids and not checkpoint.events_count_stable:
            note = (
                "LL2's count of docking events changed during the pass (events were added or "
                "removed meanwhile, so offset pages may have skipped some): "
                f"{len(ids)} events not seen are kept until a full sync sees a steady list"
            )
        elif ids and seen < (checkpoint.events_count or 0):
            note = (
                f"the pass saw {seen} distinct events of the {checkpoint.events_count} LL2 "
                f"counted: {len(ids)} events not seen are kept"
            )
        elif ids and seen == 0:
            note = f"LL2 listed no docking event: the {len(ids)} stored ones are kept"
        removed = [] if note else ids
        deleted = await remove_events(conn, removed) if removed else 0
        await _drop_pass(conn, checkpoint.origin_run_id)
        await conn.execute(
            update(run_t)
            .where(run_t.c.id == run_id)
            .values(outcome="succeeded", finished_at=datetime.now(UTC), deleted=deleted)
        )
    return Finished(removed, note)


async def end_run(engine: AsyncEngine, run_id: int, outcome: str, message: str | None) -> None:
    """Record how a run that did not complete its pass ended; the checkpoint stays."""
    async with writing(engine).begin() as conn:
        await conn.execute(
            update(run_t)
            .where(run_t.c.id == run_id)
            .values(outcome=outcome, finished_at=datetime.now(UTC), message=message)
        )


async def _claim(conn: AsyncConnection, run_id: int, values: dict[str, Any]) -> None:
    """Write the checkpoint, if this run still owns it."""
    result = await conn.execute(
        update(checkpoint_t)
        .where(checkpoint_t.c.id == CHECKPOINT_ID, checkpoint_t.c.owner_run_id == run_id)
        .values(values)
    )
    if result.rowcount != 1:
        raise SyncError("another sync run took the checkpoint over: this one stops")


async def _drop_pass(conn: AsyncConnection, origin_run_id: int) -> None:
    await conn.execute(delete(seen_t).where(seen_t.c.run_id == origin_run_id))
    await conn.execute(delete(checkpoint_t).where(checkpoint_t.c.id == CHECKPOINT_ID))


def _insert_ignore(conn: AsyncConnection, table: Any) -> Any:
    """INSERT that skips rows already there (offset pages may repeat an event)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()
