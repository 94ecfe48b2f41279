"""How query latency and ingest rate grow with the data: 10k, 100k, 1M events, per backend.

    python bench/scale.py [--sizes 10000,100000,1000000] [--backends sqlite,postgresql]
                          [--repeat 25] [--seed 0]

For each backend and size: a fresh database filled through the real ingest (``ingest_paths``
on generated LL2 page files, cached under bench/.data/pages-N/), then the median latency,
in-process through the ASGI app, of a filtered page, a search (results only, and with its
``count``; and oldest first, W4's order), a deep page (the last 100 events by offset) and a
point lookup; last, each query's median at the largest size as a ratio to the smallest. PostgreSQL is a throwaway
server started on 127.0.0.1 (tests/support/pg_server.py), data folder under bench/.data/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from gql_server import synthetic  # noqa: E402
from gql_server.app import create_app  # noqa: E402
from gql_server.db.engine import create_engine  # noqa: E402
from gql_server.db.migrate import ensure_schema  # noqa: E402
from gql_server.ingest.files import ingest_paths  # noqa: E402
from gql_server.settings import Settings  # noqa: E402

FIELDS = "id docking departure dockingLocation { name } chaser { __typename ... on SpacecraftFlight { spacecraft { name } } }"
QUERIES = {
    "filtered": (
        "query ($from: DateTime!, $to: DateTime!) { dockingEvents(dockingGte: $from, dockingLt: $to, "
        f"spaceStationTargetId: 4, limit: 50) {{ results {{ {FIELDS} }} }} }}"
    ),
    "search": f'{{ dockingEvents(search: "dragon", ordering: [DOCKING_DESC], limit: 20) {{ results {{ {FIELDS} }} }} }}',
    # W4's order (bench/compare.py): oldest first, where "dragon"'s matches come last.
    "search oldest": f'{{ dockingEvents(search: "dragon", ordering: [DOCKING_ASC], limit: 20) {{ results {{ {FIELDS} }} }} }}',
    "search+count": f'{{ dockingEvents(search: "dragon", ordering: [DOCKING_DESC], limit: 20) {{ count results {{ {FIELDS} }} }} }}',
    "deep page": f"query ($offset: Int!) {{ dockingEvents(offset: $offset, limit: 100) {{ results {{ {FIELDS} }} }} }}",
    # The same last page through the keyset connection: no offset to walk.
    "deep (cursor)": f"{{ dockingEventsConnection(last: 100) {{ edges {{ node {{ {FIELDS} }} }} }} }}",
    "point": f"query ($id: Int!) {{ dockingEvent(id: $id) {{ {FIELDS} }} }}",
}


def pages_for(size: int, seed: int) -> list[Path]:
    folder = DATA / f"pages-{size}-seed{seed}"
    done = folder / ".complete"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        synthetic.write_pages(folder, size, seed)
        done.write_text("ok")
        print(f"  generated {size:,} events in {time.perf_counter() - started:.0f}s", flush=True)
    return sorted(folder.glob("*.json"))


async def ingest(url: str, pages: list[Path]) -> float:
    engine = create_engine(url)
    try:
        await ensure_schema(engine, migrate=True)
        started = time.perf_counter()
        await ingest_paths(engine, pages)
        return time.perf_counter() - started
    finally:
        await engine.dispose()


def variables(name: str, size: int, rng: random.Random) -> dict[str, Any]:
    if name == "filtered":
        year = rng.randrange(2000, 2026)
        return {"from": f"{year}-01-01T00:00:00Z", "to": f"{year + 1}-01-01T00:00:00Z"}
    if name == "deep page":
        return {"offset": max(0, size - 100)}
    if name == "point":
        return {"id": rng.randrange(1, size + 1)}
    return {}


async def latencies(url: str, size: int, repeat: int) -> dict[str, float]:
    # Uncached: every request executes (the response cache would answer repeats).
    app = create_app(Settings(database_url=url, seed_dir=None, response_cache_bytes=0))
    medians: dict[str, float] = {}
    rng = random.Random(7)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, query in QUERIES.items():
                times = []
                for i in range(repeat + 3):
                    body = {"query": query, "variables": variables(name, size, rng)}
                    started = time.perf_counter()
                    response = await client.post("/graphql", json=body)
                    elapsed = time.perf_counter() - started
                    payload = response.json()
                    if response.status_code != 200 or payload.get("errors"):
                        raise SystemExit(f"{name} failed: {payload}")
                    if i >= 3:  # warm-up
                        times.append(elapsed * 1000)
                medians[name] = statistics.median(times)
    return medians


def database_url(backend: str, size: int, server: Any, reuse: bool = False) -> str:
    if backend == "sqlite":
        path = DATA / f"scale-{size}.sqlite3"
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite+aiosqlite:///{path}"
    name = f"scale_{size}"
    server.drop_database(name)
    return str(server.create_database(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="SQLite: query the databases an earlier run built (migrated to the newest schema) "
        "instead of ingesting again; the ingest rate column is then empty",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")
    DATA.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}; "
        f"sizes {sizes}; backends {backends}; median of {args.repeat} requests each",
        flush=True,
    )
    server = None
    if "postgresql" in backends:
        from support.pg_server import PostgresServer, require_pg_bin  # tests/support/pg_server.py

        # The test server's settings, with memory for a million events (tests use 32 MB).
        tuning = {"shared_buffers": "1GB", "work_mem": "32MB", "effective_cache_size": "4GB"}
        server = PostgresServer(require_pg_bin(), base_dir=DATA, settings=tuning)
        server.start()
    rows: list[tuple[str, int, float, dict[str, float]]] = []
    try:
        for backend in backends:
            for size in sizes:
                print(f"{backend} {size:,}:", flush=True)
                reuse = (
                    args.reuse and backend == "sqlite" and (DATA / f"scale-{size}.sqlite3").exists()
                )
                url = database_url(backend, size, server, reuse)
                rate = float("nan")
                if reuse:
                    asyncio.run(ingest(url, []))  # migrates it
                    print("  reusing the database of an earlier run", flush=True)
                else:
                    seconds = asyncio.run(ingest(url, pages_for(size, args.seed)))
                    rate = size / seconds
                    print(f"  ingested in {seconds:.0f}s ({rate:,.0f} events/s)", flush=True)
                medians = asyncio.run(latencies(url, size, args.repeat))
                print("  " + ", ".join(f"{k} {v:.1f} ms" for k, v in medians.items()), flush=True)
                rows.append((backend, size, rate, medians))
    finally:
        if server is not None:
            server.stop()
    names = list(QUERIES)
    header = f"{'backend':<10} {'events':>9} {'ingest ev/s':>11} " + " ".join(
        f"{n:>12}" for n in names
    )
    print("\nmedian latency in ms (in-process, ASGI):")
    print(header)
    print("-" * len(header))
    for backend, size, rate, medians in rows:
        print(
            f"{backend:<10} {size:>9,} {rate:>11,.0f} "
            + " ".join(f"{medians[n]:>12.1f}" for n in names)
        )
    for backend in backends:
        mine = [r for r in rows if r[0] == backend]
        if len(mine) > 1:
            small, large = mine[0], mine[-1]
            ratios = " ".join(f"{large[3][n] / small[3][n]:>12.2f}" for n in names)
            print(
                f"{backend:<10} {'x ' + format(large[1] // small[1], ','):>9} {'':>11} {ratios}  (ratio {large[1]:,} / {small[1]:,})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
