"""GraphQL over WebSocket (graphql-transport-ws) with the limits HTTP requests have.

Strawberry's ASGI view runs the protocol; this module puts the gateway's limits around
it, so that no operation gets through a WebSocket that HTTP would refuse:

- message size: a message over the body limit (``GQL_MAX_BODY_BYTES``) closes the
  connection with 4400 and a reason (uvicorn's ``ws_max_size`` refuses larger frames
  before they are buffered: ``gql_server.serving``);
- malformed messages (not JSON, nested deeper than ``GQL_WS_MAX_JSON_DEPTH``, a number
  of more than 20 digits, not an object of the protocol's shape): 4400 and a reason,
  never a dropped connection with a traceback in the log;
- document limits and cost: the schema's ``RequestHooks`` (its ``EnforceLimits``) runs for
  every transport (a refused operation gets an ``error`` message with QUERY_TOO_COMPLEX);
- execution timeout: a query or mutation runs at most ``GQL_TIMEOUT_SECONDS`` and then
  gets an ``error`` message with code TIMEOUT (a subscription runs until completed;
  each of its emissions is bounded by its cost and its reads by the database gate);
- operations in flight per connection (``GQL_WS_MAX_SUBSCRIPTIONS``): one more gets an
  ``error`` message with code TOO_MANY_SUBSCRIPTIONS;
- connections per process (``GQL_WS_MAX_CONNECTIONS``): one more is closed at once with
  4503 and a reason (a code graphql-ws clients retry after a back-off).

Only graphql-transport-ws is spoken: the legacy ``graphql-ws`` subprotocol is refused
(4406) rather than left outside these limits.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import timedelta
from typing import Any, TypeVar

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from strawberry.asgi import GraphQL
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    CompleteMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)
from strawberry.utils.aio import aclosing

from gql_server.graphql.budget import SubscriptionBudget
from gql_server.graphql.context import Context
from gql_server.graphql.errors import TIMEOUT, TOO_MANY_SUBSCRIPTIONS
from gql_server.http.bounded_json import JSONRefused, loads
from gql_server.http.deadline import within
from gql_server.http.responses import encode
from gql_server.settings import Limits, TransportLimits

log = logging.getLogger("gql_server.websocket")
T = TypeVar("T")

CLOSE_BAD_REQUEST = 4400  # graphql-transport-ws: a message the server cannot accept
CLOSE_BUSY = 4503  # ours: the process serves as many connections as it may; retry later
MAX_DIGITS = 20  # a JSON integer of more digits cannot be an Int or an id (64 bits)


class MessageRefused(json.JSONDecodeError):
    """A WebSocket message refused before it is read as a protocol message; ``reason``
    becomes the close reason (at most 123 bytes)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)
        self.reason = reason


def decode_message(text: str | bytes, *, max_bytes: int, max_depth: int) -> object:
    """A WebSocket message's JSON; ``MessageRefused`` with a reason for what is too large,
    too deep, not JSON or holds a number no argument can take."""
    size = len(text)  # bytes, or characters: a lower bound of the bytes
    if isinstance(text, str) and max_bytes < size * 4 and size <= max_bytes:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise MessageRefused(f"The message is larger than {max_bytes} bytes")
    try:
        return loads(text, max_depth=max_depth, max_digits=MAX_DIGITS)
    except JSONRefused as refused:
        raise MessageRefused(f"The message {refused.reason}") from None


def _is_subscription(query: Any, operation_name: Any, max_tokens: int) -> bool:
    """Whether the operation to run is a subscription (a document that does not parse, or
    names no such operation, is not: execution reports it at once)."""
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except Exception:
        return False
    name = operation_name if isinstance(operation_name, str) else None
    operation = get_operation_ast(document, name)
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


def _optional(value: Any, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def _error(message: str, code: str, **extra: Any) -> Any:
    return GraphQLError(message, extensions={"code": code, **extra}).formatted


class LimitedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws as Strawberry speaks it, within the view's limits."""

    view: SubscriptionEndpoint

    async def handle(self) -> None:
        self.on_request_accepted()
        try:
            try:
                async for message in self.websocket.iter_json():
                    if not isinstance(message, dict):
                        await self.handle_invalid_message("The message must be a JSON object")
                        return
                    await self.handle_message(message)  # type: ignore[arg-type]
            except NonTextMessageReceived:
                await self.handle_invalid_message("WebSocket message type must be text")
            except NonJsonMessageReceived as exc:
                cause = exc.__cause__
                reason = (
                    cause.reason
                    if isinstance(cause, MessageRefused)
                    else "WebSocket message must be valid JSON"
                )
                log.info("WebSocket message refused: %s", reason)
                await self.handle_invalid_message(reason)
        except WebSocketDisconnected:
            pass
        finally:
            await self.shutdown()

    async def handle_message(self, message: Message) -> None:
        try:
            await super().handle_message(message)
        except (TypeError, AttributeError):
            # A field of the wrong JSON type (Strawberry's own check catches missing ones).
            await self.handle_invalid_message("Failed to parse message")

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        if (
            not isinstance(message.get("id"), str)
            or not isinstance(payload, dict)
            or not isinstance(payload.get("query"), str)
            or not _optional(payload.get("variables"), dict)
            or not _optional(payload.get("operationName"), str)
            or not _optional(payload.get("extensions"), dict)
        ):
            await self.handle_invalid_message("Invalid subscribe message")
            return
        cap = self.view.transport.ws_max_subscriptions
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= cap
        ):
            error = _error(
                f"This connection has {cap} operations in flight, the most it may; "
                "complete one before starting another.",
                TOO_MANY_SUBSCRIPTIONS,
                limit="subscriptionsPerConnection",
                max=cap,
            )
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[error]))
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Strawberry's, with a context of the operation's own, and the execution timeout
        for anything but a subscription."""
        limits = self.view.limits
        if _is_subscription(operation.query, operation.operation_name, limits.max_tokens):
            await self._run(operation)
            return
        try:
            await within(self._run(operation), limits.timeout_seconds)
        except TimeoutError:
            log.warning("WebSocket operation cancelled after %ss", limits.timeout_seconds)
            error = _error(
                f"The request took longer than {limits.timeout_seconds:g} s and was cancelled.",
                TIMEOUT,
            )
            with contextlib.suppress(Exception):
                await operation.send_operation_message(
                    ErrorMessage(id=operation.id, type="error", payload=[error])
                )

    async def _run(self, operation: Operation[Context, None]) -> None:
        context = self.context
        if isinstance(context, Context):
            # The operations of a connection run side by side: none shares another's
            # snapshot (a subscription gets a gated one: RequestHooks.on_execute).
            context = Context.for_engine(
                context.engine, request_id=context.request_id, subscriptions=context.subscriptions
            )
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            await operation.send_operation_message(
                CompleteMessage(id=operation.id, type="complete")
            )
        except _OperationStreamClosed:
            return
        except WebSocketDisconnected:
            self.operations.pop(operation.id, None)
        except Exception as error:
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
        finally:
            if isinstance(context, Context) and context is not self.context:
                await context.close()


class SubscriptionEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view, used for WebSocket only (graphql-transport-ws); HTTP
    requests go to ``GraphQLHTTPView``."""

    graphql_transport_ws_handler_class = LimitedTransportWSHandler

    def __init__(
        self,
        schema: Any,
        *,
        limits: Limits,
        transport: TransportLimits,
        max_message_bytes: int,
        connection_init_wait_timeout: timedelta = timedelta(minutes=1),
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=connection_init_wait_timeout,
            max_subscriptions_per_connection=None,  # LimitedTransportWSHandler's own cap
        )
        self.limits = limits
        self.transport = transport
        self.max_message_bytes = max_message_bytes
        self.budget = SubscriptionBudget(
            replay_max_versions=transport.replay_max_versions,
            db_connections=transport.subscription_db_connections,
        )
        self.connections = 0  # open WebSocket connections of this process

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context.for_engine(request.app.state.engine, subscriptions=self.budget)

    def decode_json(self, data: str | bytes) -> object:
        return decode_message(
            data,
            max_bytes=self.max_message_bytes,
            max_depth=self.transport.ws_max_json_depth,
        )

    def encode_json(self, data: object) -> str | bytes:
        return encode(data).decode("utf-8")  # type: ignore[arg-type]

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        if not self.is_websocket_request(request):
            raise RuntimeError("SubscriptionEndpoint serves WebSocket requests only")
        cap = self.transport.ws_max_connections
        if self.connections >= cap:
            log.warning("WebSocket connection refused: %d open, the most allowed", cap)
            subprotocol = await self.pick_websocket_subprotocol(request)
            await request.accept(subprotocol=subprotocol)
            await request.close(
                code=CLOSE_BUSY,
                reason=f"The server has {cap} WebSocket connections open; try again later",
            )
            return request
        self.connections += 1
        try:
            return await super().run(request)
        finally:
            self.connections -= 1
