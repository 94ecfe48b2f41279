"""Running the app under uvicorn: one process, or worker processes that the supervisor
hands each new connection to in turn (``gql_server.handoff``: a client's few keep-alive
connections are spread evenly, not by luck).
"""

from __future__ import annotations

import contextlib
import logging
import socket
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


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A TCP socket listening on ``host:port`` (OSError when it cannot: the CLI says so)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock


def handed(workers: int) -> bool:
    """Whether the supervisor hands connections to the workers: several workers, where a
    descriptor can be passed over a Unix socket (not on Windows: there uvicorn's workers
    share one socket)."""
    return workers > 1 and hasattr(socket, "send_fds")


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
    if not handed(workers):
        uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **options)
        return 0
    from gql_server.handoff import Dispatcher, Handoff, handed_workers

    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, **options)
    listener = listening_socket(host, port, config.backlog)
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d (Press CTRL+C to quit); %d workers, each handed "
        "connections in turn",
        shown,
        bound,
        workers,
    )
    supervisor: Multiprocess | None = None

    def dispatcher_failed() -> None:
        if supervisor is not None:
            supervisor.should_exit.set()

    dispatcher = Dispatcher(listener, dispatcher_failed)
    dispatcher.start()
    try:
        supervisor = Multiprocess(config, sockets=cast(Any, [Handoff(dispatcher.path)]))
        with handed_workers(), contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run
            supervisor.run()
    finally:
        dispatcher.stop()
    failed = any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes)
    return STARTUP_FAILURE if failed else 0
