"""Fixtures of the run_batch tests: a virtual clock."""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator

import anyio
import pytest
from anyio import wait_all_tasks_blocked


class VirtualClock:
    """A clock that jumps forward whenever every task is blocked (deterministic sleeps).

    Use :meth:`time` and :meth:`sleep` in place of anyio's, inside ``async with
    clock.running():``.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, anyio.Event]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        event = anyio.Event()
        heapq.heappush(self._sleepers, (self.now + max(0.0, delay), next(self._seq), event))
        await event.wait()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[VirtualClock]:
        """Drive the clock while the body runs."""
        async with anyio.create_task_group() as tg:
            tg.start_soon(self.drive)
            yield self
            tg.cancel_scope.cancel()

    async def drive(self) -> None:
        while True:
            await wait_all_tasks_blocked()
            if self._sleepers:
                wake, _, event = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                event.set()
            else:
                await anyio.sleep(0.001)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()
