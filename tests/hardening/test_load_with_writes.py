"""Under load: concurrent readers of a real server while ingests switch the data between two
versions; every request succeeds and sees one version, never a mix."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from ll2_documents import all_occurrences
from support.data import ROOT
from support.db_dump import ingest
from support.servers import serve

from gql_server.synthetic import generate_events

EVENTS = 1_500
CLIENTS = 8
REQUESTS = 400  # in all, then the load stops by itself
SWITCHES = ["B", "A", "B", "A"]  # ingests run during the load, in this order

# Several tables in one request: events, ports, stations, flights, spacecraft, their
# configurations and agencies, payloads; two more root lists.
PAGE = """
query Page($offset: Int!, $after: DateTime!) {
  dockingEvents(limit: 100, offset: $offset, dockingGte: $after) {
    count
    results {
      id url
      dockingLocation { name spacestation { name } }
      chaser {
        __typename
        ... on SpacecraftFlight { spacecraft { name spacecraftConfig { name agency { name } } } }
        ... on PayloadFlight { payload { name } }
      }
      target {
        __typename
        ... on SpaceStation { name }
        ... on PayloadFlight { payload { name } }
      }
    }
  }
  spaceStations(limit: 100) { results { name } }
  dockingLocations(limit: 100) { results { name } }
}
"""
MARK = re.compile(r" ~([AB])$|\?v=([AB])$")


def version_document(events: list[dict[str, Any]], version: str) -> dict[str, Any]:
    """The same events with every name of every object ending in `` ~A`` (or ``~B``) and
    every event's url ending in ``?v=A``: a version each row shows."""
    document = json.loads(json.dumps({"count": len(events), "results": events}))
    for _table, _path, obj in all_occurrences(document):
        if isinstance(obj.get("name"), str):
            obj["name"] = f"{obj['name']} ~{version}"
    for event in document["results"]:
        event["url"] = f"{event['url']}?v={version}"
    return document


def versions_in(answer: Any) -> Counter[str]:
    """How many strings of each version an answer holds; a name or url without a mark
    counts as ``?``."""
    found: Counter[str] = Counter()

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in ("name", "url"):
            match = MARK.search(value) if isinstance(value, str) else None
            found[(match.group(1) or match.group(2)) if match else "?"] += 1

    walk(answer, None)
    return found


async def load(base: str) -> list[tuple[int, Any, float]]:
    """``REQUESTS`` requests from ``CLIENTS`` concurrent clients; (status, body, end time)."""
    numbers = iter(range(REQUESTS))
    answers: list[tuple[int, Any, float]] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            for number in numbers:
                offset = (number * 100) % EVENTS
                # A distinct request each time (every event docks after 1900): no answer
                # can come from a response cache, every one reads the database.
                after = f"1900-01-01T00:00:00.{number:06d}Z"
                response = await http.post(
                    "/graphql",
                    json={"query": PAGE, "variables": {"offset": offset, "after": after}},
                )
                try:
                    body = response.json()
                except ValueError:
                    body = response.text
                answers.append((response.status_code, body, time.monotonic()))

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return answers


def test_readers_see_one_version_while_ingests_switch_it(
    db_url: str, backend: str, tmp_path: Path
) -> None:
    events = list(generate_events(EVENTS, seed=5))
    files = {}
    for version in "AB":
        files[version] = tmp_path / f"version-{version}.json"
        files[version].write_text(json.dumps(version_document(events, version)))
    ingest(db_url, files["A"])

    ingests: list[tuple[str, float, float, int, str]] = []  # version, start, end, status, stderr

    def switch() -> None:
        for version in SWITCHES:
            started = time.monotonic()
            result = subprocess.run(
                [sys.executable, "-m", "gql_server", "ingest", str(files[version])],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": db_url},
                capture_output=True,
                text=True,
                timeout=600,
            )
            ingests.append((version, started, time.monotonic(), result.returncode, result.stderr))

    server_log = tmp_path / "server.log"
    with serve(db_url, server_log) as base:
        writer = threading.Thread(target=switch)
        load_started = time.monotonic()
        writer.start()
        try:
            answers = asyncio.run(load(base))
        finally:
            writer.join(timeout=600)
        load_ended = time.monotonic()
        final = httpx.post(
            f"{base}/graphql",
            json={"query": PAGE, "variables": {"offset": 0, "after": "1900-01-01T00:00:00Z"}},
            timeout=60,
        )

    # Every ingest succeeded, and at least two of them ran while the readers were reading.
    assert [(v, status) for v, _, _, status, _ in ingests] == [(v, 0) for v in SWITCHES], ingests
    during = [v for v, start, end, _, _ in ingests if start < load_ended and end > load_started]
    assert len(during) >= 2, (ingests, load_started, load_ended)

    # Every request: 200, no errors, exactly one version in all of its names and urls.
    assert len(answers) == REQUESTS
    seen: Counter[str] = Counter()
    for status, body, _ in answers:
        assert status == 200, str(body)[:2000]
        assert isinstance(body, dict) and "errors" not in body, str(body)[:2000]
        found = versions_in(body["data"])
        assert "?" not in found and len(found) == 1, found
        assert sum(found.values()) > 300  # the answer really spans the tables
        (version,) = found
        seen[version] += 1
    # The readers saw the switches (both versions), and the last ingest (A) is what stays.
    assert set(seen) == {"A", "B"}, seen
    assert set(versions_in(final.json()["data"])) == {"A"}

    logs = server_log.read_text(errors="replace") + "".join(i[4] for i in ingests)
    assert "database is locked" not in logs
    assert "Traceback" not in logs, logs[-3000:]
