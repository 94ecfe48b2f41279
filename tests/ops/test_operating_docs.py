"""docs/operating.md's snippets, run: its log lines have the fields real ones have, its
metric names are the ones a scrape shows, its tracing snippet prints the request's spans."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from support.client import Client, make_client
from support.data import ROOT
from support.databases import sqlite_url

from gql_server.logs import JSONFormatter

PAGE = (ROOT / "docs" / "operating.md").read_text()


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE, re.S)


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[Client]:
    yield from make_client(sqlite_url(tmp_path / "operating.db"))


def real_access_line(client: Client, caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    caplog.set_level(logging.INFO, logger="gql_server.access")
    caplog.clear()
    client.post("query LatestAtISS { dockingEvents(spaceStationTargetId: 4, limit: 2) { count } }")
    (record,) = [r for r in caplog.records if r.name == "gql_server.access"]
    return record


def test_the_text_access_line_has_the_real_fields(
    sqlite_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    documented = next(line for block in blocks("text") for line in block.splitlines()
                      if "gql_server.access" in line)
    real = real_access_line(sqlite_client, caplog)
    real_text = f"{real.levelname} {real.name}: {real.getMessage()}"
    keys = re.compile(r"(\w+)=")
    assert keys.findall(documented) == keys.findall(real_text)
    assert documented.split()[:3] == real_text.split()[:3]  # INFO gql_server.access: request


def test_the_json_access_line_has_the_real_keys(
    sqlite_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    (block,) = blocks("json")
    documented = json.loads(block)
    real = json.loads(JSONFormatter().format(real_access_line(sqlite_client, caplog)))
    assert list(documented) == list(real)
    assert documented["logger"] == real["logger"] == "gql_server.access"


def test_the_metric_names_are_the_real_ones(sqlite_client: Client) -> None:
    sqlite_client.data("query Docs { dockingEvents { count } }")
    sqlite_client.data("query Docs { dockingEvents { count } }")  # a response cache hit
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    sqlite_client.http.post("/graphql", json={"extensions": unknown})  # an APQ miss
    scrape = sqlite_client.http.get("/metrics").text
    families = {f.name for f in text_string_to_metric_families(scrape) if f.name.startswith("gql_")}
    sample_names = {s.name for f in text_string_to_metric_families(scrape) for s in f.samples}
    table = set(re.findall(r"^\| `(gql_\w+)` \|", PAGE, re.M))
    # Every family served is in the table (the last sync's is absent before a first sync).
    assert families <= {re.sub(r"_total$", "", name) for name in table}
    assert "gql_last_successful_sync_timestamp_seconds" in table
    for name in table - {"gql_last_successful_sync_timestamp_seconds"}:  # absent before a sync
        assert name in sample_names or f"{name}_count" in sample_names, name
    (promql,) = blocks("promql")
    for name in set(re.findall(r"\bgql_\w+", promql)) - {"gql_last_successful_sync_timestamp_seconds"}:
        assert name in sample_names, name
    labels = {
        (s.name, key) for f in text_string_to_metric_families(scrape) for s in f.samples for key in s.labels
    }
    for name, key in re.findall(r"(gql_\w+)\{(\w+)", promql):
        assert (name, key) in labels, (name, key)


def test_the_tracing_snippet_prints_the_request_spans(tmp_path: Path) -> None:
    snippet = next(block for block in blocks("python") if "ConsoleSpanExporter" in block)
    program = snippet + (
        "\nfrom starlette.testclient import TestClient\n"
        "with TestClient(app) as client:\n"
        "    client.post('/graphql', json={'query': '{ dockingEvents { count } }'})\n"
    )
    env = {
        **os.environ,
        "GQL_TRACING": "true",
        "DATABASE_URL": sqlite_url(tmp_path / "traced.db"),
    }
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert '"name": "POST /graphql"' in done.stdout
    assert '"name": "GraphQL Query"' in done.stdout or '"name": "GraphQL Query: ' in done.stdout
    assert "SELECT" in done.stdout
