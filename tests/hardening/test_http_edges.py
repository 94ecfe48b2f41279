"""Finding 9: HTTP/1.1 edges. A real ``python -m gql_server serve`` on 127.0.0.1 and raw
sockets: too many headers or too large a head is refused (431), a client that trickles
its head or its body is answered 408 and disconnected after the timeout. Every loop is
bounded; the assertions count bytes sent, never time."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.databases import sqlite_url
from support.servers import serve

MAX_HEADER_BYTES = 8192
MAX_HEADERS = 50
TIMEOUT = 1.0  # the head and body timeouts the server runs with here
TRICKLE = 0.1  # seconds between two bytes of a slow client
BUDGET = 100  # bytes a slow client may send at most (10 s): far past TIMEOUT


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    folder = tmp_path_factory.mktemp("edges")
    log = folder / "server.log"
    env = {
        "GQL_MAX_HEADER_BYTES": str(MAX_HEADER_BYTES),
        "GQL_MAX_HEADERS": str(MAX_HEADERS),
        "GQL_HEADER_TIMEOUT_SECONDS": str(TIMEOUT),
        "GQL_BODY_TIMEOUT_SECONDS": str(TIMEOUT),
    }
    with serve(sqlite_url(folder / "edges.db"), log, **env) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port), log


def connect(server: tuple[str, int, Path]) -> socket.socket:
    sock = socket.create_connection(server[:2], timeout=15)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (bounded by the socket's timeout)."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def exchange(server: tuple[str, int, Path], request: bytes) -> bytes:
    """Send ``request`` (as far as the server reads it) and return the server's answer;
    the request asks the server to close afterwards."""
    with connect(server) as sock:
        # Refused before the whole request was read: the answer is waiting all the same.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        return read_all(sock)


def head(headers: list[tuple[str, str]], path: str = "/healthz") -> bytes:
    lines = [f"GET {path} HTTP/1.1", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def counted(path: str, headers: list[tuple[str, str]]) -> int:
    """The head's size as the limit counts it: the URL, and each header's name and value
    with its ``: `` and line end."""
    return len(path) + sum(len(n) + len(v) + 4 for n, v in headers)


BASE = [("Host", "127.0.0.1"), ("Connection", "close")]


def test_header_count_at_the_limit_is_served(server: tuple[str, int, Path]) -> None:
    headers = BASE + [(f"X-H{i}", "v") for i in range(MAX_HEADERS - len(BASE))]
    assert len(headers) == MAX_HEADERS
    assert exchange(server, head(headers)).startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize("count", [MAX_HEADERS + 1, 20_000])
def test_too_many_headers_are_refused(server: tuple[str, int, Path], count: int) -> None:
    headers = BASE + [(f"X-H{i}", "v") for i in range(count - len(BASE))]
    answer = exchange(server, head(headers))
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert f"more than {MAX_HEADERS} headers".encode() in answer


def padded(total: int) -> list[tuple[str, str]]:
    """BASE and one X-Pad header, ``total`` bytes as the limit counts them."""
    fixed = counted("/healthz", [*BASE, ("X-Pad", "")])
    return [*BASE, ("X-Pad", "a" * (total - fixed))]


def test_head_at_the_byte_limit_is_served(server: tuple[str, int, Path]) -> None:
    headers = padded(MAX_HEADER_BYTES)
    assert counted("/healthz", headers) == MAX_HEADER_BYTES
    assert exchange(server, head(headers)).startswith(b"HTTP/1.1 200 ")


def test_head_one_byte_over_is_refused(server: tuple[str, int, Path]) -> None:
    answer = exchange(server, head(padded(MAX_HEADER_BYTES + 1)))
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]


def test_a_4_mib_header_is_refused_before_it_is_read(server: tuple[str, int, Path]) -> None:
    start = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    chunk = b"a" * 65536
    sent = 0
    with connect(server) as sock:
        sock.sendall(start)
        try:
            for _ in range(64):  # 4 MiB, unless the server stops reading first
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    # The server answered and closed after its first reads: far less than 4 MiB went in
    # (the kernel's socket buffers take some after the server stopped reading).
    assert sent < 4 * 1024 * 1024


def trickle(sock: socket.socket, data: bytes) -> int:
    """Send ``data`` a byte at a time, TRICKLE seconds apart, until the server closes the
    connection; the bytes sent before it did."""
    for sent in range(len(data)):
        try:
            sock.sendall(data[sent : sent + 1])
        except (BrokenPipeError, ConnectionResetError):
            return sent
        time.sleep(TRICKLE)
        # A closed connection shows as readable (its answer, then EOF).
        sock.setblocking(False)
        try:
            peeked = sock.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            peeked = None
        except ConnectionResetError:
            return sent + 1
        finally:
            sock.setblocking(True)
        if peeked is not None:
            return sent + 1
    return len(data)


def test_a_client_trickling_its_headers_is_disconnected(server: tuple[str, int, Path]) -> None:
    slow = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * BUDGET
    with connect(server) as sock:
        sent = trickle(sock, slow)
        answer = read_all(sock)
    assert sent < len(slow), "the server kept reading a head trickled for 10 s"
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, int, Path]) -> None:
    with connect(server) as sock:
        answer = read_all(sock)  # the socket's timeout (15 s) bounds it
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]


def test_a_client_trickling_its_body_is_disconnected(server: tuple[str, int, Path]) -> None:
    body = b'{"query": "{ __typename }"' + b" " * BUDGET + b"}"
    request = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with connect(server) as sock:
        sock.sendall(request)
        sent = trickle(sock, body)
        answer = read_all(sock)
    assert sent < len(body), "the server kept reading a body trickled for 10 s"
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    # The application saw its client leave mid-body: no traceback in the log for that.
    assert "Traceback" not in server[2].read_text()


def test_a_later_request_of_a_connection_is_timed_too(server: tuple[str, int, Path]) -> None:
    with connect(server) as sock:
        sock.sendall(head([("Host", "127.0.0.1")]))
        first = b""
        while b"\r\n\r\n" not in first:  # the answer's head, then its small JSON body
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        sent = trickle(
            sock, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * BUDGET
        )
    assert sent < BUDGET


def test_a_prompt_client_is_served(server: tuple[str, int, Path]) -> None:
    body = b'{"query": "{ __typename }"}'
    request = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    answer = exchange(server, request)
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"__typename":"Query"' in answer


@pytest.fixture(scope="module")
def short_body_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    """A body timeout far shorter than the head's: a connection's one timer, set for the
    head's deadline, must be brought forward to the body's."""
    folder = tmp_path_factory.mktemp("edges-body")
    log = folder / "server.log"
    env = {"GQL_HEADER_TIMEOUT_SECONDS": "60", "GQL_BODY_TIMEOUT_SECONDS": str(TIMEOUT)}
    with serve(sqlite_url(folder / "edges.db"), log, **env) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port), log


def test_a_body_timeout_shorter_than_the_head_s_holds(
    short_body_server: tuple[str, int, Path],
) -> None:
    """A connection's second request trickles its body: it is cut off at the body's
    timeout, though the head's deadline set the timer first."""
    prompt = b'{"query": "{ __typename }"}'
    body = b'{"query": "{ __typename }"' + b" " * BUDGET + b"}"
    with connect(short_body_server) as sock:
        sock.sendall(post(prompt) + prompt)
        first = b""
        while b'"Query"' not in first:
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        sock.sendall(post(body))
        sent = trickle(sock, body)
        answer = read_all(sock)
    assert sent < len(body), "the server kept reading a body trickled for 10 s"
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]


def post(body: bytes) -> bytes:
    """A POST's head for ``body``."""
    return (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
