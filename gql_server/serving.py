"""Running the app under uvicorn: one process, or worker processes that each listen on a
socket of their own, so that the kernel spreads connections over them.

uvicorn's workers share the one socket their parent binds: one accept queue, and the
worker that wakes first takes every connection of a burst. A client that keeps a few
connections open (a frontend's pool, a proxy's upstream keep-alive, a benchmark) then
often has all of them on one worker while the others idle: with 2 workers and 4
keep-alive connections, one worker served everything in about half the runs, at half the
throughput. On Linux each worker instead binds its own socket with ``SO_REUSEPORT``, and
the kernel hands each new connection to one of the sockets by a hash of its addresses.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from typing import Any, cast

from gql_server.settings import Settings

APP = "gql_server.app:create_app"


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What ``serve`` tells uvicorn beyond the address: the HTTP protocol with head limits
    and timeouts (``gql_server.http.edges``), and WebSocket messages no larger than an
    HTTP body may be (uvicorn refuses a larger frame, closing with 1009, before it is
    buffered whole; the app refuses a larger message with 4400 and a reason)."""
    from gql_server.http.edges import GuardedHttpToolsProtocol

    return {"http": GuardedHttpToolsProtocol, "ws_max_size": max(1, settings.max_body_bytes)}


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (not yet listening:
    uvicorn's server calls ``listen``)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class OwnSocket:
    """What uvicorn's supervisor hands each worker in place of the parent's socket. uvicorn
    spawns its workers and pickles their sockets to them; this one unpickles, in the
    worker, as a new socket of the worker's own (``listening_socket``). A worker the
    supervisor restarts gets a new one the same way."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return listening_socket, (self.host, self.port)


def balanced(port: int, workers: int) -> bool:
    """Whether workers get sockets of their own: several workers, on Linux (elsewhere
    ``SO_REUSEPORT`` does not spread connections), on a fixed port (port 0 would give
    each worker a different one)."""
    return workers > 1 and port != 0 and sys.platform == "linux"


def serve(host: str, port: int, workers: int, log_config: dict[str, Any] | None = None) -> int:
    """Serve until stopped; the exit status: 0, or uvicorn's 3 when a worker's start-up
    failed (its log says why), which stops them all. ``log_config`` (``gql_server.logs``)
    is applied in every process; uvicorn's access log is off (the app writes its own)."""
    options: dict[str, Any] = {"access_log": False}
    if log_config is not None:
        options["log_config"] = log_config
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    options.update(uvicorn_options(Settings.from_env()))
    if not balanced(port, workers):
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **options)
        return 0
    # The address is checked here, once, so that a port in use is one clear error.
    listening_socket(host, port).close()
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, **options)
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d (Press CTRL+C to quit); %d workers, a listening "
        "socket each",
        shown,
        port,
        workers,
    )
    supervisor = Multiprocess(config, sockets=cast(Any, [OwnSocket(host, port)]))
    with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C is a clean stop
        supervisor.run()
    failed = any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)
    return STARTUP_FAILURE if failed else 0
