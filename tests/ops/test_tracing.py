"""OpenTelemetry (GQL_TRACING=true): a span per request, per GraphQL operation and resolver
batch, and per SQL statement, all in the request's trace; recorded with the SDK's
in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from support.client import Client, make_client
from support.databases import sqlite_url

EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    # The global provider can be set once a process; the app uses the one it finds.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)
    return EXPORTER


@pytest.fixture
def traced(tmp_path: Path, exporter: InMemorySpanExporter) -> Iterator[Client]:
    yield from make_client(sqlite_url(tmp_path / "traced.db"), tracing=True, planner=False)


def test_a_request_is_one_trace_of_operation_batches_and_statements(
    traced: Client, exporter: InMemorySpanExporter
) -> None:
    exporter.clear()
    query = "query Traced { spaceStations { results { name dockingLocations { name } } } }"
    assert traced.data(query)["spaceStations"]["results"]
    spans = exporter.get_finished_spans()
    (request,) = [s for s in spans if s.name == "POST /graphql"]
    assert request.attributes["http.response.status_code"] == 200
    assert request.attributes["gql.request_id"]
    in_trace = [s for s in spans if s.context.trace_id == request.context.trace_id]
    names = [s.name for s in in_trace]
    assert any(name.startswith("GraphQL Query") for name in names), names
    batches = [s for s in in_trace if s.name.startswith("batch ")]
    assert batches and all(s.attributes["gql.batch.keys"] >= 1 for s in batches), names
    statement_keys = {"db.statement", "db.query.text"}  # older and newer conventions
    statements = [s for s in in_trace if statement_keys & set(s.attributes or {})]
    assert statements, names
    assert all(s.parent is not None for s in in_trace if s is not request)


def test_the_planner_batch_is_a_span(tmp_path: Path, exporter: InMemorySpanExporter) -> None:
    for client in make_client(sqlite_url(tmp_path / "planned.db"), tracing=True):
        exporter.clear()
        client.data("{ dockingEvents { results { dockingLocation { name } } } }")
        names = [s.name for s in exporter.get_finished_spans()]
        assert "batch planner" in names, names


def test_tracing_is_off_by_default(tmp_path: Path, exporter: InMemorySpanExporter) -> None:
    for client in make_client(sqlite_url(tmp_path / "plain.db")):
        exporter.clear()
        client.data("{ dockingEvents { count } }")
        assert [s.name for s in exporter.get_finished_spans()
                if s.name in ("POST /graphql",) or s.name.startswith("GraphQL")] == []
