"""Pure: LL2 JSON in, flat deduplicated rows out; every error names its JSON path."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from gql_server.db.models.docking import CHASER_COLUMNS, TARGET_COLUMNS
from gql_server.ingest.drift import DriftReport
from gql_server.ingest.errors import IngestError
from gql_server.ingest.shape import ROOT, Shape, shapes
from gql_server.ingest.values import BadValue, convert, kind_of
from gql_server.ingest.versions import (
    LAUNCH_ID,
    LEGACY_VERSIONS,
    NAMED_REFS,
    NOT_STORABLE,
    legacy_event_shape,
    not_an_event,
    objects_page_table,
    version_of,
)
from gql_server.search_terms import fold

Row = dict[str, Any]


@dataclass(frozen=True)
class Deferred:
    """A reference only the database can complete: set ``column`` of row ``row_id`` of
    ``table`` to the ``target`` row whose ``by`` (``"id"`` or ``"name"``) is ``value``,
    if there is one (``gql_server.ingest.resolve``); else report ``path`` as not stored."""

    table: str
    row_id: Any
    column: str
    target: str
    by: str
    value: Any
    path: str


@dataclass
class Batch:
    """Rows by table and id (a key present in the JSON is a column present in the row),
    and the lists of link tables by parent id; what one file holds."""

    rows: dict[str, dict[Any, Row]] = field(default_factory=dict)
    links: dict[str, dict[Any, list[Any]]] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    # Objects already walked, by table and raw id: an equal repeat (the ISS under every
    # event) adds nothing, so it is compared (fast, in C) instead of walked again.
    # The third item: its keys not stored (reported again at each repeat).
    walked: dict[tuple[str, Any], tuple[dict[str, Any], Any, AbstractSet[str]]] = field(
        default_factory=dict
    )
    drift: DriftReport = field(default_factory=DriftReport)  # keys not stored, reported
    deferred: list[Deferred] = field(default_factory=list)
    # The first JSON path of each row of a self-referencing table (to name a parent loop).
    paths: dict[tuple[str, Any], str] = field(default_factory=dict)
    # Whether the event (or listed object) being walked is of an older LL2 version, whose
    # older forms (a reference by name: NAMED_REFS) are read; in any other, such a value
    # is refused at its path as the wrong type it is.
    legacy: bool = False

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def events_of(document: Any) -> Iterator[tuple[str, Any]]:
    """The events of an LL2 document with their JSON paths: a page envelope
    (``{"count", "results"}``), a bare list of events, or one event object."""
    if isinstance(document, dict) and "results" in document:
        results = document["results"]
        if not isinstance(results, list):
            raise IngestError(
                f"expected a list of events, got {kind_of(results)}", path="$.results"
            )
        for index, event in enumerate(results):
            yield f"$.results[{index}]", event
    elif isinstance(document, list):
        for index, event in enumerate(document):
            yield f"$[{index}]", event
    elif isinstance(document, dict) and "id" in document:
        yield "$", document
    else:
        raise IngestError(
            "expected an LL2 page envelope {count, results}, a list of docking events "
            f"or one docking event object, got {kind_of(document)}"
            + (" without an 'id' or 'results' key" if isinstance(document, dict) else "")
        )


def normalize(document: Any) -> Batch:
    """Every row a document holds, merged by id: a key that a later occurrence of the
    same object carries overrides an earlier one; a key no occurrence carries is absent.
    Events of older LL2 versions are mapped (``gql_server.ingest.versions``); a page of
    LL2's ``/space_stations/`` or ``/config/docking_locations/`` is read as such."""
    table = objects_page_table(document)
    if table is not None:
        return normalize_objects(document, table)
    try:
        batch = Batch()
        root = shapes()[ROOT]
        for path, event in events_of(document):
            _check_event(event, path)
            version = version_of(event)
            if version is not None:
                batch.drift.saw_version(version)
            legacy = batch.legacy = version in LEGACY_VERSIONS
            event_id = _walk(event, legacy_event_shape() if legacy else root, path, batch)
            batch.events.append(event_id)
            if legacy and event.get(LAUNCH_ID) is not None:
                _defer_launch(event[LAUNCH_ID], event_id, f"{path}.{LAUNCH_ID}", batch)
        _check_loops(batch)
    except RecursionError:
        raise _too_deep() from None
    return batch


def _too_deep() -> IngestError:
    return IngestError("JSON nested too deeply to be an LL2 document")


def _defer_launch(value: Any, event_id: Any, path: str, batch: Batch) -> None:
    """An older event's ``launch_id``: its chaser flight's launch, set if it is stored."""
    try:
        launch_id = convert(value, uuid.UUID)
    except BadValue as bad:
        raise IngestError(bad.message, path=path) from None
    flight = batch.rows["docking_event"][event_id].get("flight_vehicle_chaser_id")
    if flight is None:
        batch.drift.unstored_key(path, "the event has no chaser flight whose launch it is")
        return
    batch.deferred.append(
        Deferred("spacecraft_flight", flight, "launch_id", "launch", "id", launch_id, path)
    )


def parent_loop(parents: dict[Any, Any], start: Any) -> list[Any] | None:
    """The loop ``start``'s chain of parents runs into (``[5, 7, 5]``), or None."""
    chain = [start]
    seen = {start}
    current = parents.get(start)
    while current is not None:
        chain.append(current)
        if current in seen:
            return chain[chain.index(current) :]
        seen.add(current)
        current = parents.get(current)
    return None


def loop_error(table: str, key: str, loop: list[Any], batch: Batch) -> IngestError:
    """The error for a parent loop, told from the member met first in the document."""
    order = {row_id: index for index, (name, row_id) in enumerate(batch.paths) if name == table}
    members = loop[:-1]
    first = min(range(len(members)), key=lambda i: order.get(members[i], len(order)))
    loop = members[first:] + members[:first] + [members[first]]
    path = f"{batch.paths.get((table, loop[0]), '$')}.{key}"
    noun = table.replace("_", " ")
    if len(loop) == 2:
        return IngestError(f"{noun} {loop[0]} is its own {key}", path=path)
    chain = " -> ".join(str(i) for i in loop)
    return IngestError(f"{noun} {key}s form a loop: {chain}", path=path)


def _check_loops(batch: Batch) -> None:
    """Refuse a row that is its own ancestor (a family its own parent, or a loop)."""
    for name, shape in shapes().items():
        rows = batch.rows.get(name)
        if not rows or not shape.self_refs:
            continue
        for key in shape.self_refs:
            column = shape.refs[key][0]
            parents = {i: r[column] for i, r in rows.items() if r.get(column) is not None}
            clear: set[Any] = set()
            for start in parents:
                if start in clear:
                    continue
                loop = parent_loop(parents, start)
                if loop is not None:
                    raise loop_error(name, key, loop, batch)
                clear.add(start)


def normalize_objects(document: Any, table: str) -> Batch:
    """The rows of a list of LL2 objects of one table's shape (a page of
    ``/config/docking_locations/`` is ``"docking_location"``, of ``/space_stations/``
    ``"space_station"``): a page envelope or a bare list; merged like ``normalize``.
    ``Batch.events`` stays empty. Keys the table does not store are reported."""
    try:
        shape = shapes()[table]
    except KeyError:
        raise ValueError(f"no LL2 shape for table {table!r}") from None
    if isinstance(document, dict) and "results" in document:
        items, prefix = document["results"], "$.results"
    else:
        items, prefix = document, "$"
    if not isinstance(items, list):
        raise IngestError(f"expected a list of objects, got {kind_of(items)}", path=prefix)
    batch = Batch()
    try:
        for index, obj in enumerate(items):
            batch.legacy = type(obj) is dict and version_of(obj) in LEGACY_VERSIONS
            _walk(obj, shape, f"{prefix}[{index}]", batch)
        _check_loops(batch)
    except RecursionError:
        raise _too_deep() from None
    return batch


def _check_event(event: Any, path: str) -> None:
    if not isinstance(event, dict):
        raise IngestError(f"expected a docking event object, got {kind_of(event)}", path=path)
    if "docking" not in event:
        why = not_an_event(event)
        if why is not None:
            raise IngestError(why, path=path)
    for side, columns in (("chaser", CHASER_COLUMNS), ("target", TARGET_COLUMNS)):
        keys = [c.removesuffix("_id") for c in columns]
        present = [k for k in keys if event.get(k) is not None]
        if len(present) > 1:
            raise IngestError(
                f"a docking event has at most one {side}, got {' and '.join(present)}", path=path
            )


def _walk(obj: Any, shape: Shape, path: str, batch: Batch) -> Any:
    # Hot path: paths are only formatted when something is wrong.
    if type(obj) is not dict:
        raise IngestError(f"expected an object, got {kind_of(obj)}", path=path)
    raw_id = obj.get("id")
    seen_key = (shape.table.name, raw_id) if type(raw_id) in (int, str) else None
    if seen_key is not None:
        seen = batch.walked.get(seen_key)
        if seen is not None and seen[0] == obj:
            if seen[2]:  # every occurrence of a key not stored counts
                _report_extra(shape.table.name, seen[2], path, batch)
            return seen[1]
    for key in shape.checked_keys:
        if key not in obj:
            raise IngestError(f"missing required key '{key}'", path=path)
        if obj[key] is None:
            raise IngestError(f"'{key}' must not be null", path=f"{path}.{key}")
    try:
        row_id = convert(obj["id"], shape.id_type)
    except BadValue as bad:
        raise IngestError(bad.message, path=f"{path}.id") from None
    if type(row_id) is int and row_id < 1:
        raise IngestError(f"LL2 ids are positive, got {row_id}", path=f"{path}.id")
    if shape.self_refs:  # before its parent is walked: the outermost path names it
        batch.paths.setdefault((shape.table.name, row_id), path)
    # issuperset walks the keys without building a set: the common case costs little.
    extra = _NO_KEYS if shape.known.issuperset(obj) else obj.keys() - shape.known
    if extra:
        _report_extra(shape.table.name, extra, path, batch)
    row: Row = {"id": row_id}
    for key, (column, kind) in shape.scalars.items():
        if key in obj:
            try:
                row[column] = convert(obj[key], kind)
            except BadValue as bad:
                raise IngestError(bad.message, path=f"{path}.{key}") from None
    for key, (column, target) in shape.refs.items():
        if key in obj:
            value = obj[key]
            if value is None:
                row[column] = None
            elif type(value) is str and batch.legacy and (shape.table.name, key) in NAMED_REFS:
                # An older LL2 version names the row (an agency's type): resolved in load.
                batch.deferred.append(
                    Deferred(
                        shape.table.name, row_id, column, target, "name", value, f"{path}.{key}"
                    )
                )
            else:
                row[column] = _walk(value, shapes()[target], f"{path}.{key}", batch)
    for key, listed in shape.lists.items():
        if key not in obj:
            continue
        items = obj[key]
        if items is None:
            items = []
        if not isinstance(items, list):
            raise IngestError(f"expected a list, got {kind_of(items)}", path=f"{path}.{key}")
        child = shapes()[listed.child]
        ids = [_walk(item, child, f"{path}.{key}[{i}]", batch) for i, item in enumerate(items)]
        batch.links.setdefault(listed.link.name, {})[row_id] = list(dict.fromkeys(ids))
        if key in shape.flagged_lists:
            row[f"{key}_listed"] = True
    if shape.folds_name and "name" in row:
        row["search_name"] = fold(row["name"]) if row["name"] is not None else None
    table_rows = batch.rows.setdefault(shape.table.name, {})
    if row_id in table_rows:
        table_rows[row_id].update(row)
    else:
        table_rows[row_id] = row
    if seen_key is not None:
        batch.walked[seen_key] = (obj, row_id, extra)
    return row_id


_NO_KEYS: frozenset[str] = frozenset()


def _report_extra(table: str, keys: AbstractSet[str], path: str, batch: Batch) -> None:
    for key in sorted(keys):
        reason = NOT_STORABLE.get((table, key))
        if reason is None:
            batch.drift.unknown_key(f"{path}.{key}")
        else:
            batch.drift.unstored_key(f"{path}.{key}", reason)
