"""The heavy lane: at most ``slots`` expensive operations run at once in a process.

Waiters are served first come, first served, and give up after a bounded wait, so a burst
of expensive requests is answered "busy" quickly instead of queueing past its deadline,
and cheap requests (which never enter the lane) keep the event loop and the database to
themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque


class Lane:
    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.running = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self, wait_seconds: float) -> bool:
        """Take a slot, waiting at most ``wait_seconds``; False when none came free."""
        if self.running < self.slots and not self._waiters:
            self.running += 1
            return True
        if wait_seconds <= 0:
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), wait_seconds)
            return True
        except TimeoutError:
            self._give_up(waiter)
            return False
        except asyncio.CancelledError:
            self._give_up(waiter)
            raise

    def _give_up(self, waiter: asyncio.Future[None]) -> None:
        if waiter.done() and not waiter.cancelled():
            self.release()  # the slot was handed over just as the wait ended: pass it on
            return
        waiter.cancel()
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)

    def release(self) -> None:
        """Give the slot to the first waiter still waiting, or free it."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes on: `running` stays
                return
        self.running -= 1
