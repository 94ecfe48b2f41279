"""Plans kept across requests: a plan depends only on the schema, the fields it answers
(their nodes in a parsed document, which the parser cache shares between requests with the
same text) and the variables ``@skip``/``@include`` read, never on other variables or data."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

from gql_server.graphql.planner.plan import ObjectPlan

SIZE = 1024


class PlanCache:
    """Least recently used plans (``None``: the planner is not for those fields). Each entry
    keeps the objects its key names by ``id()`` alive, so no id is reused while it stands."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[Any, ObjectPlan | None]] = OrderedDict()
        self._switches: OrderedDict[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = (
            OrderedDict()
        )

    def get(self, key: Hashable) -> tuple[Any, ObjectPlan | None] | None:
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def put(self, key: Hashable, keep: Any, plan: ObjectPlan | None) -> None:
        self._items[key] = (keep, plan)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def switches(
        self, operation: OperationDefinitionNode, fragments: dict[str, Any]
    ) -> tuple[str, ...]:
        """The variables the operation's ``@skip``/``@include`` directives read."""
        hit = self._switches.get(id(operation))
        if hit is not None and hit[0] is operation:
            return hit[1]
        names: set[str] = set()
        _switch_variables(operation.selection_set, fragments, names, set())
        found = tuple(sorted(names))
        self._switches[id(operation)] = (operation, found)
        while len(self._switches) > self.size:
            self._switches.popitem(last=False)
        return found


def _switch_variables(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, Any],
    names: set[str],
    visited: set[str],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        for directive in selection.directives or ():
            _directive_variables(directive, names)
        if isinstance(selection, FieldNode | InlineFragmentNode):
            _switch_variables(selection.selection_set, fragments, names, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in visited:
                continue
            visited.add(name)
            fragment = fragments.get(name)
            definition = getattr(fragment, "definition", fragment)
            if definition is not None:
                _switch_variables(definition.selection_set, fragments, names, visited)


def _directive_variables(directive: DirectiveNode, names: set[str]) -> None:
    for argument in directive.arguments or ():
        if isinstance(argument.value, VariableNode):
            names.add(argument.value.name.value)


PLANS = PlanCache()
