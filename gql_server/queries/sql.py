"""Small SQL functions written once for SQLite and PostgreSQL, so both answer identically."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_year(FunctionElement[int]):
    """The UTC calendar year of an instant column (SQLite stores naive UTC text;
    PostgreSQL's ``EXTRACT`` on ``timestamptz`` would use the session time zone)."""

    type = Integer()
    inherit_cache = True


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970-01-01T00:00:00Z of an instant column (fraction dropped)."""

    type = Integer()
    inherit_cache = True


@compiles(utc_year, "sqlite")
def _utc_year_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%Y', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(utc_year, "postgresql")
def _utc_year_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return (
        "CAST(EXTRACT(YEAR FROM "
        f"({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC') AS INTEGER)"
    )


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"
