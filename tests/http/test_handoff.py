"""The dispatcher alone (``gql_server/handoff.py``), with real sockets: workers here are
Unix sockets connected to it, as ``HandedServer`` connects. Connections made before any
worker wait in the backlog; they are handed in turn; a worker that closes is passed over.
``tests/http/test_serving.py`` runs the whole of it under ``serve --workers 2``."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from gql_server.handoff import Dispatcher

pytestmark = pytest.mark.skipif(not hasattr(socket, "send_fds"), reason="needs SCM_RIGHTS")


@pytest.fixture
def dispatcher() -> Iterator[Dispatcher]:
    listener = socket.create_server(("127.0.0.1", 0))
    failures: list[bool] = []
    running = Dispatcher(listener, lambda: failures.append(True))
    running.start()
    yield running
    running.stop()
    assert not failures


def worker(dispatcher: Dispatcher) -> socket.socket:
    channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    channel.connect(dispatcher.path)
    channel.settimeout(10)
    return channel


def client(dispatcher: Dispatcher) -> socket.socket:
    return socket.create_connection(dispatcher.listener.getsockname()[:2], timeout=10)


def taken(channel: socket.socket) -> tuple[str, int]:
    """The peer address of the connection handed over ``channel`` (closed after)."""
    data, fds, _, _ = socket.recv_fds(channel, 1, 1)
    assert data == b"c" and len(fds) == 1
    with socket.socket(fileno=fds[0]) as handed:
        address: tuple[str, int] = handed.getpeername()[:2]
        return address


def test_a_connection_made_before_any_worker_waits_for_one(dispatcher: Dispatcher) -> None:
    with client(dispatcher) as early, worker(dispatcher) as channel:
        assert taken(channel) == early.getsockname()[:2]


def registered(dispatcher: Dispatcher, count: int) -> None:
    """Wait until ``count`` workers are registered (the dispatcher's thread takes them)."""
    deadline = time.monotonic() + 10
    while len(dispatcher.workers) != count:
        assert time.monotonic() < deadline, len(dispatcher.workers)
        time.sleep(0.01)


def test_connections_are_handed_in_turn(dispatcher: Dispatcher) -> None:
    with worker(dispatcher) as first, worker(dispatcher) as second:
        registered(dispatcher, 2)
        clients = [client(dispatcher) for _ in range(6)]
        try:
            mine = [made.getsockname()[:2] for made in clients]
            one = [taken(first) for _ in range(3)]
            other = [taken(second) for _ in range(3)]
            assert sorted(one + other) == sorted(mine)
            # In turn: every other connection, in the order they were accepted.
            assert {mine.index(a) % 2 for a in one} != {mine.index(a) % 2 for a in other}
            assert len({mine.index(a) % 2 for a in one}) == 1
        finally:
            for made in clients:
                made.close()


def test_a_worker_that_closed_is_passed_over(dispatcher: Dispatcher) -> None:
    with worker(dispatcher) as staying:
        leaving = worker(dispatcher)
        registered(dispatcher, 2)
        leaving.close()
        for _ in range(4):
            with client(dispatcher) as later:
                assert taken(staying) == later.getsockname()[:2]
        registered(dispatcher, 1)
