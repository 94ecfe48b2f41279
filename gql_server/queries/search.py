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
    Select,
    String,
    and_,
    bindparam,
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
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.visitors import InternalTraversal

from gql_server.search_terms import folded_terms, unmatchable

FTS_TABLE = "docking_event_search"
TRIGRAM = 3  # FTS5's trigram tokenizer matches substrings of at least this many characters
# The FTS5 table's rowid is an order key, ``bucket * ID_ROOM + id`` (migration 0008): ids
# are positive 32-bit integers (``ingest/values.py``), and the remainder is the event's id.
ID_ROOM = 2**31


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

    def self_group(self, against: Any = None) -> ColumnElement[Any]:
        # A condition as it is (parenthesized when compiled), not ``(...) = 1``, which
        # SQLAlchemy makes of a boolean element on SQLite: SQLite cannot read an
        # ``id IN (...)`` through the primary key once it is compared with 1.
        return self


@compiles(IndexedContains)
def _compile_default(element: IndexedContains, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + compiler.process(element.like, **kw) + ")"


@compiles(IndexedContains, "sqlite")
def _compile_sqlite(element: IndexedContains, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + compiler.process(element.narrowed, **kw) + ")"


def phrase(term: str) -> str:
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


def candidate_count(search: str | None, cap: int, *, named: bool = False) -> ColumnElement[int]:
    """At least the number of docking events the search can match, read from the search
    index alone, up to ``cap + 1`` (then: "more than ``cap``"): on SQLite, the FTS5 table's
    rowids for the longest term (every match holds it; counting them reads no event). Where
    there is no such count (other dialects, terms under three characters), ``cap + 1``.
    ``named``: the term is the ``search_longest`` parameter (``search_parameters``)."""
    many = literal(cap + 1, Integer())
    terms = [term for term in folded_terms(search) if len(term) >= TRIGRAM]
    if not terms or unmatchable(terms):
        return many
    longest = max(terms, key=len)
    match = text(f"{FTS_TABLE} MATCH :{LONGEST if named else 'candidates'}")
    if named:
        match = match.bindparams(bindparam(LONGEST, type_=String()))
    else:
        match = match.bindparams(candidates=phrase(longest))
    rowids = (
        select(literal_column("rowid"))
        .select_from(table(FTS_TABLE))
        .where(match)
        .limit(cap + 1)
        .subquery("candidates")
    )
    counted = select(func.count()).select_from(rowids).scalar_subquery()
    return _DialectChoice(many, counted)


LONGEST = "search_longest"
# PostgreSQL's walk (``search_walk``): the longest piece of a term between spaces, as a LIKE
# pattern's middle, for the words of the search postings that contain it (migration 0009).
PIECE = "search_piece"


def walk_piece(terms: list[str]) -> str:
    """The longest piece of ``terms`` between spaces: a document holds it only within one
    of its words (words are split on spaces and the field separator, which no term that
    can match holds), so the events of the words that contain it hold every match."""
    return max((piece for term in terms for piece in term.split(" ")), key=len)


def search_shape(search: str | None) -> tuple[Any, ...] | None:
    """What of a search decides the statements ``named=True`` builds (their parameters
    apart): none, a term that cannot match, or each distinct term's kind (three characters
    or more: the FTS5 table narrows it; a space in it: PostgreSQL's walk finds its events
    by a piece of it)."""
    terms = folded_terms(search)
    if not terms:
        return None
    if unmatchable(terms):
        return ("unmatchable",)
    return tuple((len(term) >= TRIGRAM, " " in term) for term in dict.fromkeys(terms))


def search_parameters(search: str | None) -> dict[str, Any]:
    """The values of the parameters ``named=True`` statements take for ``search``."""
    terms = folded_terms(search)
    if not terms or unmatchable(terms):
        return {}
    values: dict[str, Any] = {}
    for index, term in enumerate(dict.fromkeys(terms)):
        values[f"search_{index}_like"] = like_escaped(term)
        values[f"search_{index}_raw"] = term
        values[f"search_{index}_phrase"] = phrase(term)
    long_enough = [term for term in terms if len(term) >= TRIGRAM]
    if long_enough:
        values[LONGEST] = phrase(max(long_enough, key=len))
        values[PIECE] = like_escaped(walk_piece(terms))
    return values


def like_escaped(term: str) -> str:
    """``term`` for ``LIKE '%' || term || '%' ESCAPE '/'``: its ``/``, ``%``, ``_`` literal
    (as SQLAlchemy's ``autoescape``)."""
    return term.replace("/", "//").replace("%", "/%").replace("_", "/_")


def search_conditions(
    document: ColumnElement[Any],
    search: str | None,
    *,
    rowid: ColumnElement[Any] | None = None,
    named: bool = False,
) -> list[ColumnElement[bool]]:
    """One condition per term; ``rowid``: the column the FTS5 table's rowid mirrors (only
    the docking events' documents have one). ``named``: each term's values are parameters
    named by its place (``search_parameters`` gives them), so one statement serves every
    search of the same ``search_shape``."""
    terms = folded_terms(search)
    if unmatchable(terms):
        return [false()]
    conditions: list[ColumnElement[bool]] = []
    for index, term in enumerate(dict.fromkeys(terms)):  # a repeated term adds nothing
        if named:
            like = document.contains(bindparam(f"search_{index}_like", type_=String()), escape="/")
            raw: Any = bindparam(f"search_{index}_raw", type_=String())
            quoted: Any = bindparam(f"search_{index}_phrase", type_=String())
        else:
            like = document.contains(term, autoescape=True)
            raw, quoted = term, None
        # SQLite refuses LIKE patterns over 50,000 bytes; instr() is the same substring
        # test (both sides are folded) without that limit.
        found = func.instr(document, raw) > 0
        if rowid is None or len(term) < TRIGRAM:
            conditions.append(IndexedContains(like, found))
            continue
        match: TextClause
        if quoted is None:  # a unique parameter of its own (TextClause's binds are)
            match = text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=phrase(term))
        else:
            match = text(f"{FTS_TABLE} MATCH :{quoted.key}").bindparams(quoted)
        # The table's rowid is an order key whose remainder is the event's id (migration
        # 0008, ``search_walk``).
        matches: Select[Any] = (
            select(literal_column(f"rowid % {ID_ROOM}")).select_from(table(FTS_TABLE)).where(match)
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
