"""Time the docking timeline's first render (``/timeline``) at N synthetic events; not a test.

    .venv/bin/python bench/timeline_render.py [--events 10000] [--seed 0] [--rounds 5]
                                              [--width 1280] [--height 800]

The database is ``bench/run.py``'s (``build_database``: ``gql_server.synthetic`` pages
through the real ingest, cached in ``bench/.data/``); a copy of it is served by ``python -m
gql_server serve`` on 127.0.0.1 (``tests/support/servers.py``). Each round starts a new headless
Chromium (``tests/frontend/cdp.py``: a new profile, so nothing is cached), opens
``/timeline`` at the given window size and reads the page's performance marks, in ms from
the start of navigation:

- data: every event read through the API (the first request, then the paged reads);
- rendered: the DOM built (one bar per event);
- painted: the first frame with the bars on screen (what a user waits for);
- build = rendered - data, paint = painted - rendered: the page's own work;
- main thread CPU (``Performance.getMetrics``' ThreadTime, up to the first paint), and
  the part of it in script and in style and layout: wall times grow when other processes
  share the cores, CPU time much less.

It prints each round and the medians, and checks that every round drew one bar per event.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT / "tests"), str(ROOT / "tests" / "frontend")]

from cdp import chromium  # noqa: E402
from run import build_database  # noqa: E402
from support.servers import serve  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
MARKS = ("timeline:data", "timeline:rendered", "timeline:painted")
READ = """JSON.stringify({
  marks: Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime])),
  bars: document.querySelectorAll('.bar').length,
  error: document.body.dataset.error ?? null,
  requests: performance.getEntriesByType('resource').filter(r => r.name.endsWith('/graphql')).length,
  bytes: performance.getEntriesByType('resource').filter(r => r.name.endsWith('/graphql'))
    .reduce((sum, r) => sum + r.transferSize, 0),
})"""


def one_round(base: str, width: int, height: int) -> dict[str, float]:
    with chromium(CHROMIUM) as page:
        page.call("Page.enable")
        page.call("Performance.enable", timeDomain="threadTicks")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 500,
        )
        page.call("Page.navigate", url=f"{base}/timeline")
        page.wait_for(
            "document.body && document.body.dataset.state !== 'loading'",
            timeout=300,
            what="the first render",
        )
        result = json.loads(page.evaluate(READ))
        metrics = {m["name"]: m["value"] for m in page.call("Performance.getMetrics")["metrics"]}
    if result["error"]:
        raise SystemExit(f"the page failed: {result['error']}")
    marks = result["marks"]
    data, rendered, painted = (marks[name] for name in MARKS)
    return {
        "data": data,
        "rendered": rendered,
        "painted": painted,
        "build": rendered - data,
        "paint": painted - rendered,
        "bars": result["bars"],
        "requests": result["requests"],
        "kib": result["bytes"] / 1024,
        # CPU time of the page's main thread from navigation to here (script, style,
        # layout, paint): unlike the marks, it does not grow when other processes share
        # the cores.
        "cpu": metrics["ThreadTime"] * 1000,
        "script": metrics["ScriptDuration"] * 1000,
        "layout": (metrics["LayoutDuration"] + metrics["RecalcStyleDuration"]) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")

    database = build_database(args.events, args.seed)
    with tempfile.TemporaryDirectory(prefix="timeline-bench-") as folder:
        copy = Path(folder) / "gateway.db"
        shutil.copyfile(database, copy)  # start-up may write (migrations): not the cache
        url = f"sqlite+aiosqlite:///{copy}"
        with serve(url, Path(folder) / "server.log") as base:
            rounds = []
            for number in range(1, args.rounds + 1):
                started = time.perf_counter()
                result = one_round(base, args.width, args.height)
                if result["bars"] != args.events:
                    raise SystemExit(f"round {number}: {result['bars']} bars, not {args.events}")
                rounds.append(result)
                print(
                    f"round {number}: data {result['data']:.0f} ms, rendered "
                    f"{result['rendered']:.0f} ms, painted {result['painted']:.0f} ms; main "
                    f"thread CPU {result['cpu']:.0f} ms ({result['requests']} GraphQL "
                    f"requests, {result['kib']:,.0f} KiB; "
                    f"round {time.perf_counter() - started:.1f} s with browser start-up)"
                )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    print()
    print(
        f"/timeline first render, {args.events:,} events, {args.width}x{args.height}, "
        f"median of {len(rounds)} rounds (ms from navigation start):"
    )
    print(
        "| data read | DOM built | first paint | build (DOM) | paint "
        "| main thread CPU | of which script | style + layout |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {median('data'):,.0f} | {median('rendered'):,.0f} | {median('painted'):,.0f} "
        f"| {median('build'):,.0f} | {median('paint'):,.0f} | {median('cpu'):,.0f} "
        f"| {median('script'):,.0f} | {median('layout'):,.0f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
