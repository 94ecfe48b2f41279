"""Reading ``GQL_*`` environment variables: the one set of parsers every setting goes through.

Each reader takes the environment (a mapping), the variable's name and its default; an
unset or blank variable is the default. A value that cannot be read is refused with a
``ValueError`` naming the variable, what it takes and what it got: junk is never read as
some value (``GQL_TRACING=ture`` must not silently mean "off").

This module is on the ground floor: it imports nothing of the project, so that
``settings.py`` and anything below it can use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any, TypeVar

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
T = TypeVar("T")


def _raw(env: Mapping[str, str], name: str) -> str | None:
    """The variable's value, or None when it is unset or blank (then the default holds)."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    return raw


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A boolean: 1/0, true/false, yes/no, on/off (any case)."""
    raw = _raw(env, name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {raw!r}")


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of 1 or more (a count, a size, a maximum)."""
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def byte_size(env: Mapping[str, str], name: str, default: int) -> int:
    """A number of bytes (or seconds, or entries) of 0 or more; 0 usually turns a thing off."""
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of bytes, got {raw!r}") from None
    if size < 0:
        raise ValueError(f"{name} must be a number of bytes >= 0, got {raw!r}")
    return size


def seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration: a finite number of seconds greater than 0."""
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {raw!r}")
    return value


def choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    """One word of ``allowed`` (any case)."""
    raw = _raw(env, name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return word


def dataclass_from_env(cls: type[T], env: Mapping[str, str], prefix: str = "GQL_") -> T:
    """An instance of the frozen dataclass ``cls`` whose every field is read from
    ``<prefix><FIELD NAME>`` by the reader its default's type calls for: a bool by
    ``flag``, an int by ``positive_int``, a float by ``seconds``."""
    values: dict[str, Any] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        assert item.default is not MISSING, f"{cls.__name__}.{item.name} needs a default"
        name = f"{prefix}{item.name.upper()}"
        default = item.default
        if isinstance(default, bool):
            values[item.name] = flag(env, name, default)
        elif isinstance(default, int):
            values[item.name] = positive_int(env, name, default)
        elif isinstance(default, float):
            values[item.name] = seconds(env, name, default)
        else:  # pragma: no cover - a field of a new kind needs a reader here
            raise TypeError(f"no reader for {cls.__name__}.{item.name}: {type(default)}")
    return cls(**values)
