"""JSON from clients, read within bounds: how deep arrays and objects nest, and how many
digits a number has. Python's parser recurses (a 2 KB body nested 1,000 deep raised
RecursionError) and turns any run of digits into an int (5,000 digits raised ValueError
past Python's conversion limit): both were 500s. HTTP bodies and URL parameters
(``http/request_parsing.py``) and WebSocket messages (``http/websocket.py``) read through
``loads``; each turns ``JSONRefused`` into its own answer."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson


class JSONRefused(ValueError):
    """``reason`` says what is wrong, for the client: "nests arrays or objects deeper than N
    levels", "has a number of more than N digits", "is not valid JSON"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def loads(raw: str | bytes, *, max_depth: int, max_digits: int) -> Any:
    """``raw`` parsed; JSONRefused when it nests arrays and objects more than ``max_depth``
    deep, holds a number of more than ``max_digits`` digits, ``NaN`` or ``Infinity``, or
    is not JSON.

    orjson reads it first (a request's body costs it a tenth of what json's parser costs
    with the number hooks). Its answer stands when it holds no float: orjson reads an
    integer too large for 64 bits as a float, and a float's digits are not counted after
    the fact, so any float, and anything orjson refuses (a lone surrogate json accepts,
    nesting past its own limit), is read again by json's parser with the exact checks."""
    try:
        fast = orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    else:
        found = _over(fast, max_depth, floats=True)
        if found is None:
            return fast
        if found == "deep":
            raise _too_deep(max_depth)
    return _exact(raw, max_depth=max_depth, max_digits=max_digits)


def _too_deep(max_depth: int) -> JSONRefused:
    return JSONRefused(f"nests arrays or objects deeper than {max_depth} levels")


def _over(value: Any, limit: int, *, floats: bool) -> str | None:
    """Says "deep" when ``value`` nests objects and arrays more than ``limit`` deep, "float"
    (when ``floats``) when it holds a float, else None; iteratively: the depth of the
    value cannot exhaust the stack."""
    if floats and isinstance(value, float):
        return "float"
    if not isinstance(value, dict | list):
        return None
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return "deep"
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif floats and isinstance(child, float):
                return "float"
    return None


def _exact(raw: str | bytes, *, max_depth: int, max_digits: int) -> Any:
    """json's parser, with the number hooks that count digits."""

    def integer(text: str) -> int:
        if len(text.lstrip("-")) > max_digits:
            raise JSONRefused(f"has a number of more than {max_digits} digits")
        return int(text)

    def real(text: str) -> float:
        digits = sum(c.isdigit() for c in text.partition("e")[0].partition("E")[0])
        if digits > max_digits:
            raise JSONRefused(f"has a number of more than {max_digits} digits")
        value = float(text)
        if math.isinf(value):  # `1e999`: a few digits, past any float
            raise JSONRefused(f"has a number out of range ({text[:40]})")
        return value

    def constant(name: str) -> Any:
        raise JSONRefused(f"is not valid JSON ({name} is not a JSON value)")

    if isinstance(raw, bytes):
        # JSON between systems is UTF-8 (RFC 8259, 8.1); json alone would detect UTF-16
        # and UTF-32 (orjson, tried first, refuses them).
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused("is not UTF-8") from None
    try:
        value = json.loads(raw, parse_int=integer, parse_float=real, parse_constant=constant)
    except JSONRefused:
        raise
    except RecursionError:
        raise _too_deep(max_depth) from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
        raise JSONRefused("is not valid JSON") from None
    if _over(value, max_depth, floats=False) == "deep":
        raise _too_deep(max_depth)
    return value
