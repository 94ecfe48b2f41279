"""The abuse limits, checked before execution, and the heavy-request lane's admission.

The limits are configured in ``gql_server.settings.Limits``; this module enforces them.
Depth, aliases, root fields and cost are measured on the validated document by
``gql_server.graphql.cost`` (in time linear in the document); tokens are counted by the
parser. Every refusal is ``QUERY_TOO_COMPLEX`` with the limit, its maximum and the measured
value in ``extensions``. An operation whose cost reaches ``heavy_cost`` runs only when one
of the process's ``heavy_concurrency`` slots is free (waiting at most
``heavy_queue_seconds``), else it is answered ``SERVER_BUSY`` (HTTP 503 with
``Retry-After``): cheap requests never queue behind expensive ones. Pre-execution errors
get their codes here, by the rules of ``gql_server.graphql.errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
)
from strawberry.types.graphql import OperationType

from gql_server.graphql.cost import (
    Measures,
    Refused,
    TooManySelections,
    measure,
    priced_variables,
)
from gql_server.graphql.documents import DocumentCache
from gql_server.graphql.errors import (
    GRAPHQL_VALIDATION_FAILED,
    SERVER_BUSY,
    code_input_errors,
    give_code,
    too_complex,
)
from gql_server.graphql.lanes import Lane
from gql_server.settings import Limits

RETRY_AFTER_SECONDS = 1


def busy_error(cost: int, limits: Limits) -> GraphQLError:
    """The answer to an expensive operation that found no free slot of the heavy lane."""
    return GraphQLError(
        f"The server is running as many expensive requests as it may "
        f"({limits.heavy_concurrency} at once, each costing {limits.heavy_cost} or more; "
        f"this one costs {cost}). Retry in a moment, or ask for less.",
        extensions={"code": SERVER_BUSY, "retryAfter": RETRY_AFTER_SECONDS, "cost": cost},
    )


def cached_measure(
    documents: DocumentCache | None,
    query: str | None,
    document: DocumentNode,
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    name: str | None,
    variables: Mapping[str, Any],
    limits: Limits,
) -> Measures:
    """``measure``, through the document cache (``DocumentCache.measures``): a document
    asked again with the same priced variables is not walked again."""

    def walk() -> Measures:
        return measure(schema, operation, fragments, variables, limits)

    if documents is None:
        return walk()
    found: Measures = documents.measures(
        query,
        document,
        name,
        variables,
        lambda: priced_variables(operation, fragments),
        walk,
    )
    return found


def operation_measures(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    limits: Limits,
    documents: DocumentCache | None = None,
    query: str | None = None,
) -> Measures | None:
    """The operation's measures, taken before validation (the walk takes any parsed
    document), or None when they cannot be told (execution then reports why). The HTTP view
    hands them to ``EnforceLimits`` through the context, so one request is walked once."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name is not None and op.name.value == operation_name)
    ]
    if len(chosen) != 1:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    try:
        return cached_measure(
            documents,
            query,
            document,
            schema,
            chosen[0],
            fragments,
            operation_name,
            variables,
            limits,
        )
    except (TooManySelections, Refused, TypeError, ValueError, AttributeError):
        return None


def refusals(m: Measures, limits: Limits) -> list[GraphQLError]:
    """The limits ``m`` goes over, as ``QUERY_TOO_COMPLEX`` errors (none: within them)."""
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


class EnforceLimits:
    """Refuses documents over the limits before execution; gives pre-execution errors their
    codes (parse, validation, variables); holds a heavy operation in the lane. One per
    operation, run by the schema's ``RequestHooks`` extension (``graphql/hooks.py``), which
    calls these at its hooks' points."""

    def __init__(
        self,
        execution_context: Any,
        *,
        limits: Limits,
        lane: Lane | None = None,
        documents: DocumentCache | None = None,
    ) -> None:
        self.execution_context = execution_context
        self.limits = limits
        self.lane = lane
        self.documents = documents
        self.measures: Measures | None = None
        self.held = False

    def validated(self) -> None:
        """After validation: the validation errors get their code; a valid document over a
        limit gets its refusals as pre-execution errors (Strawberry decides whether to
        execute inside the validation step, so this runs before that hook yields)."""
        context = self.execution_context
        errors = context.pre_execution_errors
        if errors:
            for error in errors:
                give_code(error, GRAPHQL_VALIDATION_FAILED)
        elif errors is not None and context.graphql_document is not None:
            refused = self._refusals(
                context.graphql_document,
                # As the client gave it: Strawberry's `operation_name` falls back to the first.
                getattr(context, "_provided_operation_name", None),
                context.variables or {},
            )
            if refused:
                context.pre_execution_errors = refused

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
        known = getattr(self.execution_context.context, "measures", None)
        if isinstance(known, Measures):  # the HTTP view walked it already (same variables)
            self.measures = known
            return self._check(known)
        try:
            measures = cached_measure(
                self.documents,
                self.execution_context.query,
                document,
                self.execution_context.schema._schema,
                chosen[0],
                fragments,
                name,
                variables,
                self.limits,
            )
        except TooManySelections as exc:
            return [
                too_complex(
                    f"The query spreads into more than {exc.maximum} selections; write it with "
                    "fewer fragment spreads.",
                    "selections",
                    exc.maximum,
                    exc.maximum + 1,
                )
            ]
        except Refused as exc:
            return [GraphQLError(exc.message, extensions={"code": exc.code, **exc.extensions})]
        self.measures = measures
        return self._check(measures)

    def _heavy(self) -> bool:
        if self.lane is None or self.measures is None:
            return False
        if getattr(self.execution_context.context, "heavy_lane", False):
            return False  # it already holds a slot of the HTTP heavy lane (http/heavy.py)
        if self.measures.cost < self.limits.heavy_cost:
            return False
        try:  # a subscription is not held in the lane for its lifetime
            return self.execution_context.operation_type is not OperationType.SUBSCRIPTION
        except RuntimeError:
            return False

    def _busy(self) -> GraphQLError:
        assert self.measures is not None
        return busy_error(self.measures.cost, self.limits)

    def _check(self, m: Measures) -> list[GraphQLError]:
        return refusals(m, self.limits)

    async def acquire(self) -> None:
        """Before execution: a heavy operation waits for a slot of the lane; none free, the
        result is the busy error (Strawberry skips execution when a result is there)."""
        if self._heavy():
            assert self.lane is not None
            self.held = await self.lane.acquire(self.limits.heavy_queue_seconds)
            if not self.held:
                self.execution_context.result = ExecutionResult(data=None, errors=[self._busy()])

    def executed(self) -> None:
        """After execution (whatever happened): the slot back; variables' errors coded."""
        if self.held:
            self.held = False
            assert self.lane is not None
            self.lane.release()

    def code_result(self) -> None:
        code_input_errors(getattr(self.execution_context.result, "errors", None) or [])
