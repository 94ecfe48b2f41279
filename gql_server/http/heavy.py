"""The heavy lane: expensive operations execute on a thread with an event loop of its own.

An operation whose cost reaches ``Limits.heavy_cost`` (a full LL2 page, statistics grouped
by every key, a long search) keeps Python busy for tens of milliseconds to seconds while
graphql-core completes its values; on the server's event loop that time would be added to
every other request's latency, however cheap. Here it runs on the lane's own loop, so the
server's loop only waits for it, and the interpreter switches between the two threads
every ``SWITCH_INTERVAL`` seconds while a heavy operation runs: a point lookup is delayed
by a few of those at most.

At most ``slots`` heavy operations run at once; another one waits at most
``queue_seconds`` (within its deadline) for a slot, and is then answered ``SERVER_BUSY``
(HTTP 503 with ``Retry-After``). A slot is given back when the operation has really ended
on the lane's loop, not when its client stopped waiting (a timed-out operation is
cancelled there first).

Reads on the lane's loop go through an engine of their own (``sibling_engine``: asyncpg's
connections belong to the loop that opened them); a SQLite file's request reads go through
its synchronous reader, which any thread may use.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from gql_server.db.engine import sibling_engine
from gql_server.graphql.lanes import Lane

T = TypeVar("T")
# Seconds a thread may hold the interpreter while another waits, while a heavy operation
# runs (Python's default, 5 ms, otherwise: switching more often costs every request a
# little, and with no heavy operation there is nothing to switch to).
SWITCH_INTERVAL = 0.0002
IDLE_INTERVAL = sys.getswitchinterval()  # the interpreter's own, read once at import


class Busy(Exception):
    """No slot of the heavy lane came free in time."""


class HeavyLane:
    def __init__(self, engine: AsyncEngine, slots: Lane, queue_seconds: float) -> None:
        self.main_engine = engine
        self.slots = slots  # shared with the schema's WebSocket operations (EnforceLimits)
        self.queue_seconds = queue_seconds
        self.engine: AsyncEngine | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._running = 0  # heavy operations running now

    async def start(self) -> None:
        ready = threading.Event()
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=serve, name="heavy-lane", daemon=True)
        self._thread.start()
        await asyncio.to_thread(ready.wait)
        self.loop = loop
        self.engine = await self._there(lambda: _make_sibling(self.main_engine))

    async def stop(self) -> None:
        loop, thread = self.loop, self._thread
        if loop is None or thread is None:
            return
        engine = self.engine
        if engine is not None and engine is not self.main_engine:
            with contextlib.suppress(Exception):
                await self._there(engine.dispose)
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, 10)
        self.loop = self._thread = None
        sys.setswitchinterval(IDLE_INTERVAL)

    async def run(self, job: Callable[[AsyncEngine], Awaitable[T]], seconds: float) -> T:
        """``job(engine)`` on the lane's loop, once a slot is free; Busy when none came free
        in time, TimeoutError (the job cancelled) when it ran past ``seconds`` in all."""
        main = asyncio.get_running_loop()
        started = main.time()
        if not await self.slots.acquire(min(self.queue_seconds, max(0.0, seconds))):
            raise Busy
        engine = self.engine
        assert engine is not None
        self._running += 1
        if self._running == 1:
            sys.setswitchinterval(SWITCH_INTERVAL)

        def ended() -> None:
            self.slots.release()
            self._running -= 1
            if self._running == 0:
                sys.setswitchinterval(IDLE_INTERVAL)

        return await self._there(lambda: job(engine), seconds - (main.time() - started), ended)

    async def _there(
        self,
        make: Callable[[], Awaitable[T]],
        seconds: float | None = None,
        ended: Callable[[], None] | None = None,
    ) -> T:
        """Run ``make()`` as a task on the lane's loop and wait for it here; ``ended`` is
        called on this loop once that task has ended, however it ended."""
        loop, main = self.loop, asyncio.get_running_loop()
        assert loop is not None
        answer: asyncio.Future[T] = main.create_future()
        lock = threading.Lock()
        state: dict[str, Any] = {"task": None, "cancelled": False, "abandoned": False}

        def deliver(task: asyncio.Task[T]) -> None:
            def settle() -> None:
                if ended is not None:
                    ended()
                if answer.done():
                    return
                if task.cancelled() or state["abandoned"]:
                    answer.cancel()  # nobody waits for it any more
                elif task.exception() is not None:
                    answer.set_exception(task.exception())  # type: ignore[arg-type]
                else:
                    answer.set_result(task.result())

            main.call_soon_threadsafe(settle)

        def begin() -> None:
            with lock:
                if state["cancelled"]:
                    if ended is not None:
                        main.call_soon_threadsafe(ended)
                    return
                task = loop.create_task(make())  # type: ignore[arg-type]
                state["task"] = task
            task.add_done_callback(deliver)

        def cancel() -> None:
            with lock:
                state["cancelled"] = True
                task = state["task"]
            if task is not None:
                loop.call_soon_threadsafe(task.cancel)

        loop.call_soon_threadsafe(begin)
        try:
            if seconds is None:
                return await asyncio.shield(answer)
            return await asyncio.wait_for(asyncio.shield(answer), max(0.0, seconds))
        except (TimeoutError, asyncio.CancelledError):
            state["abandoned"] = True
            cancel()
            raise


async def _make_sibling(engine: AsyncEngine) -> AsyncEngine:
    return sibling_engine(engine)
