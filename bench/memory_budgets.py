"""Memory under hostile traffic: what each per-process cache holds, and the process's RSS,
after many distinct large answers, padded documents and persisted queries.

    python bench/memory_budgets.py [--events N] [--requests 300]

Runs the app in process (Starlette's TestClient) on the benchmark's SQLite database with
the default budgets, and prints, per phase, the requests sent, what the cache accounts for
and how much the process's resident memory grew.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))

from run import build_database  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from support.client import graphql_view  # noqa: E402

from gql_server.app import create_app  # noqa: E402
from gql_server.http.caching import sha256  # noqa: E402
from gql_server.settings import Settings  # noqa: E402

MIB = 1024 * 1024
PAGE = (BENCH.parent / "docs" / "queries" / "full-page.graphql").read_text()


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    print("command: " + " ".join(["python", *sys.argv]))
    url = f"sqlite+aiosqlite:///{build_database(args.events, 0)}"
    settings = Settings(database_url=url, seed_dir=None, graphiql=False)
    app = create_app(settings)
    rows = []
    with TestClient(app) as client:
        view = graphql_view(app)
        schema = view.schema
        headers = {"accept": "application/json"}

        def phase(name: str, send: Any, held: Any, budget: int) -> None:
            gc.collect()
            before = rss()
            sent = 0
            for n in range(args.requests):
                sent += len(send(n))
            gc.collect()
            rows.append((name, args.requests, sent / MIB, held() / MIB, budget / MIB,
                         (rss() - before) / MIB))  # fmt: skip

        def page(n: int) -> bytes:
            body = {"query": PAGE, "variables": {"offset": n, "limit": 100}}
            return client.post("/graphql", json=body, headers=headers).content

        pad = " " * 200_000

        def padded(n: int) -> bytes:
            body = {"query": "{ dataVersion }" + f"#{n}" + pad}
            return client.post("/graphql", json=body, headers=headers).content

        phase(
            "distinct full answers (response cache)",
            page,
            lambda: view.responses.bytes,
            settings.response_cache_bytes,
        )
        phase(
            "distinct padded documents (document cache)",
            padded,
            lambda: schema.documents.entries.bytes,
            settings.document_cache_bytes,
        )

        def persist(n: int) -> bytes:
            query = "{ dataVersion }" + f"#apq{n}" + pad
            extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}
            return client.post(
                "/graphql", json={"query": query, "extensions": extensions}, headers=headers
            ).content

        phase(
            "distinct persisted queries (APQ)",
            persist,
            lambda: view.persisted.queries.bytes,
            settings.persisted_queries_bytes,
        )
    print(f"events={args.events:,}, default budgets")
    print("| phase | requests | answers MiB | cache holds MiB | budget MiB | RSS growth MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, count, sent, held, budget, grown in rows:
        print(f"| {name} | {count} | {sent:,.1f} | {held:,.1f} | {budget:,.0f} | {grown:,.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
