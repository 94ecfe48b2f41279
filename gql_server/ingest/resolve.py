"""What only the database can complete, inside the writer's transaction, before the upsert.

An older LL2 version gives some references as a bare id or name (a 2.1.0 event's
``launch_id``, an agency's ``type`` by name): set when that row is stored (or in the same
batch), else reported as not stored, with why, in the batch's drift report. And a parent
loop made of stored rows and this batch's (file A: family 1's parent is 2; file B: 2's is
1) is refused like one inside a file.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from gql_server.db.base import Base
from gql_server.ingest.normalize import Batch, Deferred, loop_error, parent_loop
from gql_server.ingest.shape import shapes

CHUNK = 500


async def resolve(conn: AsyncConnection, batch: Batch) -> None:
    """Complete ``batch.deferred`` and refuse parent loops through stored rows."""
    if batch.deferred:
        await _resolve_deferred(conn, batch)
    await _check_stored_loops(conn, batch)


async def _resolve_deferred(conn: AsyncConnection, batch: Batch) -> None:
    by_target: dict[tuple[str, str], list[Deferred]] = {}
    for deferred in batch.deferred:
        by_target.setdefault((deferred.target, deferred.by), []).append(deferred)
    for (target, by), group in by_target.items():
        found = await _lookup(conn, batch, target, by, {d.value for d in group})
        for deferred in group:
            row = batch.rows.get(deferred.table, {}).get(deferred.row_id)
            if row is None or deferred.column in row:
                continue  # the document sets it another way too (a fuller form)
            matches = found.get(deferred.value, [])
            if len(matches) == 1:
                row[deferred.column] = matches[0]
            else:
                batch.drift.unstored_key(deferred.path, _why(deferred, len(matches)))


async def _lookup(
    conn: AsyncConnection, batch: Batch, target: str, by: str, values: set[Any]
) -> dict[Any, list[Any]]:
    """The ids of ``target`` rows (in the batch, else stored) whose ``by`` is each value."""
    found: dict[Any, list[Any]] = {}
    for row_id, row in batch.rows.get(target, {}).items():
        key = row_id if by == "id" else row.get(by)
        if key in values:
            found.setdefault(key, []).append(row_id)
    missing = sorted((v for v in values if v not in found), key=str)
    table = Base.metadata.tables[target]
    column = table.c[by]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        result = await conn.execute(select(column, table.c.id).where(column.in_(chunk)))
        for key, row_id in result:
            found.setdefault(key, []).append(row_id)
    return found


def _why(deferred: Deferred, matches: int) -> str:
    noun = deferred.target.replace("_", " ")
    if deferred.by == "id":
        return (
            f"the {noun} it names is not stored (this LL2 version gives only its id): "
            "a 2.3.0 ingest or sync of the event stores it"
        )
    if matches:
        return f"{matches} stored {noun}s have that name: which one is meant is unknown"
    return (
        f"no stored {noun} has that name (this LL2 version gives only its name): "
        "a 2.3.0 ingest or sync of the object stores it"
    )


async def _check_stored_loops(conn: AsyncConnection, batch: Batch) -> None:
    for name, shape in shapes().items():
        rows = batch.rows.get(name)
        if not rows or not shape.self_refs:
            continue
        table = Base.metadata.tables[name]
        for key in shape.self_refs:
            column = shape.refs[key][0]
            parents = {i: r.get(column) for i, r in rows.items() if column in r}
            if not any(p is not None for p in parents.values()):
                continue
            # Climb through stored rows until every chain ends (or leaves the table).
            # Rows this batch does not give a parent keep their stored one.
            wanted = {p for p in parents.values() if p is not None and p not in parents}
            wanted |= {i for i in rows if i not in parents}
            while wanted:
                chunk = sorted(wanted)[:CHUNK]
                wanted -= set(chunk)
                result = await conn.execute(
                    select(table.c.id, table.c[column]).where(table.c.id.in_(chunk))
                )
                for row_id, parent in result:
                    parents[row_id] = parent
                    if parent is not None and parent not in parents:
                        wanted.add(parent)
            known = {i: p for i, p in parents.items() if p is not None}
            for start in rows:
                loop = parent_loop(known, start)
                if loop is not None:
                    raise loop_error(name, key, loop, batch)
