"""HTTP/1.1 connection edges uvicorn leaves open: head size, header count, slow clients.

uvicorn's httptools protocol (the one ``serve`` runs: it is faster than h11) puts no
limit on a request's head: httptools buffers a header of any size and any number of
them, and no timer runs while a request arrives (uvicorn's ``timeout_keep_alive`` only
covers the idle time between two requests of a connection; a new connection that sends
nothing, or one byte now and then, stays open). h11 bounds the head's size
(``h11_max_incomplete_event_size``, 16 KiB by default) but not the number of headers,
and has no timer either. ``GuardedHttpToolsProtocol`` is uvicorn's httptools protocol
with, per request:

- the request line and headers at most ``max_header_bytes`` bytes and ``max_headers``
  header lines: over either, ``431`` (``414`` for the request line alone) and the
  connection closed, as soon as the bytes received show it (a 4 MiB header is refused
  after its first ``max_header_bytes`` bytes, not buffered);
- the head within ``header_timeout_seconds`` of the request's first byte (of the
  connection's opening, for its first request), and the body within
  ``body_timeout_seconds`` of the end of the head: past either, ``408`` (when nothing
  was answered yet) and the connection closed; the application, if it was reading the
  body, sees the client disconnect.

It also sends each response's head with its body, in one send (``_HeadWithBody``): uvicorn
writes them apart, and for a small answer the second send cost as much as the first.

The limits are ``TransportLimits`` (``GQL_MAX_HEADER_BYTES``, ``GQL_MAX_HEADERS``,
``GQL_HEADER_TIMEOUT_SECONDS``, ``GQL_BODY_TIMEOUT_SECONDS``), read from the environment
once per process: uvicorn builds the protocol itself, in each worker.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from gql_server.settings import TransportLimits

log = logging.getLogger("gql_server.http.edges")
# Raw bytes a head may take beyond what the limit counts (the URL, header names and
# values with their ": " and line ends): the method, the version, the final line end.
RAW_SLACK = 1024


@functools.cache
def process_limits() -> TransportLimits:
    return TransportLimits.from_env()


class _Refused(Exception):
    """Raised inside a parser callback to stop parsing a refused request."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with head limits and head/body timeouts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.edges = process_limits()
        self._in_head = False
        self._head_bytes = 0  # raw bytes received since the request's first byte
        self._line_bytes = 0  # the request line's (its URL) as parsed
        self._field_bytes = 0  # header names and values as parsed
        self._header_count = 0
        self._refusal: tuple[int, str] | None = None
        # The phase's deadline (loop time; None: none runs), and the one timer: see _arm.
        self._due: float | None = None
        self._what = ""
        self._seconds = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    # Timers. A request arms two (its head, its body) and disarms both; a timer each time
    # cost a loop timer's making, scheduling and cancelling, twice a request. Arming sets
    # the deadline; the connection's one timer runs no later than it, and when it runs
    # early (the deadline moved on) it is set again for the deadline. With requests
    # arriving, it runs about once per head timeout.

    def _arm(self, seconds: float, what: str) -> None:
        due = self.loop.time() + seconds
        self._due, self._what, self._seconds = due, what, seconds
        if self._timer is not None:
            if self._timer_at <= due:
                return  # it runs in time, and looks again
            self._timer.cancel()
        self._timer_at = due
        self._timer = self.loop.call_at(due, self._on_timer)

    def _disarm(self) -> None:
        self._due = None

    def _on_timer(self) -> None:
        self._timer = None
        due = self._due
        if due is None:
            return
        if self.loop.time() < due:
            self._timer_at = due
            self._timer = self.loop.call_at(due, self._on_timer)
            return
        self._due = None
        self._expired(self._what, self._seconds)

    def _stop_timer(self) -> None:
        self._due = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self, what: str, seconds: float) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        log.info(
            "closing %s: the request's %s did not arrive within %gs",
            _peer(self.client),
            what,
            seconds,
        )
        cycle = self.cycle
        if what == "headers":
            unanswered = cycle is None or cycle.response_complete  # between requests
        else:
            unanswered = cycle is not None and not cycle.response_started
        if unanswered:
            self._write_status(408, f"The request's {what} did not arrive within {seconds:g} s.")
        self.transport.close()

    def _start_head(self) -> None:
        self._in_head = True
        self._head_bytes = self._line_bytes = self._field_bytes = self._header_count = 0
        self._arm(self.edges.header_timeout_seconds, "headers")

    # Connection events

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()  # its first request's head must come in time too

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self._in_head:
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError:
            if self._refusal is not None:
                self._refuse(*self._refusal)
                return
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
            return
        if self._in_head and self._head_bytes > self.edges.max_header_bytes + RAW_SLACK:
            # Still no end of the head: refused without buffering the rest of it.
            self._refuse(
                431, f"The request's headers are larger than {self.edges.max_header_bytes} bytes."
            )

    def handle_websocket_upgrade(self) -> None:
        self._in_head = False
        self._stop_timer()  # a WebSocket connection has its own timers (ping, connection_init)
        super().handle_websocket_upgrade()

    # Parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_head:
            # A later request of a keep-alive connection: its head starts now.
            self._start_head()
            self._head_bytes = 1  # at least its first byte

    def on_url(self, url: bytes) -> None:
        self._line_bytes += len(url)
        if self._line_bytes > self.edges.max_header_bytes:
            self._stop(
                414, f"The request's URL is longer than {self.edges.max_header_bytes} bytes."
            )
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._field_bytes += len(name) + len(value) + 4  # ": " and CRLF
        if self._header_count > self.edges.max_headers:
            self._stop(431, f"The request has more than {self.edges.max_headers} headers.")
        if self._line_bytes + self._field_bytes > self.edges.max_header_bytes:
            self._stop(
                431, f"The request's headers are larger than {self.edges.max_header_bytes} bytes."
            )
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm()
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is None or self.parser.should_upgrade():
            return
        if not cycle.waiting_for_100_continue:
            # The cycle writes through a transport that sends its head with its body (a
            # client waiting for "100 Continue" needs that first write sent as it is).
            held = _HeadWithBody(cycle.transport, cycle.on_response)
            cycle.transport, cycle.on_response = held, held.complete  # type: ignore[assignment]
        if cycle.more_body:
            self._arm(self.edges.body_timeout_seconds, "body")

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    # Refusals

    def _stop(self, status: int, message: str) -> None:
        self._refusal = (status, message)
        raise _Refused(message)

    def _refuse(self, status: int, message: str) -> None:
        log.info("refused a request from %s: %s", _peer(self.client), message)
        self._in_head = False
        self._disarm()
        self._write_status(status, message)
        self.transport.close()

    def _write_status(self, status: int, message: str) -> None:
        body = message.encode("ascii", "replace")
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.extend(
            [
                b"content-type: text/plain; charset=utf-8\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(head))


class _HeadWithBody:
    """The transport a request's cycle (uvicorn's ``RequestResponseCycle``) writes through.

    The cycle writes a response's head when the app starts the response and its body when
    the app sends it: two sends, two TCP segments, and for a small answer (a point lookup)
    the second send costs about as much as the first. This holds the cycle's first write
    and sends it with the next one in one ``writelines`` (one ``writev``). Nothing is
    reordered or kept: what is held goes out at the next write, at ``close``, or when the
    cycle completes the response (a HEAD answer writes no body). A request that expects
    ``100 Continue`` gets none (``on_headers_complete``): the cycle's first write is then
    that interim answer, which the client waits for before it sends the body. A streamed
    response's head waits for its first chunk: the app streams nothing that waits between
    chunks (files go out chunk after chunk).
    """

    __slots__ = ("_done", "_first", "_held", "_transport")

    def __init__(self, transport: asyncio.Transport, done: Callable[[], None]) -> None:
        self._transport = transport
        self._done = done  # the cycle's own ``on_response``
        self._held: bytes | None = None
        self._first = True

    def write(self, data: bytes) -> None:
        if self._first:
            self._first = False
            self._held = data
            return
        held = self._held
        if held is None:
            self._transport.write(data)
        else:
            self._held = None
            self._transport.writelines((held, data))

    def _flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def complete(self) -> None:
        self._first = False
        self._flush()
        self._done()


def _peer(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "a client"
