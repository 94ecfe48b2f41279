"""Statements compiled once for the driver itself (asyncpg, pysqlite), for the reads the
request reader sends past SQLAlchemy: a table's rows by id (``raw_reading``) and the point
lookups' statements of joins (``driver_reading``), each with its values' conversions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Dialect, Table

from gql_server.bytecache import ByteLRU
from gql_server.queries.by_id import rows_by_id_text


class RawReading:
    """A table's rows by id as plain SQL, and how to convert the driver's values."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        columns, self._head = rows_by_id_text(table, dialect)
        self.names = tuple(c.key for c in columns)
        processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
        self._converted = tuple((i, p) for i, p in enumerate(processors) if p is not None)
        bind = table.c.id.type.dialect_impl(dialect).bind_processor(dialect)
        self.bind: Callable[[Any], Any] = bind if bind is not None else _same

    def sql(self, count: int) -> str:
        return self._head + ",".join("?" * count) + ")"

    def row(self, values: Sequence[Any]) -> dict[str, Any]:
        if self._converted:
            values = list(values)
            for i, process in self._converted:
                values[i] = process(values[i])
        return dict(zip(self.names, values, strict=True))


class DriverReading:
    """A statement compiled once for the driver itself (asyncpg, pysqlite): its SQL, its
    parameters' order and bind conversions, its columns' result conversions."""

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        self._compiled = compiled
        self._order = tuple(compiled.positiontup or ())
        self._binds = compiled._bind_processors
        self._dialect = dialect
        self.types = [c.type.dialect_impl(dialect) for c in statement.selected_columns]
        self.converted: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None
        # When every parameter is one the caller must give (no value of its own, no list
        # to expand, its own name): each in order, converted; ``construct_params`` (which
        # also fills in values the statement holds) is skipped. A point read's one ``key``.
        binds = compiled.binds
        plain = not getattr(compiled, "escaped_bind_names", None) and all(
            name in binds
            and binds[name].key == name
            and binds[name].required
            and not binds[name].expanding
            for name in self._order
        )
        self._given: tuple[tuple[str, Callable[[Any], Any] | None], ...] | None = (
            tuple((name, self._binds.get(name)) for name in self._order) if plain else None
        )

    def learn(self, oids: Sequence[int | None]) -> None:
        processors = [
            kind.result_processor(self._dialect, oid)
            for kind, oid in zip(self.types, oids, strict=True)
        ]
        self.converted = tuple((i, p) for i, p in enumerate(processors) if p is not None)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        if self._given is not None:
            return [
                parameters[name] if bind is None else bind(parameters[name])
                for name, bind in self._given
            ]
        values = self._compiled.construct_params(dict(parameters))
        out = []
        for name in self._order:
            value = values[name]
            bind = self._binds.get(name)
            out.append(value if bind is None else bind(value))
        return out

    def row(self, record: Sequence[Any]) -> tuple[Any, ...]:
        if not self.converted:
            return tuple(record)
        values = list(record)
        for i, process in self.converted:
            values[i] = process(values[i])
        return tuple(values)


# The driver-level form of the statements read straight through the driver (point reads,
# one per chain of tables a client's selection follows): kept within a byte budget, at
# about READING_BYTES_PER_COLUMN a result column (tracemalloc: 156 kB for 81 columns).
READING_BYTES_PER_COLUMN = 2_000
READINGS_BYTES = 16 * 1024 * 1024
_READINGS: ByteLRU[tuple[Any, Dialect], DriverReading] = ByteLRU(READINGS_BYTES)


def driver_reading(statement: Any, dialect: Dialect) -> DriverReading:
    key = (statement, dialect)
    found = _READINGS.get(key)
    if found is None:
        found = DriverReading(statement, dialect)
        _READINGS.put(key, found, READING_BYTES_PER_COLUMN * max(1, len(found.types)))
    return found


def _same(value: Any) -> Any:
    return value


@functools.cache
def raw_reading(table: Table, dialect: Dialect) -> RawReading:
    return RawReading(table, dialect)
