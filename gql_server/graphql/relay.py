"""Relay's opaque strings: global object ids (``base64("TypeName:ll2id")``) and connection
cursors (``base64`` of a JSON object: the ordering's signature and a row's key values)."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping

from gql_server.graphql.errors import bad_input
from gql_server.queries import docking_events
from gql_server.queries.docking_events import SortKey

MAX_ID = 2**31 - 1  # LL2 ids are positive; the database keeps them as 32-bit INTEGER


def encode_global_id(type_name: str, ll2_id: Any) -> str:
    return base64.b64encode(f"{type_name}:{ll2_id}".encode()).decode("ascii")


def decode_global_id(global_id: str, argument: str = "id") -> tuple[str, str]:
    """``(type name, LL2 id as text)``; anything that is not such an id is BAD_USER_INPUT."""
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise bad_input(f"not a global id: {global_id!r}", argument=argument) from None
    type_name, separator, raw = text.partition(":")
    if not separator or not type_name or not raw:
        raise bad_input(f"not a global id: {global_id!r}", argument=argument)
    return type_name, raw


def parse_ll2_id(raw: str, python_type: type, global_id: str, argument: str = "id") -> Any:
    try:
        if python_type is uuid.UUID:
            return uuid.UUID(raw)
        if str(int(raw)) != raw or not 0 < int(raw) <= MAX_ID:
            raise ValueError(raw)
        return int(raw)
    except ValueError:
        raise bad_input(f"not a global id: {global_id!r}", argument=argument) from None


def _signature(keys: Sequence[SortKey]) -> list[str]:
    return [("-" if key.descending else "") + key.column for key in keys]


def encode_cursor(keys: Sequence[SortKey], row: RowMapping) -> str:
    """Opaque: base64 of the ordering and the row's values of its keys (ending with id)."""
    values = [
        v.isoformat() if isinstance(v, datetime) else v for v in docking_events.position(keys, row)
    ]
    text = json.dumps({"o": _signature(keys), "k": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def decode_cursor(cursor: str, keys: Sequence[SortKey], argument: str) -> list[Any]:
    """The key values a cursor holds; BAD_USER_INPUT when it is not one of ours or was made
    for another ordering."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        ordering, raw = data["o"], data["k"]
        if ordering != _signature(keys):
            raise bad_input(
                f"`{argument}` is a cursor of another ordering: keep `ordering` the same for "
                "every page",
                argument=argument,
            )
        if not isinstance(raw, list) or len(raw) != len(keys):
            raise ValueError(raw)
        values: list[Any] = []
        for key, value in zip(keys, raw, strict=True):
            if value is None and key.nulls_first is not None:
                values.append(None)
            elif key.column == "id":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(value)
                if not -(2**31) <= value < 2**31:  # what the database's INTEGER ids hold
                    raise ValueError(value)
                values.append(value)
            else:
                instant = datetime.fromisoformat(value)
                values.append(instant.astimezone(UTC) if instant.tzinfo else instant)
        return values
    except (
        binascii.Error,
        UnicodeError,
        ValueError,
        TypeError,
        KeyError,
        OverflowError,
        RecursionError,
    ):
        raise bad_input(f"`{argument}` is not a cursor of this list", argument=argument) from None
