"""Reading a POST body (``read_body``): whole in one piece or in many, within the body limit,
and in memory about its own size however many pieces it comes in."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import pytest
from starlette.requests import Request

from gql_server.http.request_parsing import HTTPProblem, read_body

SCOPE: dict[str, Any] = {"type": "http", "method": "POST", "headers": []}


def _messages(pieces: list[bytes], *, cut: bool = False) -> list[dict[str, Any]]:
    """``pieces`` as ASGI messages (``cut``: the last says more is coming, and none does)."""
    messages = [{"type": "http.request", "body": piece, "more_body": True} for piece in pieces]
    messages[-1]["more_body"] = cut
    return messages


def _read(messages: list[dict[str, Any]], limit: int) -> bytes:
    """``read_body`` over ``messages``, then a disconnect."""
    queue = iter(messages)

    async def receive() -> dict[str, Any]:
        return next(queue, {"type": "http.disconnect"})

    return asyncio.run(read_body(Request(SCOPE, receive), limit))


def test_one_piece_and_many_pieces_read_the_same_body() -> None:
    body = b'{"query": "{ dockingEvents { count } }"}'
    assert _read(_messages([body]), 1000) == body
    assert _read(_messages([body[i : i + 1] for i in range(len(body))]), 1000) == body


def test_a_body_one_byte_over_the_limit_is_refused_in_pieces_too() -> None:
    assert _read(_messages([b"x" * 500, b"y" * 500]), 1000) == b"x" * 500 + b"y" * 500
    with pytest.raises(HTTPProblem) as refused:
        _read(_messages([b"x" * 500, b"y" * 501]), 1000)
    assert refused.value.status == 413


def test_a_client_that_leaves_mid_body_gets_400() -> None:
    with pytest.raises(HTTPProblem) as refused:
        _read(_messages([b"{", b'"query"'], cut=True), 1000)
    assert refused.value.status == 400
    assert refused.value.message == "the client disconnected before sending the whole body"


def test_a_body_of_many_one_byte_pieces_costs_about_its_own_size() -> None:
    """100,000 pieces of one byte: a list of them would have held about 4 MB at its peak;
    one buffer holds about the body's 100 kB (twice, as it becomes bytes)."""
    messages = _messages([b"x"] * 100_000)
    tracemalloc.start()
    try:
        body = _read(messages, 200_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert body == b"x" * 100_000
    assert peak < 1_000_000, peak
