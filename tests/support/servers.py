"""A real server on a free port of 127.0.0.1, for tests that need one: ``python -m gql_server
serve`` in a process of its own (``serve``), or the app under uvicorn in a thread (``in_thread``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from gql_server.app import create_app
from gql_server.settings import Settings
from support.data import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(
    url: str, log: Path, *, workers: int = 1, seed_dir: Path | None = None, **env: str
) -> Iterator[str]:
    """The server's base URL once ``/healthz`` answers 200; its output goes to ``log``; it is
    stopped on exit. ``seed_dir``: what an empty database is seeded from (none by default)."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": url, "GQL_SEED_DIR": str(seed_dir or ""), **env}
    command = [
        sys.executable,
        "-m",
        "gql_server",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    command += ["--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start in 60 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def in_thread(settings: Settings, wait: float = 30.0, **options: Any) -> Iterator[tuple[int, Any]]:
    """The app for ``settings`` under uvicorn on a free port of 127.0.0.1, in a thread of
    this process (WebSocket included); yields (port, app) once it serves, stops it on exit.
    ``options`` go to ``uvicorn.Config``."""
    port = free_port()
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        log_config=None,
        ws="websockets-sansio",
        lifespan="on",
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + wait
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port, app
    finally:
        server.should_exit = True
        thread.join(wait)
        assert not thread.is_alive(), "uvicorn did not stop"
