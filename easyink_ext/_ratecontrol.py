"""Adaptive send rate: a client that finds the server's request quota from its 429 answers.

:class:`AdaptiveRate` is created by :class:`~easyink_ext.EasyInk` (``rate_limit=``) and shared
by the client, its ``with_options`` views and its :class:`~easyink_ext.EasyInkSync`. Every
attempt of every request waits for it before it is sent. The rules:

**When it applies.** ``rate_limit="adaptive"``: to every request. ``"auto"`` (the default): to
the requests made inside :func:`~easyink_ext.run_batch` (and so ``easyink batch``), not to a
plain client's. ``"off"``: never.

**A 429 pauses the whole client.** Every request of the client (not only the one answered 429)
waits until the answer's ``Retry-After`` (at most ``max_retry_after``, at least 0.1 s; 1 s
without one), and
the request is sent again without counting against ``max_retries`` or the retry budget. A
request that would wait more than ``max_rate_wait`` seconds in all (default 300; 0 = never wait
for a pause) raises :class:`~easyink_ext.errors.RateLimitError` instead.

**Finding the rate.** Until the first 429 the client does not space requests: it only bounds
those in flight, starting at 2 and adding one for every two answers (so a burst of ``-c 64``
tasks does not reach the server at once). The first 429 sets a send rate (requests per
second) from the answer rate measured over the last second, and the rate then doubles every
quarter second while the client uses all of it, until a 429 arrives after at least half a
second of sending without a pause: that measurement is trusted, the rate becomes
``0.9 x`` the answer rate measured over the second before, and from then on it rises again
slowly (additively, by 2 % of that measured rate per second, divided between the live
workers of a batch fleet) while the client uses all of it. Another 429 for a request sent
before the last decrease does not lower it twice. The rate never goes above twice the rate
measured over the last second (once a second has passed since the last pause), never above the
``rate_per_second`` ceiling, and never below 0.5 request/s.

**A fleet shares it.** Batch workers sharing a ledger publish their current rate with their
heartbeat; each takes the mean of the published rates (its share of the fleet's), and divides
its additive increase by the number of live workers.
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
_TRUSTED_SPAN = 0.5  # seconds of sending without a pause that make a measurement trusted
_PROBE_DOUBLING = 0.25  # seconds per doubling of the rate before a trusted measurement
_BETA = 0.9  # the rate after a 429, as a share of the measured rate
_AIMD_STEP = 0.02  # additive increase per second, as a share of the last measured rate
_CUBIC_RETURN = 3.0  # seconds CUBIC takes to come back to the last measured rate
_MIN_RATE = 0.5
_DEFAULT_PAUSE = 1.0  # a 429 without Retry-After
_MIN_PAUSE = 0.1  # a 429 with Retry-After: 0
_BINDING = 0.5  # the rate grows only if a request waited for it this recently


class BatchRates:
    """The controllers used by the rows of one :func:`~easyink_ext.run_batch` call."""

    def __init__(self) -> None:
        self.controllers: dict[AdaptiveRate, None] = {}

    def published(self) -> float | None:
        """This worker's send rate (``None`` while no controller has a rate yet)."""
        rates = [c.rate for c in self.controllers if c.rate is not None]
        return sum(rates) if rates else None

    def share(self, rates: Sequence[float], workers: int) -> None:
        """Give every controller its share of the fleet (see :meth:`AdaptiveRate.share`)."""
        for controller in self.controllers:
            controller.share(rates, workers)


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
        self.workers = 1
        # In flight, and how many may be, until the first 429 (then the rate takes over).
        self._in_flight = 0
        self._window = _START_WINDOW
        self._freed: anyio.Event | None = None
        self._rate: float | None = None  # requests per second once a 429 was seen
        self._trusted = False
        self._last_max = 0.0  # measured rate at the last trusted decrease
        self._decreased_at = 0.0
        self._epoch = 0  # bumped by every decrease
        self._next = 0.0  # when the next request may be sent (GCRA)
        self._paused_until = 0.0
        self._active_since: float | None = None
        self._waited_at = -math.inf
        self._updated: float | None = None
        self._answers: deque[float] = deque()
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
        self._forget(self._clock())
        return len(self._answers) / _WINDOW

    def paused_for(self) -> float:
        """Seconds until the current pause ends (0 when not paused)."""
        return max(0.0, self._paused_until - self._clock())

    def share(self, rates: Sequence[float], workers: int) -> None:
        """Take this worker's share of a fleet: the mean of the rates its workers published."""
        self.workers = max(1, workers)
        known = [r for r in rates if r > 0 and math.isfinite(r)]
        if self._rate is not None and len(known) > 1:
            self._rate = max(_MIN_RATE, sum(known) / len(known))

    # -- one attempt ---------------------------------------------------------------------------

    async def acquire(self, max_wait: float | None = None) -> tuple[int, float]:
        """Wait until an attempt may be sent: ``(epoch, seconds waited)``.

        Raises :class:`RateWaitTooLong` when the wait would exceed ``max_wait`` (default
        :attr:`max_wait`); nothing is reserved then.
        """
        budget = self.max_wait if max_wait is None else max_wait
        waited = 0.0
        while True:
            now = self._clock()
            self._update(now)
            pause = self._paused_until - now
            if pause > 0:
                waited += await self._wait(pause, waited, budget)
                continue
            if self._rate is None and self._in_flight >= self._window:
                waited += await self._wait_for_room(now, waited, budget)
                continue
            delay = self._reserve(now)
            if delay > budget - waited:
                self._next -= self._interval()
                raise RateWaitTooLong(waited + delay)
            if delay <= 0 or await self._slept_through(delay):
                self._in_flight += 1
                if self._active_since is None:
                    self._active_since = now
                return self._epoch, waited + max(0.0, delay)
            waited += delay

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
            if self._rate is None:
                self._window = min(_MAX_WINDOW, self._window + _START_GROWTH)
        self._update(now)

    # -- internals -----------------------------------------------------------------------------

    async def _wait(self, seconds: float, waited: float, budget: float) -> float:
        if seconds > budget - waited:
            raise RateWaitTooLong(waited + seconds)
        await self._sleep(seconds)
        return seconds

    async def _wait_for_room(self, now: float, waited: float, budget: float) -> float:
        if budget - waited <= 0:
            raise RateWaitTooLong(waited)
        if self._freed is None:
            self._freed = anyio.Event()
        freed = self._freed
        with anyio.move_on_after(budget - waited):
            await freed.wait()
        self._waited_at = self._clock()
        return self._waited_at - now

    async def _slept_through(self, delay: float) -> bool:
        """Sleep until the reserved slot; False when a pause began meanwhile (wait for it)."""
        self._waited_at = self._clock()
        await self._sleep(delay)
        return self._paused_until <= self._clock()

    def _interval(self) -> float:
        rate = self.rate
        return 0.0 if rate is None else 1.0 / rate

    def _reserve(self, now: float) -> float:
        interval = self._interval()
        if interval == 0.0:
            return 0.0
        slot = max(now, self._next)
        self._next = slot + interval
        return slot - now

    def _forget(self, now: float) -> None:
        answers = self._answers
        while answers and answers[0] <= now - _WINDOW:
            answers.popleft()

    def _throttled(self, now: float, epoch: int, retry_after: float | None) -> None:
        """A 429: pause everything; lower the rate once per episode."""
        self.throttles += 1
        pause = _DEFAULT_PAUSE if retry_after is None else max(_MIN_PAUSE, retry_after)
        self._paused_until = max(self._paused_until, now + pause)
        self._next = max(self._next, self._paused_until)
        if epoch != self._epoch:
            return  # sent before the last decrease: that one already answered for it
        self._forget(now)
        measured = len(self._answers) / _WINDOW
        trusted = (
            self._active_since is not None
            and now - self._active_since >= _TRUSTED_SPAN
            and self._rate is not None
        )
        self._epoch += 1
        self._decreased_at = self._paused_until
        self._updated = self._paused_until
        self._active_since = None
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
        if now - self._decreased_at >= _WINDOW:
            self._forget(now)
            rate = min(rate, max(2.0 * len(self._answers) / _WINDOW, _MIN_RATE))
        if self.ceiling is not None:
            rate = min(rate, self.ceiling)
        self._rate = max(rate, _MIN_RATE)

    def _cubic_rate(self, now: float) -> float:
        """CUBIC: back to the last measured rate in ``_CUBIC_RETURN`` s, then beyond it."""
        w_max = self._last_max
        scale = w_max * (1.0 - _BETA) / _CUBIC_RETURN**3
        t = (now - self._decreased_at) / float(self.workers) ** (1.0 / 3.0)
        return float(w_max + scale * (t - _CUBIC_RETURN) ** 3)
