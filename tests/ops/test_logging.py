"""Logs that help: a client's mistakes at INFO on one line without a traceback, a bug once
with its traceback under the error id, one access line per request (text or JSON)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from support.client import Client, make_client
from support.databases import sqlite_url

from gql_server.logs import FIELDS, GraphiQLURL, JSONFormatter

TYPOS = [
    "{ dockingEvnts { count } }",
    "{ dockingEvents { cont } }",
    "{ dockingEvents(limit: 0) { count } }",
    "{ dockingEvents(limit: 101) { count } }",
    "{ dockingEvents(offset: -1) { count } }",
    "{ dockingEvent(id: \"x\") { id } }",
    "{ dockingEvents { results { chaser { name } } } }",
    "{ dockingEvents(ordering: [SIDEWAYS]) { count } }",
    "{ dockingEvents { count }",
    "query Q($n: Int!) { dockingEvents(limit: $n) { count } }",
    "{ dockingEvents(dockingGt: \"yesterday\") { count } }",
    "{ node(id: \"bm90IGEgbm9kZQ==\") { nodeId } }",
]


@pytest.fixture
def sqlite_client(tmp_path: Path):  # type: ignore[no-untyped-def]
    yield from make_client(sqlite_url(tmp_path / "logs.db"))


def test_twelve_typos_log_no_error_and_no_traceback(
    sqlite_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    for document in TYPOS:
        body = sqlite_client.post(document)
        assert body["errors"][0]["extensions"]["code"] != "INTERNAL_SERVER_ERROR", body
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r for r in caplog.records if r.exc_info] == []
    assert "Traceback" not in caplog.text
    client_errors = [r for r in caplog.records if r.getMessage().startswith("client error")]
    assert len(client_errors) >= len(TYPOS)
    assert all(r.levelno == logging.INFO and "\n" not in r.getMessage() for r in client_errors)
    access = [r for r in caplog.records if r.name == "gql_server.access"]
    assert len(access) == len(TYPOS)  # one line a request
    # Twelve mistakes, a bounded number of lines (Strawberry's default wrote 312).
    assert len(caplog.records) <= 3 * len(TYPOS)


def test_an_unexpected_error_logs_one_traceback_with_its_id(
    sqlite_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    engine = sqlite_client.http.app.state.engine  # type: ignore[attr-defined]

    async def corrupt() -> None:  # an event whose location row is missing
        async with engine.connect() as conn:
            await conn.exec_driver_sql("COMMIT")
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            await conn.exec_driver_sql("BEGIN")
            await conn.exec_driver_sql("UPDATE docking_event SET docking_location_id = 999 WHERE id = 569")
            await conn.commit()

    sqlite_client.http.portal.call(corrupt)  # type: ignore[attr-defined]
    caplog.set_level(logging.INFO)
    body = sqlite_client.post("{ dockingEvent(id: 569) { id dockingLocation { name } } }")
    (error,) = body["errors"]
    error_id = error["extensions"]["errorId"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    (record,) = errors
    assert error_id in record.getMessage()
    assert error["extensions"]["requestId"] in record.getMessage()
    assert record.exc_info is not None
    # One traceback (one record carries one; its chained causes print inside it).
    assert len([r for r in caplog.records if r.exc_info]) == 1


def test_one_access_line_per_request_with_its_figures(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gql_server.access")
    query = "query Stations { spaceStations { results { name } } }"
    before = client.statements
    response = client.http.post("/graphql", json={"query": query})
    statements = client.statements - before
    (line,) = [r for r in caplog.records if r.name == "gql_server.access"]
    fields = getattr(line, FIELDS)
    assert fields["request_id"] == response.headers["x-request-id"]
    assert fields["operation"] == "Stations"
    assert fields["status"] == 200 and fields["outcome"] == "ok"
    assert fields["statements"] == statements > 0
    assert fields["bytes"] == len(response.content)
    assert fields["cache"] == "miss"
    assert fields["duration_ms"] >= 0
    caplog.clear()
    client.http.post("/graphql", json={"query": query})  # the same again: the cache answers
    (line,) = [r for r in caplog.records if r.name == "gql_server.access"]
    assert getattr(line, FIELDS)["cache"] == "hit"
    assert "operation=Stations" in line.getMessage() and "cache=hit" in line.getMessage()


def test_json_lines_carry_the_fields(sqlite_client: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    sqlite_client.post("query Count { dockingEvents { count } }")
    sqlite_client.post("{ dockingEvnts { count } }")
    formatter = JSONFormatter()
    lines = [json.loads(formatter.format(r)) for r in caplog.records]
    access = [entry for entry in lines if entry["logger"] == "gql_server.access"]
    assert [entry["operation"] for entry in access] == ["Count", "-"]
    assert [entry["outcome"] for entry in access] == ["ok", "request_error"]
    assert all(entry["level"] == "INFO" and entry["request_id"] for entry in access)
    (typo,) = [entry for entry in lines if entry["logger"] == "gql_server.errors"]
    assert "GRAPHQL_VALIDATION_FAILED" in typo["message"] and "exc" not in typo


def test_uvicorns_running_line_says_where_graphiql_is() -> None:
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1,
        "Uvicorn running on %s://%s:%d (Press CTRL+C to quit)", ("http", "127.0.0.1", 8123), None,
    )
    assert GraphiQLURL().filter(record)
    assert record.getMessage().endswith("GraphiQL: http://127.0.0.1:8123/graphql")
