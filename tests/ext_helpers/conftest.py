"""Fixtures for the waiters, downloads and batch tests: mock APIs and a virtual clock."""

from __future__ import annotations

import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest
from anyio import wait_all_tasks_blocked

from easyink_ext import EasyInk

BASE_URL = "http://api.test"
TOKEN = "tok-helpers-0123456789"
DRAFT_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SESSION_ID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
DOC_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
DOC_ID_2 = "6fa459ea-ee8a-3ca4-894e-db77e160355e"

Handler = Callable[[httpx.Request], Any]


def mock_client(handler: Handler, **kwargs: Any) -> EasyInk:
    """An EasyInk whose requests are answered by ``handler`` (sync or async), no retry sleeps."""
    options: dict[str, Any] = {"backoff_base": 0.0, "backoff_max": 0.0}
    options.update(kwargs)
    return EasyInk(
        base_url=BASE_URL, token=TOKEN, transport=httpx.MockTransport(handler), **options
    )


def draft_json(*statuses: str) -> dict[str, Any]:
    """A getDraft body whose documents have ``statuses``."""
    ids = [DOC_ID, DOC_ID_2, "0f8fad5b-d9cb-469f-a165-70867728950e"]
    return {
        "signingSessionId": DRAFT_ID,
        "isLocked": False,
        "documents": [
            {"id": ids[i], "title": f"doc{i}.pdf", "status": status}
            for i, status in enumerate(statuses)
        ],
    }


def session_json(status: str, **extra: Any) -> dict[str, Any]:
    """A getSession body with ``status``."""
    return {"signingSessionId": SESSION_ID, "status": status, **extra}


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
