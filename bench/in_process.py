"""CPU time of one request through the whole ASGI app, in process: no socket, no load
generator, so the figure is the gateway's own cost (the database's, on PostgreSQL, runs in
its own process and is not counted).

    python bench/in_process.py DATABASE_URL [--workload W3] [--requests 4000]

DATABASE_URL is a database the gateway has loaded (``bench/compare.py`` leaves
``bench/.data/peers-ll2-*.sqlite3``). The workloads are ``bench/compare.py``'s gateway
bodies (W1 same, W1 varied, W3, W4). Each request is the app called with an HTTP POST
scope; after a warm-up, 7 batches are timed with ``time.process_time`` (every thread of
the process) and the lowest and the median of the batches printed, in microseconds a
request. The machine is shared: compare two versions by running them alternately, each
from a folder outside both checkouts (``cd /tmp && PYTHONPATH=/path/to/version python
/work/main/bench/in_process.py ...``: run from a checkout, that checkout's ``gql_server``
comes first on ``sys.path`` whatever PYTHONPATH says). It prints which copy it measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def scope_for(body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def call(app: Any, body: bytes) -> bytes:
    given = False

    async def receive() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # the client waits for the answer
        raise AssertionError("unreachable")

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope_for(body), receive, send)
    if sent[0]["status"] != 200 or b'"errors"' in sent[1]["body"]:
        raise SystemExit(f"not a clean answer: {sent[0]['status']} {sent[1]['body'][:300]!r}")
    return bytes(sent[1]["body"])


async def measure(app: Any, bodies: list[bytes], requests: int) -> list[float]:
    async with app.router.lifespan_context(app):
        for i in range(300):
            await call(app, bodies[i % len(bodies)])
        batch = max(1, requests // 7)
        per_request = []
        for round_ in range(7):
            started = time.process_time()
            for i in range(batch):
                await call(app, bodies[(round_ * batch + i) % len(bodies)])
            per_request.append((time.process_time() - started) / batch * 1e6)
        return per_request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database_url")
    parser.add_argument("--workload", default="W3", help="W1 same, W1 varied, W3 or W4")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--events", type=int, default=10_000, help="the ids W3 may ask")
    args = parser.parse_args(argv)
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "GQL_SEED_DIR": "",
            "GQL_RESPONSE_CACHE_BYTES": "0",
            "GQL_GRAPHIQL": "0",
            "GQL_ACCESS_LOG": "0",
        }
    )
    from compare import servers

    import gql_server
    from gql_server.app import create_app

    print(f"measuring {Path(gql_server.__file__).parent}")

    kind = "sqlite" if args.database_url.startswith("sqlite") else "postgresql"
    server = next(s for s in servers(args.events, 0) if s.key == kind)
    bodies = [json.dumps(server.bodies[args.workload](i)).encode() for i in range(2000)]
    got = asyncio.run(measure(create_app(), bodies, args.requests))
    print(
        f"{args.workload} on {kind}: CPU per request, lowest {min(got):,.0f} us, "
        f"median {statistics.median(got):,.0f} us (7 batches)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
