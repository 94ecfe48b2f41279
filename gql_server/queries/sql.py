"""Small SQL functions written once for SQLite and PostgreSQL, so both answer identically."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _utc_part(FunctionElement[int]):
    """A calendar field of an instant column, in UTC (SQLite stores naive UTC text;
    PostgreSQL's ``EXTRACT`` on ``timestamptz`` would use the session time zone, so the
    instant is first turned into a UTC wall-clock ``timestamp``)."""

    type = Integer()
    inherit_cache = True
    strftime = ""  # SQLite's format of the field
    extract = ""  # PostgreSQL's EXTRACT field


class utc_year(_utc_part):
    """The UTC calendar year of an instant column."""

    inherit_cache = True
    strftime, extract = "%Y", "YEAR"


class utc_month(_utc_part):
    """The UTC month (1 to 12) of an instant column."""

    inherit_cache = True
    strftime, extract = "%m", "MONTH"


class utc_day(_utc_part):
    """The UTC day of the month (1 to 31) of an instant column."""

    inherit_cache = True
    strftime, extract = "%d", "DAY"


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970-01-01T00:00:00Z of an instant column (fraction dropped)."""

    type = Integer()
    inherit_cache = True


@compiles(_utc_part, "sqlite")
def _utc_part_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"CAST(strftime('{element.strftime}', {value}) AS INTEGER)"


@compiles(_utc_part, "postgresql")
def _utc_part_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT({element.extract} FROM ({value}) AT TIME ZONE 'UTC') AS INTEGER)"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"
