"""What a resolver's own field selects, one level down: enough for a resolver to skip
or share work (a page whose `count` and `results` are both asked)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)

from gql_server.graphql.context import Info


def selected_names(info: Info) -> frozenset[str]:
    """The names of the fields selected directly under the field being resolved, through
    fragments, with ``@skip``/``@include`` applied as execution applies them."""
    raw = info._raw_info
    variables: Mapping[str, Any] = getattr(raw.variable_values, "coerced", raw.variable_values)
    names: set[str] = set()
    visited: set[str] = set()

    def visit(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if (
                _condition(selection, "skip", variables)
                or _condition(selection, "include", variables) is False
            ):
                continue
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                visit(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = raw.fragments.get(name)
                if fragment is not None and name not in visited:
                    visited.add(name)
                    visit(getattr(fragment, "definition", fragment).selection_set)

    for node in raw.field_nodes:
        if node.selection_set is not None:
            visit(node.selection_set)
    return frozenset(names)


def _condition(node: Any, directive: str, variables: Mapping[str, Any]) -> bool | None:
    """The ``if`` of the node's ``@skip`` or ``@include`` (validation made it a Boolean!
    literal or variable), None when the directive is absent."""
    for found in node.directives or ():
        if found.name.value == directive:
            (argument,) = [a for a in found.arguments if a.name.value == "if"]
            value = argument.value
            if isinstance(value, VariableNode):
                return bool(variables[value.name.value])
            return bool(value.value)
    return None
