"""Benchmark the gateway on synthetic LL2 data and print one table.

    python bench/run.py [--events N] [--backend sqlite|postgresql] [--duration S] [--clients C]
                        [--workers W]
    python bench/run.py --peers [--events N] [compare.py's options]

``--peers``: the gateway on SQLite and on PostgreSQL next to PostGraphile 4 and 5, on the
same data and under the same load, in one run (``bench/compare.py``, which takes the rest
of the options).

See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import os
import platform
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from raw_baseline import first_difference, full_page, raw_app, read_engine  # noqa: E402
from workloads import FULL_PAGE, Workload, workloads  # noqa: E402

from gql_server import synthetic  # noqa: E402
from gql_server.app import create_app  # noqa: E402
from gql_server.db.engine import (  # noqa: E402
    TRANSACTION_CONTROL,
    create_engine,
    watch_statements,
)
from gql_server.db.migrate import ensure_schema  # noqa: E402
from gql_server.ingest.files import ingest_paths  # noqa: E402
from gql_server.settings import Settings  # noqa: E402

DATA = BENCH / ".data"


# --- the database -------------------------------------------------------------------


def fingerprint() -> str:
    """Changes whenever the generator, the tables or the ingester change."""
    digest = hashlib.sha1()
    package = ROOT / "gql_server"
    files = [*sorted((package / "synthetic").rglob("*.py"))]
    files += sorted((package / "db").rglob("*.py"))
    files += sorted((package / "ingest").rglob("*.py"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


async def _ingest(url: str, pages: list[Path]) -> float:
    engine = create_engine(url)
    try:
        await ensure_schema(engine, migrate=True)  # PostgreSQL too: its database is new
        started = time.perf_counter()
        await ingest_paths(engine, pages)
        return time.perf_counter() - started
    finally:
        await engine.dispose()


def build_database(events: int, seed: int) -> Path:
    """The cached database for (events, seed), built through the real ingest if missing."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"ll2-{events}-seed{seed}-{fingerprint()}.sqlite3"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        built = json.loads(meta.read_text())
        print(
            f"database: reusing {path.relative_to(ROOT)} (built {built['built']}: generated at "
            f"{built['generate_rate']:,.0f} events/s, ingested at {built['ingest_rate']:,.0f} events/s)"
        )
        return path
    partial = path.with_suffix(".partial")
    for stale in DATA.glob(partial.name + "*"):
        stale.unlink()
    with tempfile.TemporaryDirectory(dir=DATA, prefix="pages-") as folder:
        started = time.perf_counter()
        pages = synthetic.write_pages(Path(folder), events, seed)
        generate = time.perf_counter() - started
        size = sum(p.stat().st_size for p in pages)
        print(
            f"generated {events:,} events in {len(pages)} pages ({size / 2**20:,.0f} MiB JSON) "
            f"in {generate:.1f}s: {events / generate:,.0f} events/s"
        )
        ingest = asyncio.run(_ingest(f"sqlite+aiosqlite:///{partial}", pages))
    print(
        f"ingested {events:,} events in {ingest:.1f}s: {events / ingest:,.0f} events/s (ingest_paths)"
    )
    for suffix in ("-wal", "-shm"):  # the last connection checkpoints; nothing should remain
        leftover = Path(f"{partial}{suffix}")
        if leftover.exists() and leftover.stat().st_size == 0:
            leftover.unlink()
    partial.rename(path)
    meta.write_text(
        json.dumps(
            {
                "built": time.strftime("%Y-%m-%d %H:%M:%S"),
                "generate_rate": events / generate,
                "ingest_rate": events / ingest,
            }
        )
    )
    print(f"database: {path.relative_to(ROOT)} ({path.stat().st_size / 2**20:,.0f} MiB)")
    return path


def build_postgres(events: int, seed: int, server: Any) -> str:
    """A database on the throwaway PostgreSQL ``server``, filled through the real ingest
    (the server lives for one run, so it is built each time)."""
    url = str(server.create_database("bench"))
    with tempfile.TemporaryDirectory(dir=DATA, prefix="pages-") as folder:
        pages = synthetic.write_pages(Path(folder), events, seed)
        ingest = asyncio.run(_ingest(url, pages))
    print(
        f"ingested {events:,} events into PostgreSQL {server.major_version} in {ingest:.1f}s: "
        f"{events / ingest:,.0f} events/s (ingest_paths)"
    )
    return url


# --- in-process latency ---------------------------------------------------------------


@dataclass
class Result:
    key: str
    title: str
    samples: list[float] = field(default_factory=list)  # ms
    statements: list[int] = field(default_factory=list)
    size: int = 0
    rps: float | None = None
    http_note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class StatementCounter:
    """Queries run (transaction control, BEGIN and ROLLBACK, not counted)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, statement: str) -> None:
        if statement.strip().upper() not in TRANSACTION_CONTROL:
            self.count += 1


async def measure(
    key: str,
    title: str,
    send: Callable[[int], Awaitable[httpx.Response]],
    counter: StatementCounter,
    samples: int,
    budget: float,
) -> tuple[Result, httpx.Response]:
    """Warm up, then time sequential requests until ``samples`` or ``budget`` seconds
    (at least 10 samples)."""
    for i in range(3):
        _check(await send(i), key)
    result = Result(key, title)
    started = time.perf_counter()
    i = 0
    response = None
    while len(result.samples) < samples and (
        len(result.samples) < 10 or time.perf_counter() - started < budget
    ):
        before = counter.count
        t0 = time.perf_counter()
        response = await send(i)
        elapsed = time.perf_counter() - t0
        result.statements.append(counter.count - before)
        _check(response, key)
        result.samples.append(elapsed * 1000)
        result.size = len(response.content)
        i += 1
    assert response is not None
    return result, response


def _check(response: httpx.Response, key: str) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{key}: HTTP {response.status_code}: {response.text[:300]}")
    body = response.json()
    if isinstance(body, dict) and body.get("errors"):
        raise SystemExit(f"{key}: GraphQL errors: {body['errors'][:2]}")


async def in_process(url: str, args: argparse.Namespace) -> tuple[list[Result], str]:
    sqlite = url.startswith("sqlite")
    # The workloads run uncached (no response cache; parse and validation caches stay on);
    # "W1 warm" repeats W1 on a second app whose response cache is on.
    app = create_app(
        Settings(database_url=url, seed_dir=None, graphiql=False, response_cache_bytes=0)
    )
    warm_app = create_app(Settings(database_url=url, seed_dir=None, graphiql=False))
    results = []
    async with app.router.lifespan_context(app), warm_app.router.lifespan_context(warm_app):
        engine = app.state.engine
        counter = StatementCounter()
        stops = [watch_statements(engine, counter)]
        transport = httpx.ASGITransport(app=app)
        raw_transport = httpx.ASGITransport(app=raw_app(engine))
        warm_engine = warm_app.state.engine
        stops.append(watch_statements(warm_engine, counter))
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://bench") as gql,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=warm_app), base_url="http://bench"
            ) as warm,
            httpx.AsyncClient(transport=raw_transport, base_url="http://bench") as raw,
        ):
            w1_data = None
            for workload in workloads(args.events, args.seed):

                async def send(i: int, w: Workload = workload) -> httpx.Response:
                    return await gql.post("/graphql", json=w.body(i))

                result, last = await measure(
                    workload.key, workload.title, send, counter, args.samples, args.budget
                )
                if workload.key == "W1":
                    w1_data = last.json()["data"]
                results.append(result)
                print(f"  {workload.key} {workload.title}: median {result.median:.1f} ms")

            async def send_warm(i: int) -> httpx.Response:
                return await warm.post(
                    "/graphql", json={"query": FULL_PAGE, "variables": {"limit": 100, "offset": 0}}
                )

            result, _ = await measure(
                "W1w", "full page (100), warm", send_warm, counter, args.samples, args.budget
            )
            results.append(result)
            print(f"  W1 warm: median {result.median:.1f} ms")

            async def send_raw(i: int) -> httpx.Response:
                return await raw.post("/raw", json={"limit": 100, "offset": 0})

            if sqlite:  # the baseline reads through pysqlite
                result, _ = await measure(
                    "raw",
                    "raw SQL + json.dumps (W1 data)",
                    send_raw,
                    counter,
                    args.samples,
                    args.budget,
                )
                results.append(result)
                print(f"  raw baseline: median {result.median:.1f} ms")

            async def send_health(i: int) -> httpx.Response:
                return await gql.get("/healthz")

            result, _ = await measure(
                "floor", "GET /healthz (ASGI floor)", send_health, counter, args.samples, 2.0
            )
            results.append(result)

            verdict = "not measured (the raw baseline reads SQLite through pysqlite)"
            if sqlite:
                with read_engine(engine).connect() as conn:
                    raw_data = await full_page(conn, 100, 0)
                difference = first_difference(raw_data, w1_data)
                verdict = "yes" if difference is None else f"NO, first difference at {difference}"
        for stop in stops:
            stop()
    return results, verdict


# --- real HTTP throughput --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_has_workers() -> bool:
    help_text = subprocess.run(
        [sys.executable, "-m", "gql_server", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return "--workers" in help_text


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue.extend(parents.get(current, []))
    return tree


def _peak_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def load(
    url: str,
    body: Callable[[int], dict[str, Any]],
    clients: int,
    duration: float,
    warm_up: bool = True,
) -> tuple[int, int, float, float]:
    """C clients (new connections) send back-to-back requests for ``duration`` seconds,
    after a warm-up when ``warm_up``; returns (completed, errors, seconds, client CPU share
    of one core)."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        done = errors = 0
        counter = iter(range(10**9))

        async def worker(deadline: float, count: bool) -> None:
            nonlocal done, errors
            while time.perf_counter() < deadline:
                try:
                    response = await client.post("/graphql", json=body(next(counter)))
                    ok = response.status_code == 200 and "errors" not in response.json()
                except httpx.HTTPError:
                    ok = False
                if count:
                    done += ok
                    errors += not ok

        if warm_up:
            warm = time.perf_counter() + min(2.0, duration / 4)
            await asyncio.gather(*(worker(warm, False) for _ in range(clients)))
        cpu, started = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(started + duration, True) for _ in range(clients)))
        elapsed = time.perf_counter() - started
        return done, errors, elapsed, (time.process_time() - cpu) / elapsed


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {BODIES}
local i = 0
errors = 0  -- a global: done() reads it from each thread
request = function()
  i = i + 1
  return wrk.format(nil, "/graphql", nil, bodies[(i - 1) % #bodies + 1])
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("errors") end
  io.write(string.format("completed %d errors %d\\n", summary.requests, total))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def load_wrk(
    url: str,
    body: Callable[[int], dict[str, Any]],
    clients: int,
    duration: float,
    warm_up: bool = True,
    timeout: float | None = None,
) -> tuple[int, int, float, float]:
    """The same measurement with wrk (C, one thread): a load generator that costs the
    server's two cores far less than Python clients do. Bodies cycle through 2,000 requests
    of the workload; a response with an error or a status other than 200 counts as failed."""
    bodies = ",".join(_lua_string(json.dumps(body(i))) for i in range(2000))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("{BODIES}", "{" + bodies + "}"))
    try:
        base = ["wrk", "-t1", f"-c{clients}", "-s", script.name, f"{url}/graphql"]
        if timeout is not None:  # wrk drops (does not count) answers slower than this (2 s)
            base[3:3] = ["--timeout", f"{timeout:g}s"]
        if warm_up:
            subprocess.run([*base[:3], f"-d{max(1, round(min(2.0, duration / 4)))}s", *base[3:]],
                           check=True, capture_output=True, text=True)  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        run = subprocess.run([*base[:3], f"-d{max(1, round(duration))}s", *base[3:]],
                             check=True, capture_output=True, text=True)  # fmt: skip
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(script.name)
    found = re.search(r"completed (\d+) errors (\d+)", run.stdout)
    if found is None:
        raise SystemExit(f"could not read wrk's output:\n{run.stdout}\n{run.stderr}")
    completed, errors = int(found.group(1)), int(found.group(2))
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / elapsed
    return completed - errors, errors, elapsed, cpu


@contextlib.contextmanager
def running_server(url: str, workers: int, **env: str) -> Iterator[tuple[str, Any]]:
    """``serve`` on a free port of 127.0.0.1 over ``url`` (response cache and access log off,
    no seed, no GraphiQL; ``env`` adds settings), healthy; yields (base URL, the process)."""
    port = _free_port()
    command = [sys.executable, "-m", "gql_server", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    if workers != 1:
        command += ["--workers", str(workers)]
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "GQL_SEED_DIR": "",
        "GQL_RESPONSE_CACHE_BYTES": "0",  # throughput is measured uncached
        # No access log line per request, as the PostGraphile peers run (disableQueryLog);
        # the metrics still count every request.
        "GQL_ACCESS_LOG": "0",
        "GQL_GRAPHIQL": "0",
        **env,
    }
    DATA.mkdir(parents=True, exist_ok=True)
    log = (DATA / "server.log").open("w")
    server = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"server exited with {server.returncode}; see {log.name}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not become healthy within 60 s")
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def over_http(url: str, args: argparse.Namespace, results: list[Result]) -> tuple[int, str]:
    """Start the real server, measure req/s for the HTTP workloads, read its peak RSS."""
    workers = 1
    if _serve_has_workers():
        workers = args.workers
    elif args.workers != 1:
        print(f"note: `serve` has no --workers flag; ignoring --workers {args.workers}")
    with running_server(url, workers) as (base, server):
        by_key = {w.key: w for w in workloads(args.events, args.seed)}
        generator = args.load_generator
        if generator == "auto":
            generator = "wrk" if shutil.which("wrk") else "httpx"
        for result in results:
            workload = by_key.get(result.key)
            if workload is None or not workload.http:
                continue
            # Rounds on new connections each: where the kernel puts a client's few
            # keep-alive connections decides how busy each worker is (see
            # gql_server/serving.py), so one round is a draw; the median of several is not.
            rates, failed, shares = [], 0, []
            for round_ in range(args.http_rounds):
                each = args.duration / args.http_rounds
                if generator == "wrk":
                    done, errors, elapsed, cpu = load_wrk(
                        base, workload.body, args.clients, each, warm_up=round_ == 0
                    )
                else:
                    done, errors, elapsed, cpu = asyncio.run(
                        load(base, workload.body, args.clients, each, warm_up=round_ == 0)
                    )
                rates.append(done / elapsed)
                failed += errors
                shares.append(cpu)
            result.rps = statistics.median(rates)
            result.http_note = (
                f"median of {len(rates)} rounds, {min(rates):,.1f} to {max(rates):,.1f}; "
                f"{failed} errors, load generator {generator} at "
                f"{statistics.mean(shares):.0%} of a core"
            )
            print(f"  {result.key} over HTTP: {result.rps:,.1f} req/s ({result.http_note})")
        tree = _process_tree(server.pid)
        peaks = {pid: _peak_rss_kib(pid) for pid in tree}
    known = {pid: kib for pid, kib in peaks.items() if kib is not None}
    parts = ", ".join(f"pid {pid}: {kib / 1024:,.0f} MiB" for pid, kib in known.items())
    rss = f"{sum(known.values()) / 1024:,.0f} MiB over {len(known)} process(es) ({parts})"
    return workers, rss


# --- report ---------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    raw = next((r for r in results if r.key == "raw"), None)
    header = ["workload", "median ms", "p95 ms", "n", "stmts/req", "bytes", "x raw", "req/s HTTP"]
    rows = [header]
    for r in results:
        statements = statistics.median(r.statements)
        rows.append(
            [
                f"{r.key} {r.title}",
                f"{r.median:.2f}",
                f"{r.p95:.2f}",
                str(len(r.samples)),
                f"{statements:g}",
                f"{r.size:,}",
                "-" if raw is None else f"{r.median / raw.median:.2f}",
                "-" if r.rps is None else f"{r.rps:,.1f}",
            ]
        )
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if "--peers" in given:
        # The peers' comparison has its own defaults (4 clients, serve --workers 2, a
        # warm-up per workload) and options; it reuses this module's server and wrk loops.
        import compare

        return compare.main([a for a in given if a != "--peers"])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--events", type=int, default=10_000, help="synthetic events (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="postgresql: a throwaway server on 127.0.0.1 (tests/support/pg_server.py), no raw baseline",
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of HTTP load per workload"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument(
        "--http-rounds",
        type=int,
        default=5,
        help="HTTP load rounds per workload, each on new connections (median reported)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server workers, if `serve` supports it"
    )
    parser.add_argument(
        "--samples", type=int, default=200, help="max timed requests per in-process workload"
    )
    parser.add_argument(
        "--budget", type=float, default=8.0, help="max seconds per in-process workload"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the real-server part")
    parser.add_argument(
        "--peers",
        action="store_true",
        help="instead: the gateway on both backends next to PostGraphile 4 and 5, one run "
        "(bench/compare.py; see `bench/compare.py --help` for its options)",
    )
    parser.add_argument(
        "--load-generator",
        choices=["auto", "wrk", "httpx"],
        default="auto",
        help="HTTP load: wrk (C; `apt-get install wrk`) or Python httpx clients; auto: wrk "
        "when it is on PATH",
    )
    args = parser.parse_args(argv)
    if args.http_rounds < 1:
        parser.error("--http-rounds must be 1 or more")
    if args.events < 100:
        parser.error("--events must be at least 100 (W1 reads a page of 100)")

    started = time.perf_counter()
    print("command: " + " ".join(["python", *sys.argv]))
    print(
        f"machine: {os.cpu_count()} CPUs ({platform.machine()}, {platform.system()} "
        f"{platform.release()}), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(f"backend: {args.backend}, events: {args.events:,}, seed: {args.seed}")
    server = None
    if args.backend == "postgresql":
        sys.path.insert(0, str(ROOT / "tests"))
        from support.pg_server import PostgresServer, require_pg_bin

        # The test server's settings, with memory for a million events (tests use 32 MB).
        tuning = {"shared_buffers": "1GB", "work_mem": "32MB", "effective_cache_size": "4GB"}
        server = PostgresServer(require_pg_bin(), base_dir=DATA, settings=tuning)
        DATA.mkdir(parents=True, exist_ok=True)
        server.start()
    try:
        if server is not None:
            url = build_postgres(args.events, args.seed, server)
        else:
            url = f"sqlite+aiosqlite:///{build_database(args.events, args.seed)}"
        print("in-process (httpx.ASGITransport, sequential requests after 3 warm-up requests):")
        results, verdict = asyncio.run(in_process(url, args))
        print(f"raw baseline output equals W1 data: {verdict}")
        workers, rss = 1, "not measured (--no-http)"
        if not args.no_http:
            print(
                f"real HTTP (uvicorn on 127.0.0.1, {args.clients} clients, {args.duration:g} s "
                f"each, in {args.http_rounds} rounds):"
            )
            workers, rss = over_http(url, args, results)
    finally:
        if server is not None:
            server.stop()
    print()
    print(
        f"events={args.events:,} backend={args.backend} cpus={os.cpu_count()} "
        f"python={platform.python_version()} workers={workers} clients={args.clients} "
        f"duration={args.duration:g}s"
    )
    print(table(results))
    print(f"raw baseline output equals W1 data: {verdict}")
    print(f"server peak RSS (VmHWM): {rss}")
    print(f"total bench time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
