"""Two versions of the gateway over HTTP, side by side: requests a second and CPU a request.

    python bench/ab_http.py DATABASE_URL --base DIR [--base-url URL] [--workload W3]
                            [--rounds 6] [--duration 5] [--events 10000] [--workers 2]
                            [--clients 4]

``DIR`` holds the other version's code (``git worktree add /tmp/base HEAD~1``, or ``git
archive HEAD~1 | tar -x -C /tmp/base``); this checkout is the second. Both serve
``DATABASE_URL`` (a database the gateway has loaded: ``bench/compare.py`` leaves
``bench/.data/peers-ll2-*.sqlite3``) with ``serve --workers``, response cache and access
log off, as ``bench/run.py --peers`` runs the gateway; ``--base-url``, when the other version
needs another schema revision (a copy of the database, ``CREATE DATABASE old TEMPLATE new``,
migrated down). The workloads are ``bench/compare.py``'s
gateway bodies for ``--events``. After a warm-up, ``--rounds`` rounds of ``wrk`` alternate
between the two (A then B, then B then A), so the machine's drift falls on both; each round
also reads the CPU time of the server's processes and of the whole machine (``/proc``: the
database server, ``wrk`` and the idle other server included). Prints each side's rounds and
medians and the ratio B/A. The machine is shared: read ratios of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402
from compare import servers  # noqa: E402


def tree_cpu(root: int) -> float:
    """CPU seconds (user and system) of process ``root`` and its descendants so far."""
    children: dict[int, list[int]] = {}
    spent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        spent[int(entry)] = int(fields[11]) + int(fields[12])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += spent.get(pid, 0)
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds every CPU of the machine has spent busy so far (``/proc/stat``)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="DATABASE_URL both versions serve")
    parser.add_argument("--base", required=True, type=Path, help="the other version's folder")
    parser.add_argument("--base-url", help="DATABASE_URL the other version serves (default: url)")
    parser.add_argument("--workload", default="W3", help="W1 same, W1 varied, W3, W3 nested, W4")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per round")
    parser.add_argument("--events", type=int, default=10_000, help="the data's size (the ids)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    if not (args.base / "gql_server").is_dir():
        raise SystemExit(f"{args.base} holds no gql_server folder")
    kind = "sqlite" if args.url.startswith("sqlite") else "postgresql"
    body = next(s for s in servers(args.events, 0) if s.key == kind).bodies[args.workload]
    rates: dict[str, list[float]] = {"A": [], "B": []}
    cpu: dict[str, list[float]] = {"A": [], "B": []}
    machine: dict[str, list[float]] = {"A": [], "B": []}
    failed = {"A": 0, "B": 0}
    with contextlib.ExitStack() as stack:
        # ``serve`` runs from the root it is given: that folder's gql_server comes first.
        mine = run.ROOT
        run.ROOT = args.base.resolve()
        try:
            a, process_a = stack.enter_context(
                run.running_server(args.base_url or args.url, args.workers)
            )
        finally:
            run.ROOT = mine
        b, process_b = stack.enter_context(run.running_server(args.url, args.workers))
        sides = {"A": (a, process_a.pid), "B": (b, process_b.pid)}
        for base, _ in sides.values():
            run.load_wrk(base, body, args.clients, 3)
        for number in range(args.rounds):
            for name in ("A", "B") if number % 2 == 0 else ("B", "A"):
                base, pid = sides[name]
                before, busy = tree_cpu(pid), machine_cpu()
                done, errors, elapsed, _ = run.load_wrk(
                    base, body, args.clients, args.duration, warm_up=False
                )
                failed[name] += errors
                rates[name].append(done / elapsed)
                cpu[name].append((tree_cpu(pid) - before) / max(1, done) * 1e6)
                machine[name].append((machine_cpu() - busy) / max(1, done) * 1e6)
    print(f"{args.workload} on {kind}: A = {args.base}, B = {run.ROOT}")
    for name in ("A", "B"):
        print(
            f"{name}: {statistics.median(rates[name]):,.0f} req/s median "
            f"{[round(r) for r in rates[name]]}; CPU {statistics.median(cpu[name]):,.0f} us "
            f"a request median {[round(c) for c in cpu[name]]}; machine CPU "
            f"{statistics.median(machine[name]):,.0f} us a request; failed {failed[name]}"
        )
    print(f"B/A: {statistics.median(rates['B']) / statistics.median(rates['A']):.2f}")


if __name__ == "__main__":
    main()
