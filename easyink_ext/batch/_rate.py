"""A shared rate limit: :class:`RateLimiter` (a GCRA token bucket), split across a fleet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio

__all__ = ["RateLimiter"]


class RateLimiter:
    """Spaces calls to at most ``rate_per_second`` on average, allowing ``burst`` at once.

    A GCRA token bucket: each :meth:`acquire` reserves the next free slot and sleeps until
    it. Share one instance between batches to give them a common limit. ``clock`` and
    ``sleep`` default to anyio's and exist for tests.

    ``rate_per_second`` is the limit of the whole fleet when the limiter is given to a batch
    whose ledger is shared: every heartbeat :meth:`share` sets this process's part to
    ``rate_per_second / live workers``.
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be > 0")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate_per_second = rate_per_second
        self.burst = burst
        self.workers = 1
        self._interval = 1.0 / rate_per_second
        self._clock = clock if clock is not None else anyio.current_time
        self._sleep = sleep if sleep is not None else anyio.sleep
        self._next: float | None = None  # theoretical arrival time of the next call

    def share(self, workers: int) -> None:
        """Take ``1 / workers`` of ``rate_per_second`` (``workers`` live workers share it)."""
        self.workers = max(1, workers)
        self._interval = self.workers / self.rate_per_second

    @property
    def current_rate(self) -> float:
        """Calls per second this process may make now (its share of the fleet's limit)."""
        return 1.0 / self._interval

    def reserve(self) -> float:
        """Take the next slot; return how many seconds to wait for it."""
        now = self._clock()
        tat = now if self._next is None else max(self._next, now)
        allowed_at = tat - (self.burst - 1) * self._interval
        self._next = tat + self._interval
        return max(0.0, allowed_at - now)

    async def acquire(self) -> None:
        """Wait for the next slot (the slot stays used if the wait is cancelled)."""
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)
