"""Noisy neighbour: how much a point lookup slows down while clients hammer the server
with the most expensive request it accepts.

    python bench/noisy_neighbour.py [--events N] [--backend sqlite|postgresql]
                                    [--noisy 8] [--duration 10] [--workers 1]

One probe client sends W3 (one event by id) back to back and records each latency: first
alone, then while ``--noisy`` closed-loop clients (wrk when it is on PATH, else httpx)
send ``dockingStats`` grouped by all five keys with every key's object, plus the largest
search the server takes (20 terms), without honouring Retry-After, as a hostile client
would not. Prints the probe's median and p95 in both phases, their ratio (target: p95 at
most 5x), and what became of the noisy requests (answered, SERVER_BUSY, other errors).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import DATA, build_database, build_postgres, running_server  # noqa: E402

POINT = (
    "query ($id: Int!) { dockingEvent(id: $id) { id docking departure dockingLocation { name } } }"
)
STATS = """{ dockingStats(groupBy: [STATION, DOCKING_LOCATION, YEAR, CHASER_KIND, CHASER_AGENCY]) {
  count departedCount totalDockedSeconds averageDockedSeconds
  key { year chaserKind station { name } dockingLocation { name } chaserAgency { name } } } }"""
SEARCH = "query ($s: String) { dockingEvents(search: $s, limit: 100) { count results { id } } }"
TWENTY_TERMS = " ".join([*"oaeinrstul", *"0123456789"])

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local bodies = {BODIES}
local i = 0
ok = 0
busy = 0
other = 0
request = function()
  i = i + 1
  return wrk.format(nil, "/graphql", nil, bodies[(i - 1) % #bodies + 1])
end
response = function(status, headers, body)
  if status == 503 then busy = busy + 1
  elseif status == 200 and not string.find(body, '"errors"', 1, true) then ok = ok + 1
  else other = other + 1 end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local o, b, x = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("busy"); x = x + t:get("other") end
  io.write(string.format("ok %d busy %d other %d\\n", o, b, x))
end
"""


def noisy_bodies() -> list[dict[str, Any]]:
    return [{"query": STATS}, {"query": SEARCH, "variables": {"s": TWENTY_TERMS}}]


def probe(base: str, seconds: float, ids: list[int]) -> list[float]:
    """Sequential point lookups for ``seconds``; each one's latency in ms."""
    latencies: list[float] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        end = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < end:
            started = time.perf_counter()
            response = client.post(
                "/graphql",
                json={"query": POINT, "variables": {"id": ids[n % len(ids)]}},
                headers={"accept": "application/json"},
            )
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
            n += 1
    return latencies


def noisy_wrk(base: str, clients: int, seconds: float) -> subprocess.Popen[str]:
    bodies = ",".join("[==[" + json.dumps(b) + "]==]" for b in noisy_bodies())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("{BODIES}", "{" + bodies + "}"))
    command = ["wrk", "-t1", f"-c{clients}", f"-d{round(seconds)}s", "--timeout", "60s"]
    command += ["-s", script.name, f"{base}/graphql"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def noisy_httpx(
    base: str, clients: int, seconds: float, outcome: dict[str, int]
) -> list[threading.Thread]:
    def worker(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            end = time.perf_counter() + seconds
            i = n
            while time.perf_counter() < end:
                body = noisy_bodies()[i % 2]
                i += 1
                response = client.post(
                    "/graphql", json=body, headers={"accept": "application/json"}
                )
                if response.status_code == 503:
                    outcome["busy"] += 1
                elif response.status_code == 200 and "errors" not in response.json():
                    outcome["ok"] += 1
                else:
                    outcome["other"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--noisy", type=int, default=8, help="noisy clients")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    print("command: " + " ".join(["python", *sys.argv]))
    server = None
    if args.backend == "postgresql":
        sys.path.insert(0, str(BENCH.parent / "tests"))
        from support.pg_server import PostgresServer, require_pg_bin

        DATA.mkdir(parents=True, exist_ok=True)
        server = PostgresServer(require_pg_bin(), base_dir=DATA)
        server.start()
    try:
        if server is not None:
            url = build_postgres(args.events, args.seed, server)
        else:
            url = f"sqlite+aiosqlite:///{build_database(args.events, args.seed)}"
        with running_server(url, args.workers) as (base, _):
            ids = [
                e["id"]
                for e in httpx.post(
                    f"{base}/graphql",
                    json={"query": "{ dockingEvents(limit: 100) { results { id } } }"},
                    headers={"accept": "application/json"},
                ).json()["data"]["dockingEvents"]["results"]
            ]
            probe(base, 2, ids)  # warm-up
            alone = probe(base, args.duration, ids)
            outcome = {"ok": 0, "busy": 0, "other": 0}
            if shutil.which("wrk"):
                generator = "wrk"
                process = noisy_wrk(base, args.noisy, args.duration + 2)
                time.sleep(1)
                loaded = probe(base, args.duration, ids)
                out, err = process.communicate(timeout=args.duration + 120)
                found = re.search(r"ok (\d+) busy (\d+) other (\d+)", out)
                if found is None:
                    raise SystemExit(f"could not read wrk's output:\n{out}\n{err}")
                outcome = dict(zip(("ok", "busy", "other"), map(int, found.groups()), strict=True))
            else:
                generator = "httpx"
                threads = noisy_httpx(base, args.noisy, args.duration + 2, outcome)
                time.sleep(1)
                loaded = probe(base, args.duration, ids)
                for thread in threads:
                    thread.join()
    finally:
        if server is not None:
            server.stop()
    print(
        f"events={args.events:,} backend={args.backend} workers={args.workers} "
        f"noisy={args.noisy} ({generator}) duration={args.duration:g}s cpus={os.cpu_count()}"
    )
    print("| point lookup | requests | median ms | p95 ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in (("alone", alone), ("with noisy neighbours", loaded)):
        print(f"| {name} | {len(values)} | {statistics.median(values):.2f} | {p95(values):.2f} |")
    print(f"p95 ratio (loaded / alone): {p95(loaded) / p95(alone):.2f}x (target: at most 5x)")
    print(
        f"noisy requests: {outcome['ok']} answered, {outcome['busy']} SERVER_BUSY (503), "
        f"{outcome['other']} other errors"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
