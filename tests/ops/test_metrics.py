"""/metrics, read with prometheus_client's own parser: requests by operation and outcome,
latency, SQL statements, cache and APQ outcomes, live subscriptions, the last sync; and a
two-worker server whose scrapes add up every worker's requests."""

from __future__ import annotations

import hashlib
import json
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert
from support.client import Client, make_client
from support.data import SEED_DIR
from support.databases import sqlite_url
from support.servers import serve

from gql_server.db.models.sync import SyncRun
from gql_server.http.metrics import FLUSH_SECONDS


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def requests_of(found: dict, operation: str, outcome: str) -> float:  # type: ignore[type-arg]
    key = ("gql_requests_total", (("operation", operation), ("outcome", outcome)))
    return float(found.get(key, 0.0))


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[Client]:
    yield from make_client(sqlite_url(tmp_path / "metrics.db"))


def test_requests_latency_statements_and_cache(sqlite_client: Client) -> None:
    before = scrape(sqlite_client)
    query = "query MetricsOk { dockingEvents { count } }"
    for _ in range(3):  # one miss, then two answers from the response cache
        sqlite_client.data(query)
    sqlite_client.post("query MetricsTypo { dockingEvnts { count } }")
    after = scrape(sqlite_client)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert requests_of(after, "MetricsOk", "ok") - requests_of(before, "MetricsOk", "ok") == 3
    assert requests_of(after, "MetricsTypo", "request_error") == 1
    assert delta("gql_request_duration_seconds_count", operation="MetricsOk") == 3
    assert delta("gql_request_sql_statements_count") == 4
    assert delta("gql_request_sql_statements_sum") > 0
    assert delta("gql_response_cache_total", outcome="hit") == 2
    assert delta("gql_response_cache_total", outcome="miss") == 1


def test_persisted_queries_hits_and_misses(sqlite_client: Client) -> None:
    query = "query MetricsApq { dockingEvents { count } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    before = scrape(sqlite_client)
    miss = sqlite_client.http.post("/graphql", json={"extensions": extensions})
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    sqlite_client.http.post("/graphql", json={"query": query, "extensions": extensions})
    hit = sqlite_client.http.post("/graphql", json={"extensions": extensions})
    assert hit.json() == {"data": {"dockingEvents": {"count": 7}}}
    after = scrape(sqlite_client)
    for outcome in ("miss", "registered", "hit"):
        key = ("gql_persisted_queries_total", (("outcome", outcome),))
        assert after.get(key, 0.0) - before.get(key, 0.0) == 1, outcome


def test_last_successful_sync_time(sqlite_client: Client) -> None:
    finished = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    engine = sqlite_client.http.app.state.engine  # type: ignore[attr-defined]

    async def record_run() -> None:
        async with engine.begin() as conn:
            await conn.execute(
                insert(SyncRun).values(
                    base_url="http://ll2.invalid",
                    mode="normal",
                    started_at=finished,
                    finished_at=finished,
                    outcome="succeeded",
                    pages=1,
                    events=7,
                    inserted=0,
                    updated=0,
                    deleted=0,
                )
            )

    sqlite_client.http.portal.call(record_run)  # type: ignore[attr-defined]
    found = scrape(sqlite_client)
    assert found[("gql_last_successful_sync_timestamp_seconds", ())] >= finished.timestamp()


def test_live_subscriptions(sqlite_client: Client) -> None:
    key = ("gql_subscriptions_live", ())
    before = scrape(sqlite_client).get(key, 0.0)
    with sqlite_client.http.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        query = "subscription { dockingEventChanged { kind eventId } }"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        ws.send_json({"type": "ping"})  # answered once the subscribe message was handled
        assert ws.receive_json()["type"] == "pong"
        for _ in range(50):  # bounded: the subscription starts on its own task
            if scrape(sqlite_client).get(key, 0.0) == before + 1:
                break
        assert scrape(sqlite_client).get(key, 0.0) == before + 1
        ws.send_json({"id": "1", "type": "complete"})
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"
        for _ in range(50):
            if scrape(sqlite_client).get(key, 0.0) == before:
                break
    assert scrape(sqlite_client).get(key, 0.0) == before


def test_two_workers_add_up(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "workers.db")
    log = tmp_path / "server.log"
    with serve(url, log, workers=2, seed_dir=SEED_DIR, GQL_LOG_FORMAT="json") as base:
        # /healthz answers once one worker is up; wait for the other (bounded).
        deadline = time.monotonic() + 60
        while log.read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        body = json.dumps({"query": "query TwoWorkers { dockingEvents { count } }"}).encode()
        for _ in range(20):  # a new connection each: the kernel spreads them over workers
            request = urllib.request.Request(
                f"{base}/graphql", data=body, headers={"content-type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert json.loads(response.read()) == {"data": {"dockingEvents": {"count": 7}}}
        # A worker writes its tally every FLUSH_SECONDS (and before a scrape it answers):
        # within that, whichever worker answers the scrape sees all 20.
        time.sleep(FLUSH_SECONDS + 0.5)
        for _ in range(6):
            with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
                found = samples(response.read().decode())
            assert requests_of(found, "TwoWorkers", "ok") == 20
            key = ("gql_request_duration_seconds_count", (("operation", "TwoWorkers"),))
            assert found[key] == 20
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [
        e
        for e in lines
        if e["logger"] == "gql_server.access" and e.get("operation") == "TwoWorkers"
    ]
    assert len(access) == 20
    # Both workers answered some (else the sums above would prove nothing).
    assert len({e["pid"] for e in access}) == 2


def test_the_tally_writes_what_prometheus_client_would() -> None:
    """The requests' tally (``http/metrics.py`` ``_Tally``) writes histograms through
    prometheus_client's internals, added up: the scrape must read as if each value had been
    observed (bucket bounds included, a value on a bound counts in it)."""
    from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

    from gql_server.http.metrics import _Tally

    values = [0, 0.001, 0.0015, 1, 1, 2.5, 3, 9.9, 10, 11, 144, 1e9]
    buckets = (0.001, 0.0025, 1, 2.5, 10, 144)
    outputs = []
    for tallied in (False, True):
        registry = CollectorRegistry()
        histogram = Histogram("h", "h", ["op"], buckets=buckets, registry=registry)
        counter = Counter("c", "c", ["op"], registry=registry)
        tally = _Tally()
        for value in values:
            if tallied:
                tally.observe(histogram.labels("x"), value)
                tally.count(counter.labels("x"))
            else:
                histogram.labels("x").observe(value)
                counter.labels("x").inc()
        tally.flush()
        outputs.append(generate_latest(registry).decode())
    assert outputs[0] == outputs[1]
    assert 'h_bucket{le="0.001",op="x"} 2.0' in outputs[1]  # 0 and the bound itself
    assert 'c_total{op="x"} 12.0' in outputs[1]
