"""Adaptive send rate: a client that finds the server's request quota from its 429 answers.

:class:`AdaptiveRate` is created by :class:`~easyink_ext.EasyInk` (``rate_limit=``) and shared
by the client, its ``with_options`` views and its :class:`~easyink_ext.EasyInkSync`. Every
attempt of every request waits for it before it is sent. The rules:

**When it applies.** ``rate_limit="adaptive"``: to every request. ``"auto"`` (the default): to
the requests made inside :func:`~easyink_ext.run_batch` (and so ``easyink batch``), not to a
plain client's. ``"off"``: never.

**A 429 pauses the whole client.** Every request of the client (not only the one answered 429)
waits until the answer's ``Retry-After`` (at most ``max_retry_after``; 1 s without one), and
the request is sent again without counting against ``max_retries`` or the retry budget. A
request that would wait more than ``max_rate_wait`` seconds in all (default 300; 0 = never wait
for a pause) raises :class:`~easyink_ext.errors.RateLimitError` instead, and so does the
``MAX_THROTTLED_ATTEMPTS``-th 429 answer to one request. Waiting requests queue in order.

**Finding the rate.** Until the first 429 the client does not space requests: it only bounds
those in flight, starting at 2 and adding one for every two answers (so a burst of ``-c 64``
tasks does not reach the server at once). The first 429 sets a send rate (requests per
second): ``0.9 x`` the answers of the last second; the rate then doubles every quarter second
while the client uses all of it, until a 429 arrives after at least half a second of sending
without a pause. That measurement is trusted: the rate becomes ``0.9 x`` the answer rate
measured over the sending before it (up to two seconds since the last pause, per at least one
second), and from then on it rises again slowly (additively, by 2 % of that measured rate per
second, divided between the busy workers of a batch fleet) while the client uses all of it.
Once trusted, one decrease at most halves the rate. A 429 for a request sent before the last
decrease, or less than a second of sending after it, does not lower it again (it only pauses).
The rate never goes above
twice the rate measured over the last second (once a second has passed since the last pause),
never above the ``rate_per_second`` ceiling, and never below 0.5 request/s.

**A fleet shares it.** Batch workers sharing a ledger publish their current rate with their
heartbeat (0 while they do not use all of it: idle, or waiting for rows others hold); each busy
worker takes the mean of the busy workers' rates (its share of the fleet's), and divides its
increase between them; when a worker stops being busy, the others split its part.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

import anyio

__all__ = [
    "DEFAULT_MAX_RATE_WAIT",
    "MAX_THROTTLED_ATTEMPTS",
    "RATE_LIMIT_MODES",
    "AdaptiveRate",
    "BatchRates",
    "RateWaitTooLong",
    "batch_rates",
]

RATE_LIMIT_MODES = ("auto", "adaptive", "off")
DEFAULT_MAX_RATE_WAIT = 300.0

_START_WINDOW = 2.0  # requests in flight before the first answer
_START_GROWTH = 0.5  # more in flight per answer until the first 429
_MAX_WINDOW = 1e9
_WINDOW = 1.0  # seconds over which the answer rate is measured
_LONG_WINDOW = 2.0  # seconds of sending (no pause) that measure the rate at a 429
_TRUSTED_SPAN = 0.5  # seconds of sending without a pause that make a measurement trusted
_PROBE_DOUBLING = 0.25  # seconds per doubling of the rate before a trusted measurement
_BETA = 0.9  # the rate after a 429, as a share of the measured rate
_AIMD_STEP = 0.02  # additive increase per second, as a share of the last measured rate
_CUBIC_RETURN = 3.0  # seconds CUBIC takes to come back to the last measured rate
_MIN_RATE = 0.5
_DEFAULT_PAUSE = 1.0  # a 429 without Retry-After
_MIN_PAUSE = 0.0  # a 429 with Retry-After: 0 (then MAX_THROTTLED_ATTEMPTS bounds the loop)
_DECREASE_GAP = 1.0  # seconds of sending after a decrease's pause before another decrease
MAX_THROTTLED_ATTEMPTS = 100
_POLL = 0.05  # the first waiting request looks at the rate again this often
_BINDING = 0.5  # the rate grows only if a request waited for it this recently


class BatchRates:
    """The controllers used by the rows of one :func:`~easyink_ext.run_batch` call."""

    def __init__(self) -> None:
        self.controllers: dict[AdaptiveRate, None] = {}

    def published(self) -> float:
        """This worker's send rate: the rates its controllers use fully (0: none does)."""
        return sum(c.busy_rate() for c in self.controllers)

    def share(self, rates: Sequence[float]) -> None:
        """Give every controller its share of the fleet (see :meth:`AdaptiveRate.share`)."""
        for controller in self.controllers:
            controller.share(rates)


_BATCH: contextvars.ContextVar[BatchRates | None] = contextvars.ContextVar(
    "easyink_batch_rates", default=None
)


def batch_rates() -> contextvars.ContextVar[BatchRates | None]:
    """The context variable :func:`~easyink_ext.run_batch` sets for the requests of its rows."""
    return _BATCH


class RateWaitTooLong(Exception):
    """The wait for the send rate would exceed ``max_rate_wait`` (``wait``: seconds needed)."""

    def __init__(self, wait: float) -> None:
        self.wait = wait
        super().__init__(f"the send rate would make this request wait {wait:.3g} s")


class AdaptiveRate:
    """The send-rate controller of one client (see the module docstring).

    ``clock``/``sleep`` default to ``time.monotonic``/``anyio.sleep`` and exist for tests;
    ``increase`` is ``"aimd"`` (default) or ``"cubic"`` (the AWS SDKs' adaptive mode).
    """

    def __init__(
        self,
        *,
        mode: str = "adaptive",
        ceiling: float | None = None,
        max_wait: float = DEFAULT_MAX_RATE_WAIT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        increase: str = "aimd",
    ) -> None:
        if mode not in RATE_LIMIT_MODES:
            raise ValueError(f"rate_limit must be one of {RATE_LIMIT_MODES}, not {mode!r}")
        if ceiling is not None and not (ceiling > 0 and math.isfinite(ceiling)):
            raise ValueError("rate_per_second must be a finite number > 0")
        if not max_wait >= 0:
            raise ValueError("max_rate_wait must be >= 0")
        if increase not in ("aimd", "cubic"):
            raise ValueError("increase must be 'aimd' or 'cubic'")
        self.mode = mode
        self.ceiling = ceiling
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep if sleep is not None else anyio.sleep
        self._cubic = increase == "cubic"
        self.workers = 1  # busy workers of the fleet (1 alone)
        self._fleet_total = 0.0  # their rates' sum at the last share
        # In flight, and how many may be, until the first 429 (then the rate takes over).
        self._in_flight = 0
        self._window = _START_WINDOW
        self._freed: anyio.Event | None = None
        self._rate: float | None = None  # requests per second once a 429 was seen
        self._trusted = False
        self._last_max = 0.0  # measured rate at the last trusted decrease
        self._decreased_at = 0.0
        self._epoch = 0  # bumped by every decrease
        self._last_sent = -math.inf
        self._queue: deque[anyio.Event] = deque()
        self._paused_until = 0.0
        self._active_since: float | None = None
        self._waited_at = -math.inf
        self._updated: float | None = None
        self._answers: deque[float] = deque()  # answer times over the last _LONG_WINDOW
        self._recent: deque[float] = deque()  # answer times over the last _WINDOW
        self.throttles = 0

    # -- what users and the batch runner read --------------------------------------------------

    def engaged(self) -> bool:
        """True when requests sent now go through the controller (a batch then knows it)."""
        if self.mode == "off":
            return False
        batch = _BATCH.get()
        if batch is None:
            return self.mode == "adaptive"
        if self not in batch.controllers:
            batch.controllers[self] = None
        return True

    @property
    def rate(self) -> float | None:
        """Requests per second the client may send now (``None``: not limited by a rate yet)."""
        if self._rate is None:
            return self.ceiling
        return self._rate if self.ceiling is None else min(self._rate, self.ceiling)

    @property
    def measured_rate(self) -> float:
        """Answers per second over the last second."""
        return self._last_second(self._clock()) / _WINDOW

    def paused_for(self) -> float:
        """Seconds until the current pause ends (0 when not paused)."""
        return max(0.0, self._paused_until - self._clock())

    def busy_rate(self) -> float:
        """The current rate while the client uses all of it (waited within a second), else 0."""
        rate = self._rate
        if rate is None or self._clock() - self._waited_at > _WINDOW:
            return 0.0
        return rate

    def share(self, rates: Sequence[float]) -> None:
        """Take this worker's share of a fleet: the mean of the rates its busy workers
        published (an idle worker publishes 0 and is not counted). When fewer workers are
        busy than at the last share, the remaining ones split the fleet's previous total."""
        known = [r for r in rates if r > 0 and math.isfinite(r)]
        busy, total = len(known), sum(known)
        if 0 < busy < self.workers and self._fleet_total > total:
            total = self._fleet_total  # a worker stopped: the others take its part
        self.workers, self._fleet_total = max(1, busy), total
        if self._rate is not None and busy > 1 and self.busy_rate() > 0:
            self._rate = max(_MIN_RATE, total / busy)

    # -- one attempt ---------------------------------------------------------------------------

    async def acquire(self, max_wait: float | None = None) -> tuple[int, float]:
        """Wait until an attempt may be sent: ``(epoch, seconds waited)``.

        Waiting requests queue in order; only the first one sleeps (until the end of a pause
        and the next free slot at the current rate, which it looks at again every 50 ms).
        Raises :class:`RateWaitTooLong` when the wait would exceed ``max_wait`` (default
        :attr:`max_wait`); the request leaves the queue then.
        """
        budget = self.max_wait if max_wait is None else max_wait
        began = self._clock()
        ticket: anyio.Event | None = None
        try:
            while True:
                now = self._clock()
                self._update(now)
                if self._rate is None and self._in_flight >= self._window:
                    await self._wait_for_room(budget - (now - began))
                    continue
                ready_at = max(self._paused_until, self._last_sent + self._interval())
                first = not self._queue or self._queue[0] is ticket
                if first and now >= ready_at:
                    return self._take(now, ticket), now - began
                ahead = self._queue.index(ticket) if ticket is not None else len(self._queue)
                expected = max(0.0, ready_at - now) + ahead * self._interval()
                if now - began + expected > budget:
                    raise RateWaitTooLong(now - began + expected)
                self._waited_at = now
                if ticket is None:
                    ticket = anyio.Event()
                    self._queue.append(ticket)
                    first = self._queue[0] is ticket
                if first:
                    await self._sleep(min(ready_at - now, _POLL))
                else:
                    with anyio.move_on_after(max(0.0, budget - (now - began))):
                        await ticket.wait()
                    ticket = self._requeue(ticket)
        finally:
            if ticket is not None:
                self._leave(ticket)

    def done(self, epoch: int, status: int | None, retry_after: float | None) -> None:
        """An attempt ended: its answer's status (``None``: no answer) and ``Retry-After``."""
        now = self._clock()
        self._in_flight -= 1
        if self._freed is not None:
            self._freed.set()
            self._freed = None
        if status == 429:
            self._throttled(now, epoch, retry_after)
            return
        if status is not None:
            self._answers.append(now)
            self._recent.append(now)
            self._forget(now)
            if self._rate is None:
                self._window = min(_MAX_WINDOW, self._window + _START_GROWTH)
        self._update(now)

    # -- internals -----------------------------------------------------------------------------

    def _take(self, now: float, ticket: anyio.Event | None) -> int:
        """Send now: leave the queue (the next in it becomes first), count it in flight."""
        if ticket is not None:
            self._leave(ticket)
        self._last_sent = now
        self._in_flight += 1
        if self._active_since is None:
            self._active_since = now
        return self._epoch

    def _leave(self, ticket: anyio.Event) -> None:
        """Take ``ticket`` out of the queue; wake the new first one."""
        queue = self._queue
        if ticket not in queue:
            return
        was_first = queue[0] is ticket
        queue.remove(ticket)
        if was_first and queue:
            queue[0].set()

    def _requeue(self, ticket: anyio.Event) -> anyio.Event:
        """A fresh event in the same place (an anyio.Event is set only once)."""
        if ticket not in self._queue:
            return ticket
        fresh = anyio.Event()
        self._queue[self._queue.index(ticket)] = fresh
        return fresh

    async def _wait_for_room(self, budget: float) -> None:
        """Until the first 429: wait until fewer requests are in flight than allowed."""
        if budget <= 0:
            raise RateWaitTooLong(0.0)
        if self._freed is None:
            self._freed = anyio.Event()
        freed = self._freed
        self._waited_at = self._clock()
        with anyio.move_on_after(budget):
            await freed.wait()

    def _interval(self) -> float:
        rate = self.rate
        return 0.0 if rate is None else 1.0 / rate

    def _forget(self, now: float) -> None:
        answers = self._answers
        while answers and answers[0] <= now - _LONG_WINDOW:
            answers.popleft()

    def _last_second(self, now: float) -> int:
        """Answers received over the last ``_WINDOW`` seconds."""
        recent = self._recent
        while recent and recent[0] <= now - _WINDOW:
            recent.popleft()
        return len(recent)

    def _count_since(self, start: float) -> int:
        """Answers received after ``start`` (within the last ``_LONG_WINDOW`` seconds; at a
        429 only, it walks them)."""
        self._forget(self._clock())
        count = 0
        for at in reversed(self._answers):
            if at <= start:
                break
            count += 1
        return count

    def _measure_at_throttle(self, now: float, span: float) -> float:
        """Answers per second over the sending before this 429: up to ``_LONG_WINDOW``
        seconds since the last pause, divided by at least one second."""
        span = min(span, _LONG_WINDOW)
        return self._count_since(now - span) / max(span, _WINDOW)

    def _throttled(self, now: float, epoch: int, retry_after: float | None) -> None:
        """A 429: pause everything; lower the rate once per episode."""
        self.throttles += 1
        pause = _DEFAULT_PAUSE if retry_after is None else max(_MIN_PAUSE, retry_after)
        self._paused_until = max(self._paused_until, now + pause)
        if epoch != self._epoch:
            return  # sent before the last decrease: that one already answered for it
        if self._trusted and now < self._decreased_at + _DECREASE_GAP:
            return  # lowered less than a second of sending ago: not again yet
        self._forget(now)
        span = _WINDOW if self._active_since is None else now - self._active_since
        trusted = span >= _TRUSTED_SPAN and self._rate is not None
        measured = self._measure_at_throttle(now, span)
        self._epoch += 1
        self._decreased_at = self._paused_until
        self._updated = self._paused_until
        self._active_since = None
        if self._rate is not None and self._trusted:
            # Once the rate is known, at most halved at once: a fleet worker that sent little
            # before the fleet used the quota up measures little, and should not stop.
            measured = max(measured, self._rate / 2 / _BETA)
        if trusted or self._trusted:
            self._trusted = True
            self._last_max = max(measured, _MIN_RATE)
            self._rate = max(_MIN_RATE, _BETA * self._last_max)
        else:
            self._rate = max(_MIN_RATE, _BETA * measured)

    def _update(self, now: float) -> None:
        """Raise the rate for the time since the last update, if the client used all of it."""
        rate, last = self._rate, self._updated
        if now < self._paused_until:
            return
        self._updated = now
        if rate is None or last is None or now <= last:
            return
        if now - self._waited_at > _BINDING:
            return  # the client does not use all of its rate: nothing to learn
        dt = now - last
        if not self._trusted:
            rate *= 2.0 ** (dt / _PROBE_DOUBLING)
        elif self._cubic:
            rate = self._cubic_rate(now)
        else:
            rate += _AIMD_STEP * self._last_max * dt / self.workers
        if now - self._paused_until >= _WINDOW:
            rate = min(rate, max(2.0 * self._last_second(now) / _WINDOW, _MIN_RATE))
        if self.ceiling is not None:
            rate = min(rate, self.ceiling)
        self._rate = max(rate, _MIN_RATE)

    def _cubic_rate(self, now: float) -> float:
        """CUBIC: back to the last measured rate in ``_CUBIC_RETURN`` s, then beyond it."""
        w_max = self._last_max
        scale = w_max * (1.0 - _BETA) / _CUBIC_RETURN**3
        t = (now - self._decreased_at) / float(self.workers) ** (1.0 / 3.0)
        return float(w_max + scale * (t - _CUBIC_RETURN) ** 3)
