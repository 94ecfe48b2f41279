"""Pure: LL2 JSON in, flat deduplicated rows out; every error names its JSON path."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from gql_server.db.models.docking import CHASER_COLUMNS, TARGET_COLUMNS
from gql_server.ingest.errors import IngestError
from gql_server.ingest.shape import ROOT, Shape, shapes
from gql_server.search import fold

Row = dict[str, Any]


@dataclass
class Batch:
    """Rows by table and id (a key present in the JSON is a column present in the row),
    and the lists of link tables by parent id; what one file holds."""

    rows: dict[str, dict[Any, Row]] = field(default_factory=dict)
    links: dict[str, dict[Any, list[Any]]] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)
    # Objects already walked, by table and raw id: an equal repeat (the ISS under every
    # event) adds nothing, so it is compared (fast, in C) instead of walked again.
    walked: dict[tuple[str, Any], tuple[dict[str, Any], Any]] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def events_of(document: Any) -> Iterator[tuple[str, Any]]:
    """The events of an LL2 document with their JSON paths: a page envelope
    (``{"count", "results"}``), a bare list of events, or one event object."""
    if isinstance(document, dict) and "results" in document:
        results = document["results"]
        if not isinstance(results, list):
            raise IngestError(f"expected a list of events, got {_kind(results)}", path="$.results")
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
            f"or one docking event object, got {_kind(document)}"
            + (" without an 'id' or 'results' key" if isinstance(document, dict) else "")
        )


def normalize(document: Any) -> Batch:
    """Every row a document holds, merged by id: a key that a later occurrence of the
    same object carries overrides an earlier one; a key no occurrence carries is absent."""
    batch = Batch()
    root = shapes()[ROOT]
    for path, event in events_of(document):
        _check_event(event, path)
        batch.events.append(_walk(event, root, path, batch))
    return batch


def normalize_objects(document: Any, table: str) -> Batch:
    """The rows of a list of LL2 objects of one table's shape (a page of
    ``/config/docking_locations/`` is ``"docking_location"``, of ``/space_stations/``
    ``"space_station"``): a page envelope or a bare list; merged like ``normalize``.
    ``Batch.events`` stays empty. Keys the table does not store are ignored."""
    try:
        shape = shapes()[table]
    except KeyError:
        raise ValueError(f"no LL2 shape for table {table!r}") from None
    if isinstance(document, dict) and "results" in document:
        items, prefix = document["results"], "$.results"
    else:
        items, prefix = document, "$"
    if not isinstance(items, list):
        raise IngestError(f"expected a list of objects, got {_kind(items)}", path=prefix)
    batch = Batch()
    for index, obj in enumerate(items):
        _walk(obj, shape, f"{prefix}[{index}]", batch)
    return batch


def _check_event(event: Any, path: str) -> None:
    if not isinstance(event, dict):
        raise IngestError(f"expected a docking event object, got {_kind(event)}", path=path)
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
        raise IngestError(f"expected an object, got {_kind(obj)}", path=path)
    raw_id = obj.get("id")
    seen_key = (shape.table.name, raw_id) if type(raw_id) in (int, str) else None
    if seen_key is not None:
        seen = batch.walked.get(seen_key)
        if seen is not None and seen[0] == obj:
            return seen[1]
    for key in shape.checked_keys:
        if key not in obj:
            raise IngestError(f"missing required key '{key}'", path=path)
        if obj[key] is None:
            raise IngestError(f"'{key}' must not be null", path=f"{path}.{key}")
    try:
        row_id = _convert(obj["id"], shape.id_type)
    except _Bad as bad:
        raise IngestError(bad.message, path=f"{path}.id") from None
    row: Row = {"id": row_id}
    for key, (column, kind) in shape.scalars.items():
        if key in obj:
            try:
                row[column] = _convert(obj[key], kind)
            except _Bad as bad:
                raise IngestError(bad.message, path=f"{path}.{key}") from None
    for key, (column, target) in shape.refs.items():
        if key in obj:
            value = obj[key]
            row[column] = (
                None if value is None else _walk(value, shapes()[target], f"{path}.{key}", batch)
            )
    for key, listed in shape.lists.items():
        if key not in obj:
            continue
        items = obj[key]
        if items is None:
            items = []
        if not isinstance(items, list):
            raise IngestError(f"expected a list, got {_kind(items)}", path=f"{path}.{key}")
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
        batch.walked[seen_key] = (obj, row_id)
    return row_id


# GraphQL's Int and PostgreSQL's integer are 32-bit: a larger value is refused here, with its
# JSON path, rather than by the database (without one) or at serving time.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class _Bad(Exception):
    """A value of the wrong type; the caller adds the JSON path."""

    def __init__(self, message: str) -> None:
        self.message = message


def _convert(value: Any, kind: type) -> Any:
    if value is None:
        return None
    value_type = type(value)
    if value_type is kind and kind is bool:
        return value
    if kind is bool:
        pass
    elif kind is int:
        if value_type is int and INT_MIN <= value <= INT_MAX:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            if INT_MIN <= value <= INT_MAX:
                return value
            raise _Bad(f"integer out of range: {value}")
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if number == number and number not in (float("inf"), float("-inf")):
                return number
    elif kind is str:
        if value_type is str:
            if "\x00" in value:
                raise _Bad("text must not contain NUL characters")
            if _SURROGATE.search(value):
                # JSON may escape one ("\ud800"); no database can store it as text.
                raise _Bad("text must not contain lone surrogates")
            return value
    elif kind is datetime:
        if value_type is str:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise _Bad(f"expected an ISO 8601 date-time, got {value!r}") from None
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            try:
                parsed.astimezone(UTC)  # stored in UTC: 0001-01-01T00:00+01:00 has no UTC
            except OverflowError:
                raise _Bad(f"date-time out of range in UTC: {value!r}") from None
            return parsed
        raise _Bad(f"expected an ISO 8601 date-time string, got {_kind(value)}")
    elif kind is date:
        if value_type is str:
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise _Bad(f"expected a date (YYYY-MM-DD), got {value!r}") from None
    elif kind is uuid.UUID:
        if value_type is str:
            try:
                return uuid.UUID(value)
            except ValueError:
                raise _Bad(f"expected a UUID, got {value!r}") from None
    else:  # pragma: no cover - a model declared a type this module does not know
        raise TypeError(f"no JSON conversion for {kind}")
    raise _Bad(f"expected {_NAMES[kind]}, got {_kind(value)}")


_SURROGATE = re.compile("[\ud800-\udfff]")

_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    date: "a date string",
    uuid.UUID: "a UUID string",
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
