"""The schema's own work around each operation, as one Strawberry extension.

``RequestHooks`` does, in this order, what five extensions did: end the operation's read
transaction (and give each subscription its own context), mask unexpected errors
(``errors.MaskUnexpectedErrors``), parse and validate through the shared document cache
(``documents.DocumentCache``), enforce the limits and the heavy lane
(``limits.EnforceLimits``), and count live subscriptions when metrics are on (the gauge of
``http.metrics``). Strawberry builds a context manager per extension and hook for every
operation (four hooks, with ``inspect`` calls and ``contextlib`` wrappers each), and awaits
each extension's results and middleware checks: one extension pays that once. Entering runs
in the order above, leaving in reverse, as the extensions listed in that order did.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any, Protocol, cast

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from gql_server.graphql.context import Context
from gql_server.graphql.documents import DocumentCache, _Entry
from gql_server.graphql.errors import MaskUnexpectedErrors, code_parse_error
from gql_server.graphql.lanes import Lane
from gql_server.graphql.limits import EnforceLimits
from gql_server.settings import Limits


class LiveCount(Protocol):
    """What counts live subscriptions (``http.metrics.SUBSCRIPTIONS``, a gauge)."""

    def inc(self) -> None: ...
    def dec(self) -> None: ...


class RequestHooks(SchemaExtension):
    """Made per operation by Strawberry (``hooks(documents, limits, lane)`` gives the
    factory the schema lists)."""

    def __init__(
        self,
        *,
        documents: DocumentCache,
        limits: Limits,
        lane: Lane | None,
        live: LiveCount | None = None,
    ) -> None:
        self.documents = documents
        self.limits = limits
        self.lane = lane
        self.live = live  # the live subscriptions' gauge (metrics on), counted here
        self.counted = False
        self.mask = MaskUnexpectedErrors()
        self.entry: _Entry | None = None
        self.enforce: EnforceLimits | None = None

    def _enforce(self) -> EnforceLimits:
        if self.enforce is None:
            self.enforce = EnforceLimits(
                self.execution_context,
                limits=self.limits,
                lane=self.lane,
                documents=self.documents,
            )
        return self.enforce

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        self.mask.execution_context = context
        masking = cast("Generator[None, None, None]", self.mask.on_operation())
        context.parse_options["max_tokens"] = self.limits.max_tokens
        try:
            next(masking)
            try:
                try:
                    yield
                finally:
                    # A subscription counts from its start to its end (the operation hook
                    # spans its whole stream).
                    if self.counted:
                        self.counted = False
                        assert self.live is not None
                        self.live.dec()
            except GraphQLError as error:
                # A document that does not parse: the parse hook raises through this one.
                code_parse_error(error, self.limits.max_tokens)
                raise
            next(masking, None)  # masks the result's unexpected errors
        finally:
            masking.close()
            # The operation's read transaction ends whatever happened.
            reads = context.context
            if isinstance(reads, Context):
                await reads.close()

    def on_parse(self) -> Iterator[None]:
        self.entry = self.documents.parse_for(self.execution_context)
        yield

    def on_validate(self) -> Iterator[None]:
        # Validation first (the limits read its errors); Strawberry decides whether to
        # execute inside the validation step, so the limits are checked before it yields.
        self.documents.validate_for(self.execution_context, self.entry)
        self._enforce().validated()
        yield

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        try:
            subscription = context.operation_type is OperationType.SUBSCRIPTION
        except RuntimeError:  # no such operation: execution reports it
            subscription = False
        # The operations of one WebSocket connection share the context it was given; a
        # subscription gets its own (it renews its snapshot between events).
        if subscription and isinstance(context.context, Context):
            context.context = context.context.for_operation()
        enforce = self._enforce()
        await enforce.acquire()
        if subscription and self.live is not None and not self.counted:
            self.counted = True
            self.live.inc()
        try:
            yield
        finally:
            enforce.executed()
        enforce.code_result()

    async def on_stream_result(self, result: Any) -> AsyncIterator[None]:
        # A WebSocket result is resolved: end its snapshot (and give its database
        # connection back) before it is sent, so a client slow to read holds none.
        reads = self.execution_context.context
        if isinstance(reads, Context):
            await reads.fresh_snapshot()
        masking = self.mask.on_stream_result(result)
        next(masking)
        yield
        next(masking, None)


def hooks(
    documents: DocumentCache, limits: Limits, lane: Lane | None, live: LiveCount | None = None
) -> Any:
    """The factory the schema lists: a ``RequestHooks`` per operation."""

    def make() -> RequestHooks:
        return RequestHooks(documents=documents, limits=limits, lane=lane, live=live)

    return make
