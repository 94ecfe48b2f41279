"""``serve --workers N``: the supervisor accepts connections and hands each to the next
worker in turn.

Spreading connections by the kernel was a lottery for the clients that matter most: a
frontend's pool, a proxy's upstream keep-alive, a benchmark keep a few connections open.
uvicorn's workers share one listening socket, and the worker that wakes first takes a
whole burst; with a socket per worker (``SO_REUSEPORT``), the kernel picks one by a hash of
the connection's addresses. With 2 workers and 4 keep-alive connections, that put all 4 on
one worker in 1 run of 8 (half the throughput, the other worker idle) and 3 on one in
half the runs.

Here the supervisor process (``serve``) listens, and a thread of its own (``Dispatcher``)
accepts each connection and passes its descriptor (``SCM_RIGHTS``) over a Unix socket to
the next worker in turn: 4 connections are 2 and 2. A worker (``HandedServer``) connects
to the dispatcher once its application has started, and serves each connection it is
handed as if it had accepted it (``connect_accepted_socket``). The Unix socket lives in a
folder only this user can enter. Only new connections cross: the requests stay on the
connection, between the client and its worker.

What it costs: a descriptor's passing per connection (a few tens of microseconds, in a
process that does nothing else). If no worker is connected, connections wait in the
listening socket's backlog; a worker that has left is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import selectors
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

from uvicorn.server import Server
from uvicorn.supervisors import multiprocess

log = logging.getLogger("uvicorn.error")

ACCEPTS_PER_WAKE = 64  # connections the dispatcher accepts before it looks at the rest
HANDED_PER_WAKE = 64  # connections a worker takes before its loop runs other work


class Dispatcher:
    """Accepts on ``listener`` (listening already) and hands each connection to the next
    connected worker; ``on_failure`` is called if the dispatcher itself fails."""

    def __init__(self, listener: socket.socket, on_failure: Callable[[], None]) -> None:
        self.listener = listener
        self.on_failure = on_failure
        self.folder = tempfile.mkdtemp(prefix="gql-handoff-")  # 0700: this user only
        self.path = os.path.join(self.folder, "workers.sock")
        self.workers: list[socket.socket] = []
        self.handed = 0  # connections handed so far (the next worker is handed % workers)
        self._selector = selectors.DefaultSelector()
        self._registry = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._wake, self._woken = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="gql-handoff", daemon=True)
        self._stopping = False

    def start(self) -> None:
        self._registry.bind(self.path)
        self._registry.listen(64)
        self._registry.setblocking(False)
        self.listener.setblocking(False)
        self._selector.register(self._registry, selectors.EVENT_READ, "worker")
        self._selector.register(self._woken, selectors.EVENT_READ, "stop")
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            self._wake.send(b"x")
        self._thread.join(timeout=5)
        for sock in [*self.workers, self._registry, self._wake, self._woken, self.listener]:
            sock.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self) -> None:
        try:
            while not self._stopping:
                for key, _ in self._selector.select():
                    if key.data == "stop":
                        return
                    if key.data == "worker":
                        self._register()
                    elif key.data == "accept":
                        self._accept()
                    else:  # a worker's channel: it only ever closes (it sends nothing)
                        self._left(key.fileobj)  # type: ignore[arg-type]
        except Exception:
            log.exception("the connection dispatcher failed; stopping")
            self.on_failure()

    def _register(self) -> None:
        with contextlib.suppress(BlockingIOError, InterruptedError):
            channel, _ = self._registry.accept()
            channel.setblocking(False)
            self.workers.append(channel)
            self._selector.register(channel, selectors.EVENT_READ, "channel")
            if len(self.workers) == 1:  # connections were waiting in the backlog
                self._selector.register(self.listener, selectors.EVENT_READ, "accept")

    def _left(self, channel: socket.socket) -> None:
        """A worker's channel is readable: it closed (the worker stopped or died)."""
        try:
            if channel.recv(1):
                return  # workers send nothing; ignore it
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            pass
        self._drop(channel)

    def _drop(self, channel: socket.socket) -> None:
        if channel in self.workers:
            self.workers.remove(channel)
            self._selector.unregister(channel)
            channel.close()
            if not self.workers:  # leave new connections in the backlog
                self._selector.unregister(self.listener)

    def _accept(self) -> None:
        for _ in range(ACCEPTS_PER_WAKE):
            try:
                conn, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors, say: the client may retry
                log.warning("could not accept a connection: %s", exc)
                return
            with conn:
                if conn.family in (socket.AF_INET, socket.AF_INET6):
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._hand(conn)
            if not self.workers:
                return

    def _hand(self, conn: socket.socket) -> None:
        """To the next worker that takes it (one whose channel is full or gone is passed
        over); with none, the connection is closed (its client sees it reset)."""
        tries = len(self.workers)
        while tries > 0 and self.workers:  # a failed send drops its worker from the list
            tries -= 1
            channel = self.workers[self.handed % len(self.workers)]
            self.handed += 1
            try:
                socket.send_fds(channel, [b"c"], [conn.fileno()])
                return
            except (BlockingIOError, InterruptedError):
                continue  # that worker has a backlog of its own already
            except OSError:
                self._drop(channel)
        log.warning("no worker took a connection; it is closed")


class Handoff:
    """What each worker is given in place of a listening socket: where the dispatcher
    waits for it. ``HandedServer`` connects once the application has started."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._channel: socket.socket | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_channel": None}

    def attach(self, server: Server) -> None:
        loop = asyncio.get_running_loop()
        config = server.config

        def create_protocol(_loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Protocol:
            # As uvicorn's ``Server.startup`` makes its listeners' protocols.
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config,
                server_state=server.server_state,
                app_state=server.lifespan.state,
                _loop=_loop,
            )

        channel = self._channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        channel.connect(self.path)
        channel.setblocking(False)

        def handed() -> None:
            for _ in range(HANDED_PER_WAKE):
                try:
                    # One byte per connection: each read takes exactly one descriptor.
                    data, fds, _flags, _address = socket.recv_fds(channel, 1, 1)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    data, fds = b"", []
                for fd in fds:
                    conn = socket.socket(fileno=fd)
                    task = loop.create_task(_serve(loop, create_protocol, conn))
                    server.server_state.tasks.add(task)
                    task.add_done_callback(server.server_state.tasks.discard)
                if not data:  # the supervisor is gone: nothing more will come
                    log.error("the connection dispatcher went away; stopping")
                    self.close()
                    server.should_exit = True
                    return

        loop.add_reader(channel.fileno(), handed)

    def close(self) -> None:
        """No more connections (uvicorn's ``shutdown`` closes what it was given)."""
        channel, self._channel = self._channel, None
        if channel is not None:
            asyncio.get_running_loop().remove_reader(channel.fileno())
            channel.close()


async def _serve(
    loop: asyncio.AbstractEventLoop,
    create_protocol: Callable[[], asyncio.Protocol],
    conn: socket.socket,
) -> None:
    try:
        await loop.connect_accepted_socket(create_protocol, conn)
    except OSError:  # the client left already
        conn.close()


class HandedServer(Server):
    """uvicorn's server, serving the connections the dispatcher hands it (``Handoff``)
    instead of listening."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        handoffs = [s for s in sockets or [] if isinstance(s, Handoff)]
        if not handoffs:
            await super().startup(sockets)
            return
        await super().startup(sockets=[])  # the application's start-up, no listener
        if not self.should_exit:
            handoffs[0].attach(self)


class _Worker(multiprocess.Process):
    @property
    def server(self) -> Server:
        if self._server is None:
            self._server = HandedServer(config=self.config)
        return self._server


@contextlib.contextmanager
def handed_workers() -> Iterator[None]:
    """uvicorn's supervisor, while inside, starts workers that run ``HandedServer``
    (it makes its worker processes by the module's name ``Process``)."""
    original = multiprocess.Process
    multiprocess.Process = _Worker  # type: ignore[misc]
    try:
        yield
    finally:
        multiprocess.Process = original  # type: ignore[misc]
