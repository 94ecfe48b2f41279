"""W4 (search "dragon", 20 events) in process, on SQLite and PostgreSQL, next to W5 (a filtered
page of the same shape): per-request times, statements, the search statement's plan.

    python bench/search_profile.py [--events N] [--samples N] [--profile] [--keep]

The data is ``bench/compare.py``'s (the peers' generator, cached in ``bench/.data/``), ingested
into SQLite and into a throwaway PostgreSQL (``tests/pg_server.py``, the peers' settings). For
each backend: the app (``create_app``, response cache off) over ``httpx.ASGITransport``, each
workload warmed up and then timed sequentially (median, p95, statements per request); on
PostgreSQL also ``EXPLAIN (ANALYZE, BUFFERS)`` of the statement W4 runs, and its execution time
(median of 20). ``--profile``: cProfile's top functions of W4 (cumulative), per backend.

Sequential in-process timings are less sensitive to a busy machine than req/s under load.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

from compare import SEARCH_ASC, generate_pages, sqlite_database  # noqa: E402
from run import DATA, StatementCounter, _ingest  # noqa: E402
from workloads import FILTERED, ISS, SEARCH  # noqa: E402

from gql_server.app import create_app  # noqa: E402
from gql_server.db.engine import watch_statements  # noqa: E402
from gql_server.queries.docking_events import EventFilter, Ordering, probe_or_page  # noqa: E402
from gql_server.settings import Settings  # noqa: E402

BODIES: dict[str, dict[str, Any]] = {
    "W4 (asc, no count)": {"query": SEARCH_ASC},
    "W4 + count (desc)": {"query": SEARCH},
    "W5 filtered (50)": {
        "query": FILTERED,
        "variables": {
            "from": "2010-01-01T00:00:00Z",
            "to": "2020-01-01T00:00:00Z",
            "station": ISS,
        },
    },
}


async def timings(url: str, samples: int, profile: bool) -> list[str]:
    app = create_app(
        Settings(database_url=url, seed_dir=None, graphiql=False, response_cache_bytes=0)
    )
    lines = []
    async with app.router.lifespan_context(app):
        counter = StatementCounter()
        stop = watch_statements(app.state.engine, counter)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, body in BODIES.items():
                for _ in range(5):
                    answer = (await client.post("/graphql", json=body)).json()
                    if answer.get("errors"):
                        raise SystemExit(f"{name}: {answer['errors'][:2]}")
                times, statements = [], []
                for _ in range(samples):
                    before = counter.count
                    started = time.perf_counter()
                    await client.post("/graphql", json=body)
                    times.append((time.perf_counter() - started) * 1000)
                    statements.append(counter.count - before)
                times.sort()
                p95 = times[max(0, int(0.95 * len(times)) - 1)]
                lines.append(
                    f"  {name}: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, "
                    f"{statistics.median(statements):g} statements/request, n={samples}"
                )
            if profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(samples):
                    await client.post("/graphql", json=BODIES["W4 (asc, no count)"])
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
                lines.append(out.getvalue())
        stop()
    return lines


async def explain(dsn: str, events: int) -> list[str]:
    """The plan and execution time of the statement W4 runs on PostgreSQL."""
    import asyncpg
    from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg

    statement = probe_or_page(EventFilter(search="dragon"), (Ordering.DOCKING_ASC,), 20, 0)
    assert statement is not None
    sql = str(
        statement.compile(dialect=pg_asyncpg.dialect(), compile_kwargs={"literal_binds": True})
    )
    conn = await asyncpg.connect(dsn)
    try:
        plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        runs = []
        for _ in range(20):
            rows = await conn.fetch("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            runs.append(json.loads(rows[0][0])[0]["Execution Time"])
    finally:
        await conn.close()
    return [
        f"  W4's statement on PostgreSQL at {events:,} events: execution median "
        f"{statistics.median(runs):.2f} ms (20 runs)",
        *("    " + row[0] for row in plan),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300, help="timed requests per workload")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true", help="cProfile W4, top 30 cumulative")
    args = parser.parse_args(argv)
    print("command: " + " ".join(["python", *sys.argv]), flush=True)
    DATA.mkdir(parents=True, exist_ok=True)
    pages = generate_pages(args.events)
    backends = args.backends.split(",")
    if "sqlite" in backends:
        url = sqlite_database(args.events, pages)
        print(f"SQLite, {args.events:,} events:", flush=True)
        print("\n".join(asyncio.run(timings(url, args.samples, args.profile))), flush=True)
    if "postgresql" in backends:
        from pg_server import PostgresServer, require_pg_bin

        tuning = {
            "shared_buffers": "1GB",
            "work_mem": "32MB",
            "effective_cache_size": "4GB",
            "jit": "off",
            "fsync": "off",
        }
        with PostgresServer(require_pg_bin(), base_dir=DATA, settings=tuning) as pg:
            url = pg.create_database("gateway")
            seconds = asyncio.run(_ingest(url, sorted(pages.glob("*.json"))))
            print(f"ingested into PostgreSQL in {seconds:.1f} s", flush=True)
            dsn = url.replace("+asyncpg", "")
            pg.execute("SELECT 1")
            asyncio.run(_vacuum(dsn))
            print(f"PostgreSQL, {args.events:,} events:", flush=True)
            print("\n".join(asyncio.run(timings(url, args.samples, args.profile))), flush=True)
            print("\n".join(asyncio.run(explain(dsn, args.events))), flush=True)
    return 0


async def _vacuum(dsn: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
