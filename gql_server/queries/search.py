"""The SQL side of the LL2 search: every folded term must occur in the stored document.

Each term is a substring test (``LIKE '%term%'``, with ``%``, ``_`` and the escape character
escaped: they are literal). On PostgreSQL a pg_trgm GIN index serves that test as it is; on
SQLite the event documents have an FTS5 trigram table, so a term of three characters or more
first narrows the events through it (then the LIKE keeps the exact semantics).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    and_,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from gql_server.search_terms import folded_terms, unmatchable

FTS_TABLE = "docking_event_search"
TRIGRAM = 3  # FTS5's trigram tokenizer matches substrings of at least this many characters


class IndexedContains(ColumnElement[bool]):
    """``document LIKE '%term%'``, narrowed first through SQLite's FTS5 table when there is
    one for the document and the term is long enough; plain LIKE on other dialects."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [
        ("like", InternalTraversal.dp_clauseelement),
        ("narrowed", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, like: ColumnElement[bool], narrowed: ColumnElement[bool]) -> None:
        self.like = like
        self.narrowed = narrowed


@compiles(IndexedContains)
def _compile_default(element: IndexedContains, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.like, **kw)


@compiles(IndexedContains, "sqlite")
def _compile_sqlite(element: IndexedContains, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.narrowed, **kw)


def _phrase(term: str) -> str:
    """An FTS5 string literal: the term as one phrase, quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


class _DialectChoice(ColumnElement[int]):
    """``sqlite`` on SQLite, ``default`` on other dialects."""

    type = Integer()
    inherit_cache = True
    _traverse_internals = [
        ("default", InternalTraversal.dp_clauseelement),
        ("sqlite", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, default: ColumnElement[int], sqlite: ColumnElement[int]) -> None:
        self.default = default
        self.sqlite = sqlite


@compiles(_DialectChoice)
def _compile_choice_default(element: _DialectChoice, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.default, **kw)


@compiles(_DialectChoice, "sqlite")
def _compile_choice_sqlite(element: _DialectChoice, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)


def candidate_count(search: str | None, cap: int) -> ColumnElement[int]:
    """At least the number of docking events the search can match, read from the search
    index alone, up to ``cap + 1`` (then: "more than ``cap``"): on SQLite, the FTS5 table's
    rowids for the longest term (every match holds it; counting them reads no event). Where
    there is no such count (other dialects, terms under three characters), ``cap + 1``."""
    many = literal(cap + 1, Integer())
    terms = [term for term in folded_terms(search) if len(term) >= TRIGRAM]
    if not terms or unmatchable(terms):
        return many
    longest = max(terms, key=len)
    rowids = (
        select(literal_column("rowid"))
        .select_from(table(FTS_TABLE))
        .where(text(f"{FTS_TABLE} MATCH :candidates").bindparams(candidates=_phrase(longest)))
        .limit(cap + 1)
        .subquery("candidates")
    )
    counted = select(func.count()).select_from(rowids).scalar_subquery()
    return _DialectChoice(many, counted)


def search_conditions(
    document: ColumnElement[Any], search: str | None, *, rowid: ColumnElement[Any] | None = None
) -> list[ColumnElement[bool]]:
    """One condition per term; ``rowid``: the column the FTS5 table's rowid mirrors (only
    the docking events' documents have one)."""
    terms = folded_terms(search)
    if unmatchable(terms):
        return [false()]
    conditions: list[ColumnElement[bool]] = []
    for term in dict.fromkeys(terms):  # a repeated term adds nothing
        like = document.contains(term, autoescape=True)
        # SQLite refuses LIKE patterns over 50,000 bytes; instr() is the same substring
        # test (both sides are folded) without that limit.
        found = func.instr(document, term) > 0
        if rowid is None or len(term) < TRIGRAM:
            conditions.append(IndexedContains(like, found))
            continue
        matches = (
            select(literal_column("rowid"))
            .select_from(table(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=_phrase(term)))
        )
        conditions.append(IndexedContains(like, rowid.in_(matches) & found))
    if len(conditions) > _FLAT_TERMS:
        # SQLite parses `a AND b AND ...` into a tree as deep as the list is long and
        # refuses depths over 1,000: nest the terms as a balanced tree instead.
        return [_all(conditions)]
    return conditions


_FLAT_TERMS = 64


class _Parenthesized(ColumnElement[bool]):
    """``(inner)``: keeps SQLAlchemy from flattening nested ANDs into one list."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [("inner", InternalTraversal.dp_clauseelement)]

    def __init__(self, inner: ColumnElement[bool]) -> None:
        self.inner = inner


@compiles(_Parenthesized)
def _compile_parenthesized(element: _Parenthesized, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + compiler.process(element.inner, **kw) + ")"


def _all(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    if len(conditions) <= 2:
        return and_(*conditions)
    middle = len(conditions) // 2
    return and_(
        _Parenthesized(_all(conditions[:middle])), _Parenthesized(_all(conditions[middle:]))
    )
