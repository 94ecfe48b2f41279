"""The direct lane's answer built by Python code made for its plan (as graphql-jit makes
JavaScript for a graphql-js query): the one-statement read's result row goes straight into
the response's dicts.

The planner's way (``PlanState.prefetch_point``, then ``PlanState.build``) splits the row
into one dict per table, builds a row object of each, keeps them in the request's row
store and then walks the plan, calling each field plan's ``value``: at a point lookup's
size, that walk cost about as much as the statement itself. The code made here reads each
selected column from its place in the row, tests it for null, serializes it with the
field's own serializer, and builds a referenced row's selection where the referencing
column and the referenced row's id are set: what those steps compute, without the
objects in between. A field computed by a resolver (not a column) gets the row object
built from the row's columns, as the planner would build it.

It raises ``Unplannable`` where the planner's build would (a null in a non-null field, a
value its scalar refuses), and the direct lane then answers the way it did before
(``compiled/direct.py``). Tests compare its answers with the full way's, byte for byte
(``compiled_check``, on in every test app); plans it does not cover (a field plan of
another kind, a layout it does not recognise) get no code, and the planner builds them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from gql_server.graphql.planner.plan import (
    Alternatives,
    Leaf,
    ObjectPlan,
    Reference,
    Typename,
    Unplannable,
)
from gql_server.graphql.planner.point import PointRead, chain_walk

Build = Callable[[Sequence[Any]], dict[str, Any]]
NULL = "null in a non-null field"
# What the made code takes in memory per character of its source, about (tracemalloc: 2.2
# to 3.4 bytes for 1,700 to 4,200 characters, W3's point lookup and wider ones).
BYTES_PER_SOURCE_CHARACTER = 4


class _Unsupported(Exception):
    """A plan or a layout the code maker does not cover."""


def point_code(plan: ObjectPlan, read: PointRead) -> tuple[Build, int] | None:
    """The code that builds ``plan``'s value from ``read``'s result row (``read`` must be
    ``point_read(plan)``) and the bytes to account it at, or None when it does not cover
    the plan."""
    try:
        return _Maker(plan, read).make()
    except _Unsupported:
        return None


class _Maker:
    def __init__(self, plan: ObjectPlan, read: PointRead) -> None:
        self.read = read
        self.names: dict[str, Any] = {"U": Unplannable, "NULL": NULL}
        self.lines: list[str] = []
        self.counter = itertools.count()
        # Each node's plan, in the read's order (``chain_walk``, which the read was made
        # from), and the node each of a node's edges leads to.
        walked = chain_walk(plan)
        if walked is None:
            raise _Unsupported("not a chain of to-one rows")
        self.plans = [current for current, _, _ in walked]
        self.below: dict[tuple[int, str, int], int] = {
            (parent, column, id(current)): index
            for index, (current, parent, column) in enumerate(walked)
            if parent is not None and column is not None
        }
        nodes = read.nodes
        if len(nodes) != len(self.plans) or any(
            node.table is not p.table or node.cls is not p.cls
            for node, p in zip(nodes, self.plans, strict=True)
        ):
            raise _Unsupported("the read's layout is not the plan's")

    def make(self) -> tuple[Build, int]:
        for index in range(len(self.plans)):
            self._node(index)
        source = "\n".join(self.lines)
        namespace = dict(self.names)
        # Our own source, from the plan: field keys are GraphQL names (written with repr),
        # every other value is passed in ``namespace``, never written into the text.
        exec(compile(source, "<point code>", "exec"), namespace)
        built: Build = namespace["n0"]
        return built, BYTES_PER_SOURCE_CHARACTER * len(source)

    def _constant(self, value: Any) -> str:
        name = f"c{next(self.counter)}"
        self.names[name] = value
        return name

    def _at(self, index: int, column: str) -> int:
        node = self.read.nodes[index]
        if column not in node.names:
            raise _Unsupported(f"{column} is not read")
        return node.start + node.names.index(column)

    def _node(self, index: int) -> None:
        """``def n{index}(v)``: the value of node ``index``'s plan from the row ``v``."""
        plan, node = self.plans[index], self.read.nodes[index]
        out = [f"def n{index}(v):", "    o = {}"]
        if any(isinstance(f, Leaf) and f.column is None for f in plan.fields):
            # A resolver's field: it reads the row object, built as the planner builds it.
            cls, names = self._constant(node.cls), self._constant(node.names)
            end = node.start + len(node.names)
            out.append(f"    r = {cls}.from_row(dict(zip({names}, v[{node.start}:{end}])))")
        for f in plan.fields:
            key = repr(f.key)
            if isinstance(f, Typename):
                out.append(f"    o[{key}] = {f.name!r}")
            elif isinstance(f, Leaf):
                get = (
                    f"v[{self._at(index, f.column)}]"
                    if f.column
                    else f"{self._constant(f.compute)}(r)"
                )
                out += _leaf(key, get, self._constant(f.serialize), f.non_null, "    ")
            elif isinstance(f, Reference):
                out += self._options(index, key, [(f.column, f.target)], f.keyed, f.non_null)
            elif isinstance(f, Alternatives):
                out += self._options(index, key, f.options, f.keyed, f.non_null)
            else:
                raise _Unsupported(type(f).__name__)
        out.append("    return o")
        self.lines += out

    def _options(
        self,
        index: int,
        key: str,
        options: Sequence[tuple[str, ObjectPlan]],
        keyed: bool,
        non_null: bool,
    ) -> list[str]:
        """A reference (one option) or a union's members: the first option whose column is
        set decides; a column set to a row that is missing gives null, as the planner's
        ``Alternatives`` does."""
        lines: list[str] = []
        indent = "    "
        for column, target in options:
            lines.append(f"{indent}x = v[{self._at(index, column)}]")
            lines.append(f"{indent}if x is not None:")
            if keyed:
                lines += self._keyed(key, target, indent + "    ")
            else:
                below = self.below.get((index, column, id(target)))
                if below is None:
                    raise _Unsupported("a reference the read does not join")
                here = self.read.nodes[below].id_at
                lines.append(f"{indent}    if v[{here}] is not None:")
                lines.append(f"{indent}        o[{key}] = n{below}(v)")
                lines.append(f"{indent}    else:")
                lines += _null(key, non_null, indent + "        ")
            lines.append(f"{indent}else:")
            indent += "    "
        lines += _null(key, non_null, indent)
        return lines

    def _keyed(self, key: str, target: ObjectPlan, indent: str) -> list[str]:
        """A referenced row's selection of its id and ``__typename`` alone: from the
        referencing column's value ``x`` (the row is not read)."""
        lines = [f"{indent}t = {{}}"]
        for f in target.fields:
            name = repr(f.key)
            if isinstance(f, Typename):
                lines.append(f"{indent}t[{name}] = {f.name!r}")
            elif isinstance(f, Leaf) and f.column == "id":
                lines.append(f"{indent}t[{name}] = {self._constant(f.serialize)}(x)")
            else:
                raise _Unsupported("a keyed selection of more than the id")
        lines.append(f"{indent}o[{key}] = t")
        return lines


def _leaf(key: str, get: str, serialize: str, non_null: bool, indent: str) -> list[str]:
    return [
        f"{indent}x = {get}",
        f"{indent}if x is None:",
        *_null(key, non_null, indent + "    "),
        f"{indent}else:",
        f"{indent}    o[{key}] = {serialize}(x)",
    ]


def _null(key: str, non_null: bool, indent: str) -> list[str]:
    return [f"{indent}raise U(NULL)" if non_null else f"{indent}o[{key}] = None"]
