"""``serve --workers N``: the supervisor listens and hands each new connection to the next
worker (``gql_server.handoff``), so a client's keep-alive connections are spread evenly;
a worker that dies is replaced and the connections go on being spread. Sockets and their
owners are read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.data import ROOT
from support.servers import free_port, serve

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads sockets from /proc")

LISTEN, ESTABLISHED = "0A", "01"


def sockets_on(port: int, state: str) -> set[int]:
    """Inodes of the TCP sockets whose local port is ``port``, in ``state``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    found.add(int(fields[9]))
    return found


def owners(inodes: set[int]) -> dict[int, set[int]]:
    """Which process holds which of the socket ``inodes``."""
    held: dict[int, set[int]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:  # gone, or not ours to read
            continue
        mine = {int(link[8:-1]) for link in links if link.startswith("socket:[")} & inodes
        if mine:
            held[int(pid)] = mine
    return held


def keep_alive(port: int, count: int) -> list[socket.socket]:
    """``count`` connections, each answered once and left open."""
    clients: list[socket.socket] = []
    try:
        for _ in range(count):
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            clients[-1].sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            assert clients[-1].recv(65536).startswith(b"HTTP/1.1 200")
    except BaseException:
        for client in clients:
            client.close()
        raise
    return clients


def spread(port: int, count: int) -> dict[int, int]:
    """How many of ``count`` new keep-alive connections each process holds."""
    clients = keep_alive(port, count)
    try:
        return {pid: len(held) for pid, held in owners(sockets_on(port, ESTABLISHED)).items()}
    finally:
        for client in clients:
            client.close()


def dead(pid: int) -> bool:
    """Whether ``pid`` is gone: its supervisor has reaped it. (Its threads exit one by one
    and its descriptors close with the last; its first can be a zombie well before.)"""
    return not os.path.exists(f"/proc/{pid}")


def both_handed(port: int) -> dict[int, int]:
    """Two connections' spread, once both workers take connections (a worker connects to
    the supervisor just after its application's start-up is logged)."""
    deadline = time.monotonic() + 30
    while len(found := spread(port, 2)) != 2:
        assert time.monotonic() < deadline, found
        time.sleep(0.1)
    return found


def workers_started(log: Path, count: int) -> None:
    deadline = time.monotonic() + 60
    while log.read_text().count("Application startup complete.") < count:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


def test_the_supervisor_hands_connections_to_the_workers_in_turn(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
    log = tmp_path / "server.log"
    with serve(url, log, workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        workers_started(log, 2)
        listening = owners(sockets_on(port, LISTEN))
        assert len(listening) == 1  # the supervisor's one socket
        text = log.read_text()
        assert (
            f"Uvicorn running on http://127.0.0.1:{port} (Press CTRL+C to quit); 2 workers" in text
        )
        (supervisor,) = listening
        both_handed(port)
        by_worker = spread(port, 4)
        assert supervisor not in by_worker, by_worker  # handed over: it keeps none
        assert sorted(by_worker.values()) == [2, 2], by_worker
        assert sorted(spread(port, 16).values()) == [8, 8]


def test_a_worker_that_dies_is_passed_over_and_its_replacement_is_handed_connections(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
    log = tmp_path / "server.log"
    with serve(url, log, workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        first = both_handed(port)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # Connections handed to it before it is gone die with it (as those in a listening
        # socket's backlog do): it is gone once the supervisor has reaped it.
        deadline = time.monotonic() + 30
        while not dead(victim):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # Passed over: every connection goes to the live worker (or to the replacement,
        # if it has started already).
        survivors = spread(port, 4)
        assert victim not in survivors and sum(survivors.values()) == 4, survivors
        workers_started(log, 3)  # the replacement
        both_handed(port)  # once the replacement has connected to the supervisor
        after = spread(port, 4)
        assert sorted(after.values()) == [2, 2] and victim not in after, after


def test_a_port_in_use_is_one_clear_error(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        run = subprocess.run(
            [sys.executable, "-m", "gql_server", "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 1
    assert run.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_a_worker_that_cannot_start_stops_the_server_with_status_3(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.db"  # SQLite cannot create the file
    run = subprocess.run(
        [sys.executable, "-m", "gql_server", "serve", "--port", str(free_port()), "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{missing}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 3, run.stderr
    assert "unable to open database file" in run.stderr
    assert "failed to start, stopping the parent process" in run.stderr
