"""Abuse limits checked before execution, and the error codes of pre-execution errors.

Depth, aliases, root fields and cost are computed on the validated document (fragments
expanded); tokens are counted by the parser. Every refusal is ``QUERY_TOO_COMPLEX`` with the
limit, its maximum and the measured value in ``extensions``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast,
)
from strawberry.extensions import SchemaExtension

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"


@dataclass(frozen=True)
class Limits:
    """Per-request limits; each is read from ``GQL_<NAME>`` (e.g. ``GQL_MAX_COST``)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_root_fields: int = 10
    # Cost: 1 a field; a field with a `limit` argument multiplies what it selects by that
    # limit (or its default), a connection by `first` or `last` (the larger; 10 with
    # neither); any other list multiplies by `list_factor`. The full LL2 page
    # tree (docs/queries/full-page.graphql) at limit 100 costs 104,501.
    max_cost: int = 150_000
    list_factor: int = 2
    timeout_seconds: float = 10.0
    introspection: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = env.get(f"GQL_{field.name.upper()}")
            if raw is None or raw == "":
                continue
            kind = type(field.default)
            if kind is bool:
                values[field.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            else:
                values[field.name] = kind(raw)
                if values[field.name] <= 0:
                    raise ValueError(f"GQL_{field.name.upper()} must be positive, got {raw!r}")
        return cls(**values)


def too_complex(
    message: str, limit: str, maximum: float, actual: float, **extra: Any
) -> GraphQLError:
    return GraphQLError(
        message,
        extensions={
            "code": QUERY_TOO_COMPLEX,
            "limit": limit,
            "max": maximum,
            "actual": actual,
            **extra,
        },
    )


@dataclass
class Measures:
    depth: int = 0
    aliases: int = 0
    root_fields: int = 0
    cost: int = 0


class _Walker:
    """Measures one operation: fragments expanded, types followed through the schema."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        list_factor: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.list_factor = list_factor
        self.measures = Measures()

    def fields(
        self, selection_set: SelectionSetNode, owner: Any, seen: frozenset[str] = frozenset()
    ) -> Iterator[tuple[FieldNode, Any]]:
        """The fields a selection set asks for, each with the type it is selected on."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, owner
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else owner
                yield from self.fields(selection.selection_set, target, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                yield from self.fields(fragment.selection_set, target, seen | {name})

    def cost(
        self, selection_set: SelectionSetNode, owner: Any, depth: int, limited: bool = False
    ) -> int:
        """What the selection could cost; ``limited``: the parent field's ``limit`` already
        sized the list fields here (a page's ``results``)."""
        self.measures.depth = max(self.measures.depth, depth)
        total = 0
        for field, field_owner in self.fields(selection_set, owner):
            if field.alias is not None:
                self.measures.aliases += 1
            if field.name.value.startswith("__") or not isinstance(
                field_owner, GraphQLObjectType | GraphQLInterfaceType
            ):
                continue
            definition = field_owner.fields.get(field.name.value)
            if definition is None:
                continue
            inner = 0
            if field.selection_set is not None:
                inner = self.cost(
                    field.selection_set,
                    get_named_type(definition.type),
                    depth + 1,
                    limited=_sized(definition),
                )
            multiplier = (
                1 if limited and not definition.args else self._multiplier(field, definition)
            )
            total += 1 + multiplier * inner
        return total

    def _argument(self, field: FieldNode, definition: Any, name: str) -> Any:
        argument = definition.args[name]
        value = argument.default_value
        for node in field.arguments or ():
            if node.name.value == name:
                value = value_from_ast(node.value, argument.type, self.variables)
        return value

    def _multiplier(self, field: FieldNode, definition: Any) -> int:
        if "limit" in definition.args:
            value = self._argument(field, definition, "limit")
            return value if isinstance(value, int) and value > 0 else 1
        if "first" in definition.args or "last" in definition.args:
            # A Relay connection: `first` / `last` size it as `limit` sizes a page; with
            # neither, it serves the default page size.
            sizes = [
                self._argument(field, definition, name)
                for name in ("first", "last")
                if name in definition.args
            ]
            given = [v for v in sizes if isinstance(v, int) and not isinstance(v, bool)]
            if not given:
                return CONNECTION_DEFAULT_SIZE
            return max(1, max(given))
        kind = (
            definition.type.of_type
            if isinstance(definition.type, GraphQLNonNull)
            else definition.type
        )
        return self.list_factor if isinstance(kind, GraphQLList) else 1


CONNECTION_DEFAULT_SIZE = 10  # what a connection serves without `first` or `last`


def _sized(definition: Any) -> bool:
    """A field whose arguments size the lists below it (a page's `limit`, a connection's
    `first`/`last`): those lists are not multiplied again."""
    return any(name in definition.args for name in ("limit", "first", "last"))


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    list_factor: int,
) -> Measures:
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables, list_factor)
    walker.measures.root_fields = sum(1 for _ in walker.fields(operation.selection_set, root))
    walker.measures.cost = walker.cost(operation.selection_set, root, 1)
    return walker.measures


class EnforceLimits(SchemaExtension):
    """Refuses documents over the limits before execution; gives pre-execution errors their
    codes (parse, validation, variables)."""

    def __init__(self, *, limits: Limits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        try:
            yield
        except GraphQLError as error:
            # A document that does not parse: ParserCache raises through this hook.
            if "Document contains more than" in error.message:
                error.extensions = {
                    "code": QUERY_TOO_COMPLEX,
                    "limit": "tokens",
                    "max": self.limits.max_tokens,
                }
            elif not (error.extensions or {}).get("code"):
                error.extensions = {"code": GRAPHQL_PARSE_FAILED, **(error.extensions or {})}
            raise

    def on_validate(self) -> Iterator[None]:
        # Runs after ValidationCache's hook (listed before this extension), which has
        # validated the document already: Strawberry decides whether to execute inside the
        # validation step, so the limits must be checked before this hook yields.
        context = self.execution_context
        errors = context.pre_execution_errors
        if errors:
            for error in errors:
                if not (error.extensions or {}).get("code"):
                    error.extensions = {
                        "code": GRAPHQL_VALIDATION_FAILED,
                        **(error.extensions or {}),
                    }
        elif errors is not None and context.graphql_document is not None:
            refused = self._refusals(
                context.graphql_document,
                # As the client gave it: Strawberry's `operation_name` falls back to the first.
                getattr(context, "_provided_operation_name", None),
                context.variables or {},
            )
            if refused:
                context.pre_execution_errors = refused
        yield

    def _refusals(
        self, document: DocumentNode, name: str | None, variables: Mapping[str, Any]
    ) -> list[GraphQLError]:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        if name is None and len(operations) > 1:
            return [
                GraphQLError(
                    "The document holds several operations: name the one to run in operationName.",
                    extensions={"code": GRAPHQL_VALIDATION_FAILED},
                )
            ]
        chosen = [op for op in operations if name is None or (op.name and op.name.value == name)]
        if len(chosen) != 1:
            return []  # an unknown operationName: Strawberry refuses it before this
        try:
            measures = measure(
                self.execution_context.schema._schema,
                chosen[0],
                fragments,
                variables,
                self.limits.list_factor,
            )
        except (TypeError, ValueError):
            return []  # variables that do not coerce: execution reports them (BAD_USER_INPUT)
        return self._check(measures)

    def _check(self, m: Measures) -> list[GraphQLError]:
        limits = self.limits
        checks = [
            (
                "depth",
                m.depth,
                limits.max_depth,
                "The query is nested {actual} levels deep; at most {max} are allowed.",
            ),
            (
                "aliases",
                m.aliases,
                limits.max_aliases,
                "The query uses {actual} aliases; at most {max} are allowed.",
            ),
            (
                "rootFields",
                m.root_fields,
                limits.max_root_fields,
                "The query asks for {actual} root fields; at most {max} are allowed.",
            ),
            (
                "cost",
                m.cost,
                limits.max_cost,
                "The query could cost {actual} (fields times list sizes); at most {max} is allowed. Ask for smaller pages or fewer nested lists.",
            ),
        ]
        errors = []
        for limit, actual, maximum, message in checks:
            if actual > maximum:
                extra = {"cost": m.cost} if limit == "cost" else {}
                errors.append(
                    too_complex(
                        message.format(actual=actual, max=maximum), limit, maximum, actual, **extra
                    )
                )
        return errors

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            # Errors without a path come from coercing variables: the client's input.
            if error.path is None and not (error.extensions or {}).get("code"):
                error.extensions = {"code": BAD_USER_INPUT, **(error.extensions or {})}
