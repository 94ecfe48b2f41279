"""Live updates: ``dockingEventChanged`` emits every docking event an ingest or a sync
created, updated or removed, in every server process.

Writers bump ``data_version`` and log each event they touch in ``docking_event_change``,
in their own transaction (gql_server.ingest.load). The app's ``VersionWatch``
(gql_server.db.version_watch, shared by all its subscriptions, reached through the
context's ``SubscriptionBudget``) notices a new version. Each subscription then reads the
log rows of the versions it has not seen (gql_server.queries.changes), in one short read
transaction, and emits them in log order; each emission resolves in a snapshot of its own
(no transaction is held while waiting).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from gql_server.db.version_watch import VersionWatch
from gql_server.graphql.arguments import NO_FILTER, arg, event_filter_arguments
from gql_server.graphql.budget import SubscriptionBudget
from gql_server.graphql.context import Info
from gql_server.graphql.enums import DockingEventChangeKind
from gql_server.graphql.errors import bad_input
from gql_server.graphql.types._base import one
from gql_server.graphql.types.docking import DockingEvent
from gql_server.queries import changes
from gql_server.queries.docking_events import EventFilter
from gql_server.queries.freshness import data_version


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
    """One page (at most ``changes.PAGE`` rows) of the log rows of versions
    ``seen < v <= latest`` past sequence ``after_seq``, in log order (keyset on ``seq``:
    every row of those versions was committed when ``latest`` was read, so the pages, read
    in snapshots of their own, are exactly the rows of that range), and the ids of the
    changed (not removed) events that pass ``where``: those that match it as they are
    stored now, and those no longer stored (removed since; like removals, only
    ``eventIds`` filters them)."""
    rows = (await conn.execute(changes.changes_page(seen, latest, after_seq))).mappings().all()
    alive = sorted({row["event_id"] for row in rows if row["kind"] != "removed"})
    matching: set[int] = set()
    for start in range(0, len(alive), changes.CHUNK):
        chunk = alive[start : start + changes.CHUNK]
        stored = set((await conn.execute(changes.stored_ids(chunk))).scalars())
        matching.update(set(chunk) - stored)  # gone since: judged like removals, by id only
        if stored:
            matching.update((await conn.execute(changes.matching_ids(stored, where))).scalars())
    return list(rows), matching


def _budget(context: Any) -> SubscriptionBudget:
    budget = getattr(context, "subscriptions", None)
    if not isinstance(budget, SubscriptionBudget):
        # A context made without one (tests, scripts) gets its own, kept on it: nothing
        # process-wide (a gate, a watch) is shared by contexts no app made.
        budget = context.subscriptions = SubscriptionBudget()
    return budget


async def _changes(
    info: Info, seen: int, wanted: set[int] | None, where: EventFilter
) -> AsyncGenerator[DockingEventChange, None]:
    """The changes after version ``seen``, forever: log pages read through the budget's
    gate, no slot or connection held while waiting or while a message is sent."""
    context = info.context
    engine = context.engine
    budget = _budget(context)
    gate = budget.gate
    # The app's watch (its lifespan's); a context made without one (tests, scripts) gets
    # one of its own for this subscription.
    watch = budget.watch or VersionWatch(engine)
    await watch.acquire()
    try:
        while True:
            await context.fresh_snapshot()  # nothing held while waiting
            await watch.wait_beyond(seen)
            latest: int | None = None
            after_seq = 0
            while True:
                async with gate.hold(), engine.connect() as conn:  # one short read each
                    if latest is None:
                        latest = await data_version(conn)
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
                if len(rows) < changes.PAGE:
                    break
                after_seq = rows[-1]["seq"]
            assert latest is not None
            seen = latest
    finally:
        await watch.release()


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
            current = await data_version(conn)
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
