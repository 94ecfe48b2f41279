"""A response's head goes out with its body, in one send (``http/edges.py``'s
``_HeadWithBody``): what that must not break, through a real ``serve`` and raw sockets
(keep-alive, pipelining, HEAD, 304, 100-continue), and the holding itself, over a real
socket pair."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from support.databases import sqlite_url
from support.servers import serve

from gql_server.http.edges import _HeadWithBody

QUERY = b'{"query": "{ __typename }"}'


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("writes")
    with serve(sqlite_url(folder / "writes.db"), folder / "server.log") as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def post(body: bytes, *extra: bytes) -> bytes:
    return (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + b"".join(extra)
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    )


class Answers:
    """HTTP/1.1 responses read off one keep-alive connection, one at a time."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _more(self) -> None:
        chunk = self.sock.recv(65536)  # the socket's timeout bounds the wait
        assert chunk, f"the server closed the connection; unread: {self.buffer!r}"
        self.buffer += chunk

    def next(self, *, bodiless: bool = False) -> tuple[bytes, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status, *lines = head.split(b"\r\n")
        headers = {}
        for line in lines:
            name, value = line.decode("latin-1").split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = 0 if bodiless else int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._more()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body


def connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=15)


def test_answers_on_a_kept_alive_connection(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        answers = Answers(sock)
        for _ in range(3):
            sock.sendall(post(QUERY) + QUERY)
            status, headers, body = answers.next()
            assert status == b"HTTP/1.1 200 OK"
            assert body == b'{"data":{"__typename":"Query"}}'
            assert headers["content-length"] == str(len(body))


def test_pipelined_requests_are_answered_in_order(address: tuple[str, int]) -> None:
    first = b'{"query": "{ a: __typename }"}'
    second = b'{"query": "{ b: __typename }"}'
    with connect(address) as sock:
        sock.sendall(post(first) + first + post(second) + second)
        answers = Answers(sock)
        assert answers.next()[2] == b'{"data":{"a":"Query"}}'
        assert answers.next()[2] == b'{"data":{"b":"Query"}}'


def test_a_head_request_is_answered_and_the_connection_goes_on(
    address: tuple[str, int],
) -> None:
    """A HEAD answer has no body to send its head with: completing the response sends it."""
    with connect(address) as sock:
        sock.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answers = Answers(sock)
        status, headers, _ = answers.next(bodiless=True)
        assert status == b"HTTP/1.1 200 OK" and "x-request-id" in headers
        sock.sendall(post(QUERY) + QUERY)
        assert answers.next()[2] == b'{"data":{"__typename":"Query"}}'


def test_a_304_is_answered_and_the_connection_goes_on(address: tuple[str, int]) -> None:
    get = b"GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    with connect(address) as sock:
        answers = Answers(sock)
        sock.sendall(get + b"\r\n")
        status, headers, body = answers.next()
        assert status == b"HTTP/1.1 200 OK" and body == b'{"data":{"__typename":"Query"}}'
        sock.sendall(get + b"If-None-Match: " + headers["etag"].encode() + b"\r\n\r\n")
        status, _, body = answers.next()
        assert status == b"HTTP/1.1 304 Not Modified" and body == b""
        sock.sendall(post(QUERY) + QUERY)
        assert answers.next()[2] == b'{"data":{"__typename":"Query"}}'


def test_expect_100_continue_gets_its_interim_answer_first(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(post(QUERY, b"Expect: 100-continue\r\n"))
        answers = Answers(sock)
        status, _, _ = answers.next(bodiless=True)
        assert status == b"HTTP/1.1 100 Continue"
        sock.sendall(QUERY)
        status, _, body = answers.next()
        assert status == b"HTTP/1.1 200 OK" and body == b'{"data":{"__typename":"Query"}}'


# The holding itself, over a real transport (a socket pair), with its writes counted.


class Counted:
    """A real transport, with what is asked of it written down."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.calls: list[tuple[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.calls.append(("write", data))
        self.transport.write(data)

    def writelines(self, parts: Any) -> None:
        parts = list(parts)
        self.calls.append(("writelines", parts))
        self.transport.writelines(parts)

    def close(self) -> None:
        self.calls.append(("close", None))
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()


async def _pair() -> tuple[Counted, socket.socket]:
    ours, theirs = socket.socketpair()
    theirs.settimeout(5)
    transport, _ = await asyncio.get_running_loop().connect_accepted_socket(asyncio.Protocol, ours)
    return Counted(transport), theirs


def _received(sock: socket.socket, size: int) -> bytes:
    got = b""
    while len(got) < size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


def test_the_head_goes_out_with_the_first_body_write() -> None:
    async def run() -> None:
        counted, theirs = await _pair()
        completed: list[bool] = []
        held = _HeadWithBody(counted, lambda: completed.append(True))  # type: ignore[arg-type]
        held.write(b"HEAD\r\n\r\n")
        assert counted.calls == []  # held
        held.write(b"body")
        held.write(b"more")
        held.complete()
        assert counted.calls == [("writelines", [b"HEAD\r\n\r\n", b"body"]), ("write", b"more")]
        assert completed == [True]
        await asyncio.sleep(0)
        assert _received(theirs, 16) == b"HEAD\r\n\r\nbodymore"
        counted.transport.close()
        theirs.close()

    asyncio.run(run())


@pytest.mark.parametrize("ending", ["complete", "close"])
def test_a_held_head_goes_out_when_the_response_ends_without_a_body(ending: str) -> None:
    async def run() -> None:
        counted, theirs = await _pair()
        held = _HeadWithBody(counted, lambda: None)  # type: ignore[arg-type]
        held.write(b"HEAD\r\n\r\n")
        getattr(held, ending)()
        assert counted.calls[0] == ("write", b"HEAD\r\n\r\n")
        await asyncio.sleep(0)
        assert _received(theirs, 8) == b"HEAD\r\n\r\n"
        if ending == "complete":
            held.write(b"late")  # nothing is held any more: straight through
            assert counted.calls[-1] == ("write", b"late")
            counted.transport.close()
        theirs.close()

    asyncio.run(run())
