"""Pure: one JSON value checked and converted to the Python type its column declares
(``convert``), or refused with a message (``BadValue``) the caller gives its JSON path."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

# GraphQL's Int and PostgreSQL's integer are 32-bit: a larger value is refused here, with its
# JSON path, rather than by the database (without one) or at serving time.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class BadValue(Exception):
    """A value of the wrong type; the caller adds the JSON path."""

    def __init__(self, message: str) -> None:
        self.message = message


def convert(value: Any, kind: type) -> Any:
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
            raise BadValue(f"integer out of range: {value}")
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if number == number and number not in (float("inf"), float("-inf")):
                return number
    elif kind is str:
        if value_type is str:
            if "\x00" in value:
                raise BadValue("text must not contain NUL characters")
            if _SURROGATE.search(value):
                # JSON may escape one ("\ud800"); no database can store it as text.
                raise BadValue("text must not contain lone surrogates")
            return value
    elif kind is datetime:
        if value_type is str:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                raise BadValue(f"expected an ISO 8601 date-time, got {value!r}") from None
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            try:
                parsed.astimezone(UTC)  # stored in UTC: 0001-01-01T00:00+01:00 has no UTC
            except OverflowError:
                raise BadValue(f"date-time out of range in UTC: {value!r}") from None
            return parsed
        raise BadValue(f"expected an ISO 8601 date-time string, got {kind_of(value)}")
    elif kind is date:
        if value_type is str:
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise BadValue(f"expected a date (YYYY-MM-DD), got {value!r}") from None
    elif kind is uuid.UUID:
        if value_type is str:
            try:
                return uuid.UUID(value)
            except ValueError:
                raise BadValue(f"expected a UUID, got {value!r}") from None
    else:  # pragma: no cover - a model declared a type this module does not know
        raise TypeError(f"no JSON conversion for {kind}")
    raise BadValue(f"expected {_NAMES[kind]}, got {kind_of(value)}")


_SURROGATE = re.compile("[\ud800-\udfff]")

_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    date: "a date string",
    uuid.UUID: "a UUID string",
}


def kind_of(value: Any) -> str:
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
