"""Plans kept across requests: a plan depends only on the schema, the fields it answers
(their nodes in a parsed document, which the parser cache shares between requests with the
same text) and the variables ``@skip``/``@include`` read, never on other variables or data."""

from __future__ import annotations

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

from gql_server.bytecache import ByteLRU
from gql_server.graphql.documents import TOKEN_BYTES
from gql_server.graphql.planner.plan import ObjectPlan

PLAN_BYTES = 2_000  # a plan's own objects, about


class PlanCache:
    """Least recently used plans (``None``: the planner is not for those fields), within a
    byte budget. Each entry keeps the objects its key names by ``id()`` alive, so no id is
    reused while it stands; those are nodes of a parsed document, which keep the whole
    document alive, so an entry is accounted at its document's size."""

    def __init__(self, budget_bytes: int) -> None:
        self._items: ByteLRU[Hashable, tuple[Any, ObjectPlan | None]] = ByteLRU(budget_bytes)
        self._switches: ByteLRU[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = ByteLRU(
            budget_bytes
        )

    @property
    def bytes(self) -> int:
        return self._items.bytes + self._switches.bytes

    def get(self, key: Hashable) -> tuple[Any, ObjectPlan | None] | None:
        return self._items.get(key)

    def put(self, key: Hashable, keep: Any, plan: ObjectPlan | None, document_bytes: int) -> None:
        self._items.put(key, (keep, plan), PLAN_BYTES + document_bytes)

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
        self._switches.put(id(operation), (operation, found), operation_bytes(operation))
        return found


def operation_bytes(operation: OperationDefinitionNode) -> int:
    """What the document holding ``operation`` costs to keep (see graphql/documents.py)."""
    loc = operation.loc
    if loc is None:
        return 0
    tokens = 0
    token = loc.start_token
    while token.prev is not None:
        token = token.prev
    while token is not None:
        tokens += 1
        token = token.next
    return 2 * len(loc.source.body) + TOKEN_BYTES * tokens


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
