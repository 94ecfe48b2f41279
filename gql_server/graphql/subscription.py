"""Live updates: ``dockingEventChanged`` emits every docking event an ingest or a sync
created, updated or removed, in every server process.

Writers bump ``data_version`` and log each event they touch in ``docking_event_change``,
in their own transaction (gql_server.ingest.load). A per-process ``VersionWatch`` (one per
engine, shared by all subscriptions) notices a new version: on PostgreSQL through
``LISTEN gql_data_version`` (the writer's ``pg_notify`` is delivered at commit) with a slow
safety poll, elsewhere (SQLite) by polling ``SELECT version FROM data_version``. Each
subscription then reads the log rows of the versions it has not seen, in one short read
transaction, and emits them in log order; each emission resolves in a snapshot of its own
(no transaction is held while waiting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gql_server.db import models
from gql_server.graphql.arguments import NO_FILTER, arg, event_filter_arguments
from gql_server.graphql.budget import SubscriptionBudget
from gql_server.graphql.context import Info
from gql_server.graphql.enums import DockingEventChangeKind
from gql_server.graphql.errors import bad_input
from gql_server.graphql.types._base import one
from gql_server.graphql.types.docking import DockingEvent
from gql_server.ingest.load import DATA_VERSION_CHANNEL
from gql_server.queries.docking_events import EVENTS, EventFilter

log = logging.getLogger("gql_server.subscriptions")

POLL_ENV = "GQL_SUBSCRIPTION_POLL_SECONDS"  # polling period without LISTEN (SQLite)
LISTEN_POLL_ENV = "GQL_SUBSCRIPTION_LISTEN_POLL_SECONDS"  # safety poll while LISTENing
CHUNK = 500  # event ids per statement when filtering a page
PAGE = 500  # log rows read at once when replaying or catching up


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


async def current_version(conn: AsyncConnection) -> int:
    table = models.DataVersion.__table__
    version = (await conn.execute(select(table.c.version).where(table.c.id == 1))).scalar()
    return int(version or 0)


class VersionWatch:
    """Follows the data version of one database for every subscription of this process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.version = -1  # not read yet
        self.users = 0
        self.listening = False
        self._changed = asyncio.Condition()
        self._kick = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def wait_beyond(self, version: int) -> int:
        """Wait until the data version is past ``version``; the version seen."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.version > version)
            return self.version

    async def _read(self) -> int:
        async with self.engine.connect() as conn:
            return await current_version(conn)

    async def _listen(self) -> Any:
        """A dedicated asyncpg connection LISTENing on the channel, or None (not PostgreSQL,
        or it failed: then polling does the work)."""
        if self.engine.dialect.name != "postgresql":
            return None
        try:
            import asyncpg

            dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            connection = await asyncpg.connect(dsn)
            await connection.add_listener(DATA_VERSION_CHANNEL, lambda *_: self._kick.set())
        except Exception:
            log.warning("LISTEN %s failed; polling instead", DATA_VERSION_CHANNEL, exc_info=True)
            return None
        return connection

    async def _run(self) -> None:
        listener = await self._listen()
        self.listening = listener is not None
        period = _seconds(LISTEN_POLL_ENV, 5.0) if listener else _seconds(POLL_ENV, 0.5)
        try:
            while True:
                try:
                    version = await self._read()
                except Exception:
                    log.warning("reading the data version failed", exc_info=True)
                    version = self.version
                if version != self.version:
                    async with self._changed:
                        self.version = version
                        self._changed.notify_all()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._kick.wait(), period)
                self._kick.clear()
        finally:
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close(timeout=2)


_watches: dict[tuple[int, int], VersionWatch] = {}


async def _acquire(engine: AsyncEngine) -> VersionWatch:
    key = (id(engine), id(asyncio.get_running_loop()))
    watch = _watches.get(key)
    if watch is None:
        watch = _watches[key] = VersionWatch(engine)
        watch.start()
    watch.users += 1
    return watch


async def _release(watch: VersionWatch) -> None:
    watch.users -= 1
    if watch.users == 0:
        key = (id(watch.engine), id(asyncio.get_running_loop()))
        if _watches.get(key) is watch:
            del _watches[key]
        await watch.stop()


@strawberry.type(
    description=(
        "A docking event an ingest or a sync created, updated or removed (one message per "
        "event and change)."
    )
)
class DockingEventChange:
    kind: DockingEventChangeKind = strawberry.field(description="What happened to it.")
    event_id: int = strawberry.field(description="The event's LL2 id (removed events too).")
    version: int = strawberry.field(
        description=(
            "The data version the change made. Pass the last one you received as "
            "`sinceVersion` when you subscribe again, to miss nothing in between."
        )
    )
    changed_at: datetime = strawberry.field(description="When the write happened.")

    @strawberry.field(
        description=(
            "The event as stored now (read when this message is sent); null when it was "
            "removed (or has been removed since)."
        )
    )
    async def event(self, info: Info) -> DockingEvent | None:
        if self.kind is DockingEventChangeKind.REMOVED:
            return None
        return await one(info, DockingEvent, self.event_id)


async def _changes_page(
    conn: AsyncConnection, seen: int, latest: int, after_seq: int, where: EventFilter
) -> tuple[list[Any], set[int]]:
    """One page (at most ``PAGE`` rows) of the log rows of versions ``seen < v <= latest``
    past sequence ``after_seq``, in log order (keyset on ``seq``: every row of those
    versions was committed when ``latest`` was read, so the pages, read in snapshots of
    their own, are exactly the rows of that range), and the ids of the changed (not
    removed) events that pass ``where``: those that match it as they are stored now, and
    those no longer stored (removed since; like removals, only ``eventIds`` filters them)."""
    log_table = models.DockingEventChange.__table__
    rows = (
        (
            await conn.execute(
                select(log_table)
                .where(
                    log_table.c.version > seen,
                    log_table.c.version <= latest,
                    log_table.c.seq > after_seq,
                )
                .order_by(log_table.c.seq)
                .limit(PAGE)
            )
        )
        .mappings()
        .all()
    )
    alive = sorted({row["event_id"] for row in rows if row["kind"] != "removed"})
    matching: set[int] = set()
    for start in range(0, len(alive), CHUNK):
        chunk = alive[start : start + CHUNK]
        stmt = select(EVENTS.c.id).where(EVENTS.c.id.in_(chunk))
        stored = set((await conn.execute(stmt)).scalars())
        matching.update(set(chunk) - stored)  # gone since: judged like removals, by id only
        if stored:
            stmt = select(EVENTS.c.id).where(EVENTS.c.id.in_(stored), *where.conditions())
            matching.update((await conn.execute(stmt)).scalars())
    return list(rows), matching


def _budget(context: Any) -> SubscriptionBudget:
    budget = getattr(context, "subscriptions", None)
    return budget if isinstance(budget, SubscriptionBudget) else _DEFAULT_BUDGET


_DEFAULT_BUDGET = SubscriptionBudget()  # contexts made without one (tests, scripts)


async def _changes(
    info: Info, seen: int, wanted: set[int] | None, where: EventFilter
) -> AsyncGenerator[DockingEventChange, None]:
    """The changes after version ``seen``, forever: log pages read through the budget's
    gate, no slot or connection held while waiting or while a message is sent."""
    context = info.context
    engine = context.engine
    gate = _budget(context).gate
    watch = await _acquire(engine)
    try:
        while True:
            await context.fresh_snapshot()  # nothing held while waiting
            await watch.wait_beyond(seen)
            latest: int | None = None
            after_seq = 0
            while True:
                async with gate.hold(), engine.connect() as conn:  # one short read each
                    if latest is None:
                        latest = await current_version(conn)
                    rows, matching = await _changes_page(conn, seen, latest, after_seq, where)
                for row in rows:
                    event_id, kind = row["event_id"], DockingEventChangeKind(row["kind"])
                    if wanted is not None and event_id not in wanted:
                        continue
                    if kind is not DockingEventChangeKind.REMOVED and event_id not in matching:
                        continue
                    await context.fresh_snapshot()  # each emission reads a snapshot of its own
                    yield DockingEventChange(
                        kind=kind,
                        event_id=event_id,
                        version=row["version"],
                        changed_at=row["changed_at"],
                    )
                if len(rows) < PAGE:
                    break
                after_seq = rows[-1]["seq"]
            assert latest is not None
            seen = latest
    finally:
        await _release(watch)


@strawberry.type(description="Live updates, over WebSocket (`graphql-transport-ws`).")
class Subscription:
    @strawberry.subscription(
        description=(
            "Every docking event created, updated or removed by an ingest or a sync, in "
            "the order they were written, from any server process. Created and updated "
            "events are sent when they match `dockingEvents`' filters and search as they "
            "are stored when the change is read (a moment after the write); removed events "
            "no longer exist, so only `eventIds` filters them (every other filter lets them "
            "through), and so for a created or updated event removed before it was read."
        )
    )
    @event_filter_arguments()
    async def docking_event_changed(
        self,
        info: Info,
        event_ids: Annotated[
            list[int] | None,
            arg("Only changes of these event ids (removals too); null: any event."),
        ] = None,
        since_version: Annotated[
            int | None,
            arg(
                "Also replay the changes made after this data version (the last `version` "
                "received, when reconnecting); null: only changes from now on. At most "
                "`GQL_REPLAY_MAX_VERSIONS` (1000 by default) versions back: further back "
                "is refused (BAD_USER_INPUT); reload with a query instead."
            ),
        ] = None,
        where: EventFilter = NO_FILTER,
    ) -> AsyncGenerator[DockingEventChange, None]:
        wanted = None if event_ids is None else set(event_ids)
        # Checked here, before the stream starts: a refusal is the operation's `error`.
        budget = _budget(info.context)
        if since_version is not None and since_version < 0:
            raise bad_input("`sinceVersion` must be 0 or more.", argument="sinceVersion")
        async with budget.gate.hold(), info.context.engine.connect() as conn:
            current = await current_version(conn)
        if since_version is None:
            return _changes(info, current, wanted, where)
        behind = current - since_version
        if behind > budget.replay_max_versions:
            raise bad_input(
                f"`sinceVersion` {since_version} is {behind} data versions behind the current "
                f"one ({current}); at most {budget.replay_max_versions} can be replayed. "
                "Reload what you follow (a query), then subscribe without `sinceVersion`.",
                argument="sinceVersion",
            )
        return _changes(info, since_version, wanted, where)
