"""``serve --workers N``: each worker listens on a socket of its own (SO_REUSEPORT), so the
kernel spreads a client's keep-alive connections over the workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.data import ROOT
from support.servers import free_port, serve

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT spreading is Linux's")

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


def test_each_worker_listens_on_its_own_socket_and_connections_spread(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'served.db'}"
    with serve(url, tmp_path / "server.log", workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        # /healthz answered: one worker is up; the other may still be starting.
        deadline = time.monotonic() + 30
        while len(listening := sockets_on(port, LISTEN)) != 2:
            if time.monotonic() > deadline:
                log = (tmp_path / "server.log").read_text()
                raise AssertionError(f"listening: {listening}\n{log}")
            time.sleep(0.1)
        assert len(owners(listening)) == 2  # two processes, one listening socket each
        log = (tmp_path / "server.log").read_text()
        assert (
            f"Uvicorn running on http://127.0.0.1:{port} (Press CTRL+C to quit); 2 workers" in log
        )
        clients = []
        try:
            for _ in range(16):  # keep-alive connections, all open at once
                client = socket.create_connection(("127.0.0.1", port), timeout=10)
                client.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
                assert client.recv(65536).startswith(b"HTTP/1.1 200")
                clients.append(client)
            served = owners(sockets_on(port, ESTABLISHED))
            by_worker = {pid: len(held) for pid, held in served.items()}
            # Each holds some (16 connections all on one of 2 sockets: 1 in 32,768).
            assert sorted(served) == sorted(owners(listening)), by_worker
            assert sum(by_worker.values()) == 16, by_worker
        finally:
            for client in clients:
                client.close()


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
