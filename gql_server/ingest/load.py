"""Upsert a normalized batch in foreign-key order, inside the caller's transaction.

The data version (and the change log that wakes subscribers) moves only when the write
changed something: each upsert skips rows whose columns already hold the incoming values
(``ON CONFLICT ... DO UPDATE ... WHERE`` a column is distinct) and returns the ids it did
insert or update; a list is rewritten only when it differs from the stored one; a search
document only when it differs. Re-ingesting or re-syncing identical data therefore leaves
``data_version`` as it was, and response caches and subscriptions undisturbed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Table, Text, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from gql_server.db.base import Base
from gql_server.db.models import (
    DataVersion,
    DockingEvent,
    DockingEventChange,
    DockingLocation,
    Payload,
    PayloadFlight,
    Spacecraft,
    SpacecraftFlight,
    SpaceStation,
)
from gql_server.db.version_watch import DATA_VERSION_CHANNEL
from gql_server.ingest.normalize import Batch, Row
from gql_server.ingest.resolve import resolve
from gql_server.queries.freshness import data_version
from gql_server.search_terms import document

CHUNK = 500
PROGRESS_ROWS = 10_000  # tables this large report their progress
Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoadReport:
    events: int
    rows: int
    search_documents: int
    created: int = 0
    updated: int = 0
    version: int = 0  # the data version after the write (unchanged when ``changed`` is 0)
    changed: int = 0  # rows, lists and search documents the write actually changed


async def load(conn: AsyncConnection, batch: Batch, progress: Progress | None = None) -> LoadReport:
    """Write ``batch``: rows are upserted (only the columns present are set), each list
    present replaces the stored list, and search documents are brought up to date."""
    await resolve(conn, batch)  # references older LL2 versions give by id or name
    renamed = await _renamed(conn, batch)
    stored = await _stored_events(conn, batch)
    changed = 0
    for table in Base.metadata.sorted_tables:
        rows = batch.rows.get(table.name)
        if rows:
            changed += await _upsert(conn, table, _parents_first(table, rows))
            if progress and len(rows) >= PROGRESS_ROWS:
                progress(f"  {table.name}: {len(rows):,} rows written")
    for link_name, lists in batch.links.items():
        changed += await _replace_lists(conn, Base.metadata.tables[link_name], lists)
    refreshed = await refresh_search_documents(conn, batch.events, renamed)
    created, updated = _event_changes(batch, stored)
    changed += refreshed
    if changed or created or updated:
        version = await bump_data_version(conn)
        await record_changes(conn, version, created=created, updated=updated)
    else:  # identical data: caches keyed by the version and subscribers stay undisturbed
        version = await data_version(conn)
    return LoadReport(
        events=len(batch.events),
        rows=batch.count(),
        search_documents=refreshed,
        created=len(created),
        updated=len(updated),
        version=version,
        changed=changed,
    )


async def _replace_lists(conn: AsyncConnection, link: Table, lists: dict[Any, list[Any]]) -> int:
    """Store each parent's list of children in ``link`` where it differs from the stored
    one; returns how many lists were rewritten."""
    stored: dict[Any, list[Any]] = {}
    for chunk in _chunks(list(lists)):
        query = (
            select(link.c.parent_id, link.c.child_id)
            .where(link.c.parent_id.in_(chunk))
            .order_by(link.c.parent_id, link.c.position)
        )
        for parent, child in await conn.execute(query):
            stored.setdefault(parent, []).append(child)
    differ = [parent for parent, children in lists.items() if stored.get(parent, []) != children]
    for chunk in _chunks(differ):
        await conn.execute(delete(link).where(link.c.parent_id.in_(chunk)))
    members = [
        {"parent_id": parent, "child_id": child, "position": position}
        for parent in differ
        for position, child in enumerate(lists[parent])
    ]
    for chunk in _chunks(members):
        await conn.execute(link.insert(), chunk)
    return len(differ)


async def remove_events(conn: AsyncConnection, ids: Iterable[int]) -> int:
    """Delete docking events (what they reference stays), log them as removed and bump the
    data version; returns how many were deleted."""
    e = DockingEvent.__table__
    wanted = sorted(set(ids))
    removed: list[int] = []
    for chunk in _chunks(wanted):
        result = await conn.execute(delete(e).where(e.c.id.in_(chunk)).returning(e.c.id))
        removed.extend(result.scalars())
    if removed:
        version = await bump_data_version(conn)
        await record_changes(conn, version, removed=removed)
    return len(removed)


async def _stored_events(conn: AsyncConnection, batch: Batch) -> dict[Any, Row]:
    """The stored rows of the batch's events, to tell created from updated."""
    e = DockingEvent.__table__
    stored: dict[Any, Row] = {}
    for chunk in _chunks(list(batch.rows.get(e.name, {}))):
        for row in (await conn.execute(select(e).where(e.c.id.in_(chunk)))).mappings():
            stored[row["id"]] = dict(row)
    return stored


def _event_changes(batch: Batch, stored: dict[Any, Row]) -> tuple[list[Any], list[Any]]:
    created, updated = [], []
    for event_id, row in batch.rows.get(DockingEvent.__tablename__, {}).items():
        before = stored.get(event_id)
        if before is None:
            created.append(event_id)
        elif any(before[key] != value for key, value in row.items()):
            updated.append(event_id)
    return created, updated


async def bump_data_version(conn: AsyncConnection) -> int:
    """Increment the data version inside the writer's transaction (readers see the new
    version exactly when they see the new rows); returns the new version."""
    table = DataVersion.__table__
    stmt = _insert(conn, table).values(id=1, version=1, updated_at=datetime.now(UTC))
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={"version": table.c.version + 1, "updated_at": stmt.excluded.updated_at},
    )
    await conn.execute(stmt)
    version = await data_version(conn)
    if conn.dialect.name == "postgresql":
        # Delivered when (and only if) the transaction commits: subscriptions in every
        # server process LISTEN on this channel instead of polling.
        await conn.execute(select(func.pg_notify(DATA_VERSION_CHANNEL, str(version))))
    return version


async def record_changes(
    conn: AsyncConnection,
    version: int,
    *,
    created: Sequence[Any] = (),
    updated: Sequence[Any] = (),
    removed: Sequence[Any] = (),
) -> None:
    """Append to the docking event change log, under the write's data version."""
    now = datetime.now(UTC)
    rows = [
        {"version": version, "event_id": event_id, "kind": kind, "changed_at": now}
        for kind, ids in (("created", created), ("updated", updated), ("removed", removed))
        for event_id in ids
    ]
    for chunk in _chunks(rows):
        await conn.execute(DockingEventChange.__table__.insert(), chunk)


def _insert(conn: AsyncConnection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for the {conn.dialect.name} dialect")


async def _upsert(conn: AsyncConnection, table: Table, rows: Sequence[Row]) -> int:
    # Rows with the same keys share one statement; absent keys are left alone. In a
    # self-referencing table (``rows`` come parents first) only consecutive rows do: a
    # parent in a shorter form than its child must still be written before it.
    groups: list[tuple[tuple[str, ...], list[Row]]] = []
    if any(fk.column.table is table for column in table.columns for fk in column.foreign_keys):
        for row in rows:
            if groups and groups[-1][0] == tuple(row):
                groups[-1][1].append(row)
            else:
                groups.append((tuple(row), [row]))
    else:
        by_keys: dict[tuple[str, ...], list[Row]] = {}
        for row in rows:
            by_keys.setdefault(tuple(row), []).append(row)
        groups = list(by_keys.items())
    changed = 0
    for keys, group in groups:
        stmt = _upsert_statement(conn.dialect.name, table, keys)
        for chunk in _chunks(group):
            changed += len((await conn.execute(stmt, chunk)).all())
    return changed


@cache
def _upsert_statement(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    """INSERT ... ON CONFLICT (id) DO UPDATE of exactly ``keys``, only where one of them
    differs, RETURNING the ids inserted or updated (built once per shape). The database
    compares (``IS DISTINCT FROM``, SQLite's ``IS NOT``): in its own types, NULL-safe."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    updates = {key: stmt.excluded[key] for key in keys if key != "id"}
    if updates:
        differs = or_(*(table.c[key].is_distinct_from(value) for key, value in updates.items()))
        stmt = stmt.on_conflict_do_update(index_elements=["id"], set_=updates, where=differs)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["id"])
    return stmt.returning(table.c.id)


def _parents_first(table: Table, rows: dict[Any, Row]) -> list[Row]:
    """Rows of a self-referencing table ordered so a parent precedes its children."""
    self_refs = [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
    if not self_refs:
        return list(rows.values())
    ordered: list[Row] = []
    placed: set[Any] = set()

    def place(row: Row, seen: frozenset[Any]) -> None:
        if row["id"] in placed:
            return
        for column in self_refs:
            parent = row.get(column)
            if parent in rows and parent not in seen:
                place(rows[parent], seen | {row["id"]})
        placed.add(row["id"])
        ordered.append(row)

    for row in rows.values():
        place(row, frozenset())
    return ordered


# The tables whose ``name`` the LL2 search reads, each with how events reach it.
_NAMED = (DockingLocation, SpaceStation, Spacecraft, Payload)


async def _renamed(conn: AsyncConnection, batch: Batch) -> dict[str, set[Any]]:
    """Ids of stored rows in the searched tables whose name this batch changes."""
    renamed: dict[str, set[Any]] = {}
    for model in _NAMED:
        table = model.__table__
        incoming = {i: r["name"] for i, r in batch.rows.get(table.name, {}).items() if "name" in r}
        for chunk in _chunks(list(incoming)):
            result = await conn.execute(
                select(table.c.id, table.c.name).where(table.c.id.in_(chunk))
            )
            for row_id, name in result:
                if incoming[row_id] != name:
                    renamed.setdefault(table.name, set()).add(row_id)
    return renamed


@cache
def _event_names() -> Any:
    """SELECT each event's id and the seven names its LL2 search reads."""
    e = DockingEvent.__table__
    loc = DockingLocation.__table__
    fv_chaser, fv_target = aliased(SpacecraftFlight), aliased(SpacecraftFlight)
    sc_chaser, sc_target = aliased(Spacecraft), aliased(Spacecraft)
    pf_chaser, pf_target = aliased(PayloadFlight), aliased(PayloadFlight)
    pl_chaser, pl_target = aliased(Payload), aliased(Payload)
    st_chaser, st_target = aliased(SpaceStation), aliased(SpaceStation)
    return (
        select(
            e.c.id,
            e.c.search_document,
            loc.c.name,
            sc_chaser.name,
            sc_target.name,
            pl_chaser.name,
            pl_target.name,
            st_chaser.name,
            st_target.name,
        )
        .select_from(e)
        .join(loc, loc.c.id == e.c.docking_location_id)
        .outerjoin(fv_chaser, fv_chaser.id == e.c.flight_vehicle_chaser_id)
        .outerjoin(sc_chaser, sc_chaser.id == fv_chaser.spacecraft_id)
        .outerjoin(fv_target, fv_target.id == e.c.flight_vehicle_target_id)
        .outerjoin(sc_target, sc_target.id == fv_target.spacecraft_id)
        .outerjoin(pf_chaser, pf_chaser.id == e.c.payload_flight_chaser_id)
        .outerjoin(pl_chaser, pl_chaser.id == pf_chaser.payload_id)
        .outerjoin(pf_target, pf_target.id == e.c.payload_flight_target_id)
        .outerjoin(pl_target, pl_target.id == pf_target.payload_id)
        .outerjoin(st_chaser, st_chaser.id == e.c.space_station_chaser_id)
        .outerjoin(st_target, st_target.id == e.c.space_station_target_id)
    )


async def _events_touching(conn: AsyncConnection, renamed: dict[str, set[Any]]) -> set[Any]:
    e = DockingEvent.__table__
    conditions = []
    if ids := renamed.get("docking_location"):
        conditions.append(e.c.docking_location_id.in_(ids))
    if ids := renamed.get("space_station"):
        conditions += [e.c.space_station_chaser_id.in_(ids), e.c.space_station_target_id.in_(ids)]
    if ids := renamed.get("spacecraft"):
        flights = select(SpacecraftFlight.id).where(SpacecraftFlight.spacecraft_id.in_(ids))
        conditions += [
            e.c.flight_vehicle_chaser_id.in_(flights),
            e.c.flight_vehicle_target_id.in_(flights),
        ]
    if ids := renamed.get("payload"):
        flights = select(PayloadFlight.id).where(PayloadFlight.payload_id.in_(ids))
        conditions += [
            e.c.payload_flight_chaser_id.in_(flights),
            e.c.payload_flight_target_id.in_(flights),
        ]
    if not conditions:
        return set()
    return set((await conn.execute(select(e.c.id).where(or_(*conditions)))).scalars())


async def refresh_search_documents(
    conn: AsyncConnection, events: Iterable[Any], renamed: dict[str, set[Any]] | None = None
) -> int:
    """Recompute the search document of ``events`` and of every event that reaches a
    renamed row; writes and counts only those that differ from the stored one."""
    ids = set(events) | await _events_touching(conn, renamed or {})
    e = DockingEvent.__table__
    names = _event_names()
    documents = []
    for chunk in _chunks(sorted(ids)):
        for row in await conn.execute(names.where(e.c.id.in_(chunk))):
            text = document(row[2:])
            if text != row[1]:
                documents.append({"event_id": row[0], "document": text})
    for chunk in _chunks(documents):
        if conn.dialect.name == "postgresql":
            # One statement a chunk (not one a row): the search postings' statement
            # trigger (migration 0009) posts the chunk's words at once.
            values = {
                "ids": [d["event_id"] for d in chunk],
                "documents": [d["document"] for d in chunk],
            }
            await conn.execute(_documents_written(), values)
        else:
            await conn.execute(_document_written(), chunk)
    return len(documents)


@cache
def _document_written() -> Any:
    e = DockingEvent.__table__
    written = update(e).where(e.c.id == bindparam("event_id"))
    return written.values(search_document=bindparam("document"))


@cache
def _documents_written() -> Any:
    """PostgreSQL: UPDATE ... FROM the chunk's ids and documents, as two arrays."""
    e = DockingEvent.__table__
    chunk = select(
        func.unnest(bindparam("ids", type_=postgresql.ARRAY(Integer()))).label("id"),
        func.unnest(bindparam("documents", type_=postgresql.ARRAY(Text()))).label("document"),
    ).subquery("chunk")
    return update(e).where(e.c.id == chunk.c.id).values(search_document=chunk.c.document)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
