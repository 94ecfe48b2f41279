"""What an operation may cost, measured before it runs, in time linear in the document.

The price of a field is 1 plus what it selects times the number of items it can serve:

- a page (`limit`) or a connection (`first`/`last`) serves what its argument asks for, the
  default page size when the argument is null or omitted (as the resolver does), at most
  the largest page the resolver accepts; the page's own list (`results`, `edges`) is not
  multiplied again;
- `nodes(ids:)` serves one object per id;
- `dockingStats` serves one bucket per combination of its group keys that occurs, at most
  ``max_stats_buckets`` (the resolver refuses more), and reads every matching event
  (``STATS_SCAN``);
- every search term is a substring scan (``SEARCH_TERM``); more than ``max_search_terms``
  distinct terms are refused;
- any other list has a declared upper size in ``LIST_SIZES``. A test walks the schema and
  fails for a list field priced by none of these rules, so a new field cannot slip through.

Fragments are measured once per (fragment, type it is spread on, sizing) and their
measures reused wherever they are spread, so a chain of fragments that each spread the
next twice costs the walk a few steps per fragment, not two to the power of the chain's
length. The walk also stops when it has visited ``max_selections`` selections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    value_from_ast,
)
from graphql.language import Visitor, visit

from gql_server.graphql.errors import BAD_USER_INPUT
from gql_server.graphql.paging import DEFAULT_LIMIT, MAX_LIMIT
from gql_server.search_terms import split_terms

# Lists no argument sizes: the most items one parent holds in LL2's data (with room to
# spare). tests/graphql/test_cost.py checks the seed and generated data stay within them.
LIST_SIZES: dict[tuple[str, str], int] = {
    ("Agency", "country"): 4,
    ("Agency", "spacecraftConfigs"): 60,
    ("Image", "variants"): 12,
    ("Payload", "program"): 8,
    ("SpaceStation", "owners"): 8,
    ("SpaceStation", "dockingLocations"): 40,
    ("SpaceStation", "dockedAt"): 100,  # events missing a departure stay "docked"
    ("SpacecraftConfig", "family"): 4,
}
# A page's list: the field that returned the page (its `limit`, `first` or `last`) sized it.
SIZED_BY_PARENT = {"results", "edges"}
SEARCH_TERM = 1_000  # one substring scan over the searched documents
STATS_SCAN = 20_000  # dockingStats reads every matching event
# The most buckets each `groupBy` key can make on its own (LL2 has ~20 stations, ~150
# ports, 1971 onwards, 3 chaser kinds, ~100 agencies that fly to stations).
STATS_KEY_BUCKETS = {
    "STATION": 50,
    "DOCKING_LOCATION": 400,
    "YEAR": 100,
    "CHASER_KIND": 3,
    "CHASER_AGENCY": 200,
}


class Budget(Protocol):
    """The limits the walk reads (``gql_server.settings.Limits`` has them)."""

    @property
    def max_selections(self) -> int: ...
    @property
    def max_search_terms(self) -> int: ...
    @property
    def max_stats_buckets(self) -> int: ...


class Refused(Exception):
    """The walk stopped: an argument no request may carry (``code`` tells which kind)."""

    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extensions = extensions


class TooManySelections(Exception):
    """The walk visited more selections than it may."""

    def __init__(self, maximum: int) -> None:
        super().__init__(maximum)
        self.maximum = maximum


@dataclass
class Measures:
    """An operation's measures. ``depth``: nested selection sets; ``aliases``, ``fields``:
    as if every fragment were written out where it is spread."""

    depth: int = 0
    aliases: int = 0
    root_fields: int = 0
    cost: int = 0
    selections: int = 0  # selections the walk visited (each fragment once per use site kind)


@dataclass(frozen=True)
class _Level:
    """The measures of one selection set's fields (fragments merged in)."""

    cost: int
    depth: int  # the deepest nested selection set below this level (0: none)
    aliases: int
    fields: int


class Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: Budget,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.max_selections = limits.max_selections
        self.visited = 0
        self._memo: dict[tuple[str, str, bool], _Level] = {}
        self._open: set[tuple[str, str, bool]] = set()

    def measure(self, operation: OperationDefinitionNode) -> Measures:
        root = self.schema.get_root_type(operation.operation)
        level = self.level(operation.selection_set, root, sized=False)
        return Measures(
            depth=1 + level.depth,
            aliases=level.aliases,
            root_fields=level.fields,
            cost=level.cost,
            selections=self.visited,
        )

    def level(self, selection_set: SelectionSetNode, owner: Any, sized: bool) -> _Level:
        cost = depth = aliases = count = 0
        for selection in selection_set.selections:
            self.visited += 1
            if self.visited > self.max_selections:
                raise TooManySelections(self.max_selections)
            if isinstance(selection, FieldNode):
                part = self.field(selection, owner, sized)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else owner
                part = self.level(selection.selection_set, target, sized)
            elif isinstance(selection, FragmentSpreadNode):
                part = self.spread(selection.name.value, sized)
            else:  # pragma: no cover - graphql-core has no other selection kind
                continue
            cost += part.cost
            depth = max(depth, part.depth)
            aliases += part.aliases
            count += part.fields
        return _Level(cost, depth, aliases, count)

    def spread(self, name: str, sized: bool) -> _Level:
        fragment = self.fragments.get(name)
        if fragment is None:
            return _Level(0, 0, 0, 0)
        target = self.schema.get_type(fragment.type_condition.name.value)
        key = (name, getattr(target, "name", ""), sized)
        known = self._memo.get(key)
        if known is not None:
            return known
        if key in self._open:  # a cycle: validation refuses it before this walk runs
            return _Level(0, 0, 0, 0)
        self._open.add(key)
        try:
            level = self.level(fragment.selection_set, target, sized)
        finally:
            self._open.discard(key)
        self._memo[key] = level
        return level

    def field(self, node: FieldNode, owner: Any, sized: bool) -> _Level:
        aliases = 1 if node.alias is not None else 0
        name = node.name.value
        if name == "__typename":
            return _Level(0, 0, aliases, 1)
        if (
            name.startswith("__")
            or not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType)
            or owner.name.startswith("__")
        ):
            # Introspection: its nesting is the schema's (GraphiQL's own query is deeper
            # than any data query needs), so it is left out of the depth; its fields count
            # once each as written out, so fragments cannot multiply it unseen.
            if node.selection_set is None:
                return _Level(1, 0, aliases, 1)
            inner = self.level(node.selection_set, None, sized=False)
            return _Level(1 + inner.cost, 0, aliases + inner.aliases, 1)
        definition = owner.fields.get(name)
        if definition is None:
            return _Level(0, 0, aliases, 1)
        arguments = self.arguments(node, definition)
        inner = _Level(0, -1, 0, 0)
        if node.selection_set is not None:
            inner = self.level(
                node.selection_set, get_named_type(definition.type), sized=sizes_lists(definition)
            )
        if sized and name in SIZED_BY_PARENT and not definition.args:
            items = 1
        else:
            items = price(owner.name, name, definition, arguments, self.limits)
        cost = 1 + extra_cost(name, arguments, self.limits) + items * inner.cost
        return _Level(cost, inner.depth + 1, aliases + inner.aliases, 1)

    def arguments(self, node: FieldNode, definition: Any) -> dict[str, Any]:
        """The field's arguments as the resolver will get them (defaults applied); a value
        that does not coerce is left out (execution reports it as BAD_USER_INPUT)."""
        values: dict[str, Any] = {}
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        for name, argument in definition.args.items():
            if name in given:
                try:
                    values[name] = value_from_ast(given[name], argument.type, self.variables)
                except (TypeError, ValueError):
                    continue
            else:
                values[name] = argument.default_value
        return values


def sizes_lists(definition: Any) -> bool:
    """A field whose arguments size the page it returns (`limit`, `first`/`last`)."""
    return any(name in definition.args for name in ("limit", "first", "last"))


def _count(value: Any) -> int:
    """A page size argument as the resolver serves it: null is the default page size, and
    the resolver refuses more than the largest page (so a larger value is priced at it)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return DEFAULT_LIMIT
    return max(0, min(value, MAX_LIMIT))


def rule(owner: str, name: str, definition: Any) -> str | None:
    """Which rule prices the field; None for a list no rule prices (a test fails on it)."""
    if "limit" in definition.args:
        return "limit"
    if "first" in definition.args or "last" in definition.args:
        return "connection"
    if (owner, name) == ("Query", "nodes"):
        return "ids"
    if (owner, name) == ("Query", "dockingStats"):
        return "buckets"
    if (owner, name) in LIST_SIZES:
        return "declared"
    kind = (
        definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
    )
    if not isinstance(kind, GraphQLList):
        return "one"
    if name in SIZED_BY_PARENT and not definition.args:
        return "page"
    return None


def price(
    owner: str, name: str, definition: Any, arguments: Mapping[str, Any], limits: Budget
) -> int:
    """How many items the field serves at most (1 for a field that is not a list)."""
    kind = rule(owner, name, definition)
    if kind == "limit":
        return max(1, _count(arguments.get("limit")))
    if kind == "connection":
        first, last = arguments.get("first"), arguments.get("last")
        if first is None and last is None:
            return DEFAULT_LIMIT
        return max(1, *(_count(v) for v in (first, last) if v is not None))
    if kind == "ids":
        ids = arguments.get("ids")
        return max(1, min(len(ids), MAX_LIMIT)) if isinstance(ids, list) else 1
    if kind == "buckets":
        return stats_buckets(arguments.get("groupBy"), limits.max_stats_buckets)
    if kind == "declared":
        return LIST_SIZES[(owner, name)]
    if kind == "one":
        return 1
    # A page's list met outside a sized page, or a list no rule prices: the most any
    # list may serve (the schema test keeps the second case from shipping).
    return MAX_LIMIT


def stats_buckets(group_by: Any, most: int) -> int:
    buckets = 1
    for key in dict.fromkeys(group_by or ()):
        name = getattr(key, "name", key)
        buckets *= STATS_KEY_BUCKETS.get(str(name), most)
    return min(buckets, most)


def extra_cost(name: str, arguments: Mapping[str, Any], limits: Budget) -> int:
    """What a field costs the database beyond its items: a scan per search term; a full
    read of the matching events for statistics."""
    cost = 0
    search = arguments.get("search")
    if isinstance(search, str):
        terms = len(dict.fromkeys(split_terms(search)))
        if terms > limits.max_search_terms:
            raise Refused(
                f"search has {terms} distinct terms; at most {limits.max_search_terms} are "
                "allowed.",
                BAD_USER_INPUT,
                argument="search",
                max=limits.max_search_terms,
                actual=terms,
            )
        cost += SEARCH_TERM * terms
    if name == "dockingStats":
        cost += STATS_SCAN
    return cost


# The arguments the price reads (``price``, ``extra_cost``): only variables given to these
# change an operation's measures; any other variable (an id) leaves them as they are.
PRICED_ARGUMENTS = frozenset({"limit", "first", "last", "ids", "groupBy", "search"})


class _PricedVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_argument(self, node: Any, *_: Any) -> None:
        if node.name.value in PRICED_ARGUMENTS:
            inner = _Variables()
            visit(node.value, inner)
            self.names |= inner.names


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


def priced_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """The variables whose values can change ``operation``'s measures: those used in a
    priced argument (``PRICED_ARGUMENTS``) anywhere in the operation or a fragment (a
    superset: a fragment it does not spread counts too), sorted. Measures taken with the
    same values of these are the same whatever the other variables hold."""
    found = _PricedVariables()
    visit(operation, found)
    for fragment in fragments.values():
        visit(fragment, found)
    return tuple(sorted(found.names))


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    limits: Budget,
) -> Measures:
    """The operation's measures; raises ``TooManySelections`` or ``Refused``."""
    return Walker(schema, fragments, variables, limits).measure(operation)
