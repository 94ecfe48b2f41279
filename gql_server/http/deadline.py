"""Running an operation within a deadline, on every transport."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


async def within(coroutine: Coroutine[Any, Any, T], seconds: float) -> T:
    """The coroutine's result, or TimeoutError once ``seconds`` have passed: the task is then
    cancelled and awaited (whatever it does with the cancellation, its answer is dropped:
    resolvers may swallow CancelledError, so asyncio.wait_for could return it). A
    cancellation of the caller (the client left, or completed the operation) cancels the
    task too."""
    task = asyncio.ensure_future(coroutine)
    try:
        done, _ = await asyncio.wait({task}, timeout=max(0.0, seconds))
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task in done:
        return task.result()
    task.cancel()
    with contextlib.suppress(BaseException):
        await task
    raise TimeoutError
