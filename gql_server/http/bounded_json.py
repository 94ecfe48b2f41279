"""JSON from clients, read within bounds: how deep arrays and objects nest, and how many
digits a number has. Python's parser recurses (a 2 KB body nested 1,000 deep raised
RecursionError) and turns any run of digits into an int (5,000 digits raised ValueError
past Python's conversion limit): both were 500s. HTTP bodies and URL parameters
(``http/request_parsing.py``) and WebSocket messages (``http/websocket.py``) read through
``loads``; each turns ``JSONRefused`` into its own answer."""

from __future__ import annotations

import json
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
        verdict = _shape_over(fast, max_depth)
        if verdict is False:
            return fast
        if verdict == "deep":
            raise JSONRefused(f"nests arrays or objects deeper than {max_depth} levels")
    return _exact(raw, max_depth=max_depth, max_digits=max_digits)


def _shape_over(value: Any, limit: int) -> bool | str:
    """False: within ``limit`` levels and no float; "deep": deeper; True: a float."""
    if isinstance(value, float):
        return True
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return "deep"
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif isinstance(child, float):
                return True
    return False


def _exact(raw: str | bytes, *, max_depth: int, max_digits: int) -> Any:

    def integer(text: str) -> int:
        if len(text.lstrip("-")) > max_digits:
            raise JSONRefused(f"has a number of more than {max_digits} digits")
        return int(text)

    def real(text: str) -> float:
        digits = sum(c.isdigit() for c in text.partition("e")[0].partition("E")[0])
        if digits > max_digits:
            raise JSONRefused(f"has a number of more than {max_digits} digits")
        return float(text)

    def constant(name: str) -> Any:
        raise JSONRefused(f"is not valid JSON ({name} is not a JSON value)")

    too_deep = JSONRefused(f"nests arrays or objects deeper than {max_depth} levels")
    try:
        value = json.loads(raw, parse_int=integer, parse_float=real, parse_constant=constant)
    except JSONRefused:
        raise
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
        raise JSONRefused("is not valid JSON") from None
    if depth_over(value, max_depth):
        raise too_deep
    return value


def depth_over(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` deep (iteratively:
    the depth of the value cannot exhaust the stack)."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
