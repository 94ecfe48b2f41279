"""The house rule, read from the code itself (``ast``, nothing imported or run):
``queries/`` builds statements, ``db/`` runs them, ``graphql/`` never calls ``select()``;
imports run one way (no circle outside ``graphql/types/``, whose circle through
``strawberry.lazy`` mirrors the schema); the lower layers never import the upper ones.

Every import counts, those inside functions and under ``TYPE_CHECKING`` too: a
function-local import hides a circle from Python, not from a reader.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gql_server"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The package's modules ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield f"{base}.{alias.name}"  # a module of a package
                elif base in known:
                    yield base


@cache
def graph() -> dict[str, frozenset[str]]:
    found = modules()
    known = set(found)
    return {
        name: frozenset(t for t in imports(name, path, known) if t != name)
        for name, path in found.items()
    }


def circles() -> list[frozenset[str]]:
    """The import graph's strongly connected components of more than one module (Tarjan)."""
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def outside_types(circle: frozenset[str]) -> bool:
    return any(not m.startswith("gql_server.graphql.types.") for m in circle)


LOWER = ("gql_server.db", "gql_server.queries", "gql_server.settings")
UPPER = ("gql_server.graphql", "gql_server.http", "gql_server.app", "gql_server.cli")


def within(name: str, layers: tuple[str, ...]) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in layers)


def climbs() -> set[tuple[str, str]]:
    return {
        (source, target)
        for source, targets in graph().items()
        if within(source, LOWER)
        for target in targets
        if within(target, UPPER)
    }


SQL_CALLS = {"select", "text"}
# SQLAlchemy's statement builders: graphql/ may import its result and engine types only.
SQL_BUILDERS = SQL_CALLS | {
    "and_", "bindparam", "case", "cast", "delete", "exists", "func", "insert", "literal",
    "literal_column", "not_", "or_", "over", "tuple_", "union", "union_all", "update",
}  # fmt: skip
# A statement's own composition methods (a statement built further is built here; not
# ``join``, which strings have too).
SQL_METHODS = {
    "add_columns", "group_by", "order_by", "outerjoin", "scalar_subquery",
    "select_from", "subquery", "where", "with_only_columns",
}  # fmt: skip
SQL_WORDS = re.compile(r"\b(SELECT|INSERT INTO|DELETE FROM|UPDATE \w+ SET|WITH RECURSIVE)\s")


def docstrings(module: ast.Module) -> set[int]:
    """The ids of the string nodes that are docstrings (prose may name SQL)."""
    found = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def sql_in(path: Path) -> list[str]:
    """Where ``path`` builds SQL: ``select(``/``text(`` (bare, or ``sqlalchemy.``/``sa.``
    ones), a statement's composition (``.where(``, ``.add_columns(``...), an import of
    SQLAlchemy's builders, or a string holding an SQL statement."""
    module = tree(path)
    prose = docstrings(module)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(module):
        where = f"{shown}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in SQL_CALLS:
                found.append(f"{where} {func.id}(")
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in SQL_CALLS
                and isinstance(func.value, ast.Name)
                and func.value.id in {"sqlalchemy", "sa"}
            ):
                found.append(f"{where} {func.value.id}.{func.attr}(")
            elif isinstance(func, ast.Attribute) and func.attr in SQL_METHODS:
                found.append(f"{where} .{func.attr}(")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            for alias in node.names:
                if alias.name in SQL_BUILDERS:
                    found.append(f"{where} imports {alias.name}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in prose
            and SQL_WORDS.search(node.value)
        ):
            found.append(f"{where} SQL text {node.value[:40]!r}")
    return found


def graphql_sql() -> dict[str, list[str]]:
    return {
        name: found
        for name, path in modules().items()
        if within(name, ("gql_server.graphql",))
        if (found := sql_in(path))
    }


# (a) SQL is built in queries/, never in graphql/.


def test_graphql_builds_no_sql() -> None:
    assert graphql_sql() == {}


def test_the_sql_finder_finds_sql(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Docstrings may say SELECT x FROM y."""\n'
        "import sqlalchemy as sa\n"
        "from sqlalchemy import select\n"
        "a = select(1)\n"
        "b = sa.text('x')\n"
        "c = 'SELECT id FROM docking_event'\n"
        "d = 'select an ordering'\n"
    )
    found = [line.split(" ", 1)[1] for line in sql_in(sample)]
    assert found == [
        "imports select",
        "select(",
        "sa.text(",
        "SQL text 'SELECT id FROM docking_event'",
    ]


# (b) No import circle outside graphql/types/.


def test_no_import_circle_outside_graphql_types() -> None:
    assert [sorted(c) for c in circles() if outside_types(c)] == []


def test_the_circle_finder_sees_function_local_imports() -> None:
    # db/engine.py imported db/migrate.py inside ensure_schema, migrate.py imports
    # engine.py at the top: that was a circle, and would be one again.
    assert "gql_server.db.engine" in graph()["gql_server.db.migrate"]
    assert "gql_server.db.migrate" not in graph()["gql_server.db.engine"]
    assert "gql_server.db.reader" in graph()["gql_server.graphql.context"]


# (c) db/, queries/ and settings.py never import graphql/, http/, app.py or cli.py.


def test_lower_layers_never_import_upper_ones() -> None:
    assert climbs() == set()


# (d) queries/ builds statements on the tables db/models/ declares, and nothing else of db/
# (db/'s engines, reader and version watch run what queries/ builds, so they import it).


def test_queries_read_only_the_tables_of_db() -> None:
    tables = ("gql_server.db.models", "gql_server.db.base")
    assert {
        (source, target)
        for source, targets in graph().items()
        if within(source, ("gql_server.queries",))
        for target in targets
        if within(target, ("gql_server.db",)) and not within(target, tables)
    } == set()


# (e) graphql/ is served by http/ and app.py, and never imports them.


def test_graphql_never_imports_the_web_layer() -> None:
    assert {
        (source, target)
        for source, targets in graph().items()
        if within(source, ("gql_server.graphql",))
        for target in targets
        if within(target, ("gql_server.http", "gql_server.app", "gql_server.cli"))
    } == set()


# (f) Small modules: one concept each. Migrations and data tables may be long.

LONG_ALLOWED = ("gql_server/db/migrations/", "gql_server/synthetic/tables.py")


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if not str(path.relative_to(ROOT)).startswith(LONG_ALLOWED)
        and (lines := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
