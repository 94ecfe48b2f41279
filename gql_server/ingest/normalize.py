"""Pure: LL2 JSON in, flat deduplicated rows out; every error names its JSON path."""

from __future__ import annotations

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
    if not isinstance(obj, dict):
        raise IngestError(f"expected an object, got {_kind(obj)}", path=path)
    for key in sorted(shape.required | {"id"}):
        if key not in obj:
            raise IngestError(f"missing required key '{key}'", path=path)
        if obj[key] is None:
            raise IngestError(f"'{key}' must not be null", path=f"{path}.{key}")
    row_id = _convert(obj["id"], shape.id_type, f"{path}.id")
    row: Row = {"id": row_id}
    for key, (column, kind) in shape.scalars.items():
        if key in obj:
            row[column] = _convert(obj[key], kind, f"{path}.{key}")
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
        if f"{key}_listed" in shape.table.c:
            row[f"{key}_listed"] = True
    if "search_name" in shape.table.c and "name" in row:
        row["search_name"] = fold(row["name"]) if row["name"] is not None else None
    table_rows = batch.rows.setdefault(shape.table.name, {})
    if row_id in table_rows:
        table_rows[row_id].update(row)
    else:
        table_rows[row_id] = row
    return row_id


def _convert(value: Any, kind: type, path: str) -> Any:
    if value is None:
        return None
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            if -(2**63) <= value < 2**63:
                return value
            raise IngestError(f"integer out of range: {value}", path=path)
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if number == number and number not in (float("inf"), float("-inf")):
                return number
    elif kind is str:
        if isinstance(value, str):
            if "\x00" in value:
                raise IngestError("text must not contain NUL characters", path=path)
            return value
    elif kind is datetime:
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise IngestError(
                    f"expected an ISO 8601 date-time, got {value!r}", path=path
                ) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        raise IngestError(f"expected an ISO 8601 date-time string, got {_kind(value)}", path=path)
    elif kind is date:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise IngestError(
                    f"expected a date (YYYY-MM-DD), got {value!r}", path=path
                ) from None
    elif kind is uuid.UUID:
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                raise IngestError(f"expected a UUID, got {value!r}", path=path) from None
    else:  # pragma: no cover - a model declared a type this module does not know
        raise TypeError(f"no JSON conversion for {kind}")
    raise IngestError(f"expected {_NAMES[kind]}, got {_kind(value)}", path=path)


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
