"""OpenTelemetry tracing, off by default (``GQL_TRACING=true``; needs the ``otel`` extra:
``pip install -e '.[otel]'``).

When on, a request gets a span (``TraceRequests``), its GraphQL operation, parsing,
validation and resolvers get Strawberry's (``OpenTelemetryExtension``), each DataLoader batch
one (``batch_span``), and each SQL statement one (opentelemetry-instrumentation-sqlalchemy,
on the write engine and on the SQLite request reader's engine). Spans go to the global
tracer provider: one configured by the host (``opentelemetry-instrument``, or a test) is
used as it is; otherwise an SDK provider exports over OTLP/HTTP to
``OTEL_EXPORTER_OTLP_ENDPOINT`` (default ``http://localhost:4318``).

Off, nothing of OpenTelemetry is imported and ``batch_span`` costs one global read.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")
TRACER_NAME = "gql_server"
_tracer: Any = None  # the OpenTelemetry tracer once enabled
_instrumented: weakref.WeakSet[Any] = weakref.WeakSet()


class TracingUnavailable(RuntimeError):
    """GQL_TRACING is on but the ``otel`` extra is not installed."""


def enable() -> None:
    """Turn tracing on for this process (idempotent)."""
    global _tracer
    if _tracer is not None:
        return
    try:
        from opentelemetry import trace
    except ImportError as exc:
        raise TracingUnavailable(
            "GQL_TRACING is on but OpenTelemetry is not installed: pip install -e '.[otel]'"
        ) from exc
    if type(trace.get_tracer_provider()).__name__ == "ProxyTracerProvider":
        _install_sdk_provider()
    _tracer = trace.get_tracer(TRACER_NAME)


def _install_sdk_provider() -> None:
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "gql-server"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def enabled() -> bool:
    return _tracer is not None


def instrument_engine(engine: AsyncEngine) -> None:
    """A span per SQL statement run through ``engine`` (and its SQLite request reader).

    The instrumentation's ``EngineTracer`` is applied to each engine directly:
    ``SQLAlchemyInstrumentor().instrument(engine=...)`` instruments once per process (a
    second app's engines, or a second engine, would be skipped)."""
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter
    from opentelemetry.trace import get_tracer

    from gql_server.db.engine import sqlite_reader

    reader = sqlite_reader(engine)
    tracer = get_tracer("opentelemetry.instrumentation.sqlalchemy")
    usage = get_meter(TRACER_NAME).create_up_down_counter("db.client.connections.usage")
    for target in [engine.sync_engine, *([reader] if reader is not None else [])]:
        if target not in _instrumented:
            EngineTracer(tracer, target, usage)
            _instrumented.add(target)


def schema_extensions() -> list[Any]:
    from strawberry.extensions.tracing import OpenTelemetryExtension

    return [OpenTelemetryExtension]


def batch_span(name: str) -> Callable[[Callable[[T], Awaitable[Any]]], Callable[[T], Any]]:
    """Decorates a DataLoader batch function: a span ``name`` around each batch, with the
    number of keys, when tracing is on."""

    def decorate(load: Callable[[T], Awaitable[Any]]) -> Callable[[T], Any]:
        async def traced(keys: T) -> Any:
            if _tracer is None:
                return await load(keys)
            with _tracer.start_as_current_span(f"batch {name}") as span:
                span.set_attribute("gql.batch.keys", len(keys))  # type: ignore[arg-type]
                return await load(keys)

        return traced

    return decorate


class TraceRequests:
    """Pure ASGI middleware: one span per HTTP request, the parent of everything it runs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _tracer is None:
            await self.app(scope, receive, send)
            return
        from opentelemetry.trace import SpanKind

        name = f"{scope['method']} {scope['path']}"
        with _tracer.start_as_current_span(name, kind=SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", scope["method"])
            span.set_attribute("url.path", scope["path"])

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start":
                    span.set_attribute("http.response.status_code", message["status"])
                    for key, value in message.get("headers", ()):
                        if key.lower() == b"x-request-id":
                            span.set_attribute("gql.request_id", value.decode("latin-1"))
                await send(message)

            await self.app(scope, receive, sending)
