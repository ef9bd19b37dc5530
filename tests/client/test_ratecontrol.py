"""The adaptive send rate (easyink_ext._ratecontrol) on a fake clock, and through the transport."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import httpx
import pytest

from easyink_ext import EasyInk
from easyink_ext._ratecontrol import (
    MAX_THROTTLED_ATTEMPTS,
    AdaptiveRate,
    BatchRates,
    RateWaitTooLong,
    batch_rates,
)
from easyink_ext.errors import RateLimitError


class FakeClock:
    """Time that only moves when a request sleeps (or the test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await anyio.lowlevel.checkpoint()


def controller(clock: FakeClock, **options: object) -> AdaptiveRate:
    return AdaptiveRate(clock=clock, sleep=clock.sleep, **options)  # type: ignore[arg-type]


async def send(rate: AdaptiveRate, clock: FakeClock, status: int = 200, **done: object) -> float:
    """One attempt that takes no time: acquire, then its answer; the seconds it waited."""
    epoch, waited = await rate.acquire()
    rate.done(epoch, status, done.get("retry_after"))  # type: ignore[arg-type]
    return waited


async def run_at(rate: AdaptiveRate, clock: FakeClock, per_second: float, seconds: float) -> int:
    """Answer 200 to requests offered at ``per_second`` (more than the rate allows: the
    rate binds) for ``seconds``; how many were sent."""
    end, sent = clock.now + seconds, 0
    while clock.now < end:
        await send(rate, clock)
        sent += 1
        clock.now += 1.0 / per_second / 4  # demand arrives faster than the rate
    return sent


async def throttle(rate: AdaptiveRate, retry_after: float = 1.0) -> None:
    epoch, _ = await rate.acquire()
    rate.done(epoch, 429, retry_after)


async def learn(rate: AdaptiveRate, clock: FakeClock, quota: float) -> float:
    """Bring the controller to a trusted rate: two 429 episodes; the rate measured before
    the second."""
    for _ in range(int(quota)):
        await send(rate, clock)
        clock.now += 1.0 / quota
    await throttle(rate)  # a first guess from the answers over the last second
    clock.now += 1.0  # the pause
    await run_at(rate, clock, quota, 1.5)
    measured = rate.measured_rate
    await throttle(rate)  # after a second of sending without a pause: trusted
    clock.now += 1.0
    return measured


async def test_modes_and_who_engages() -> None:
    plain = EasyInk(base_url="http://sandbox.test", token="t")
    assert plain.send_rate.mode == "auto"
    assert not plain.send_rate.engaged()  # off for a plain client
    assert plain.with_options(max_retries=0).send_rate is plain.send_rate  # shared by views
    batch = BatchRates()
    token = batch_rates().set(batch)
    try:
        assert plain.send_rate.engaged()  # on inside a batch, which now knows it
        assert list(batch.controllers) == [plain.send_rate]
        off = EasyInk(base_url="http://sandbox.test", token="t", rate_limit="off")
        assert not off.send_rate.engaged()
    finally:
        batch_rates().reset(token)
    assert EasyInk(base_url="http://x.test", rate_limit="adaptive").send_rate.engaged()
    with pytest.raises(ValueError, match="rate_limit must be one of"):
        EasyInk(base_url="http://x.test", rate_limit="fast")
    with pytest.raises(ValueError, match="not with rate_limit='off'"):
        EasyInk(base_url="http://x.test", rate_limit="off", rate_per_second=5)
    with pytest.raises(ValueError, match="max_rate_wait"):
        AdaptiveRate(max_wait=-1)


async def test_before_any_429_only_requests_in_flight_are_bounded() -> None:
    clock = FakeClock()
    rate = controller(clock)
    first, _ = await rate.acquire()
    await rate.acquire()
    assert rate.rate is None
    with pytest.raises(RateWaitTooLong):
        await rate.acquire(max_wait=0)  # two in flight: the start allows two
    rate.done(first, 200, None)
    await rate.acquire()  # one answer: room for half a request more
    for _ in range(20):
        await send(rate, clock)
    assert clock.slept == []  # nothing was spaced


async def test_a_429_pauses_every_request_until_retry_after() -> None:
    clock = FakeClock()
    rate = controller(clock)
    for _ in range(10):
        await send(rate, clock)
        clock.now += 0.1
    other, _ = await rate.acquire()  # in flight while the 429 arrives
    await throttle(rate, retry_after=3)
    assert rate.paused_for() == pytest.approx(3)
    rate.done(other, 200, None)
    waited = await send(rate, clock)
    assert waited == pytest.approx(3, abs=0.06)
    assert rate.paused_for() == 0


async def test_decrease_on_429_from_the_measured_rate() -> None:
    clock = FakeClock()
    rate = controller(clock)
    assert rate.rate is None
    for _ in range(40):
        await send(rate, clock)
        clock.now += 1 / 40
    await throttle(rate)  # the first 429: a rate from the answers of the last second
    assert rate.rate == pytest.approx(0.9 * 40, rel=0.05)
    measured = await learn(rate, clock, quota=40)
    assert rate.rate == pytest.approx(0.9 * measured, rel=0.05)
    before = rate.rate
    assert before is not None
    await run_at(rate, clock, 100, 1.5)
    measured = rate.measured_rate
    await throttle(rate)
    assert rate.rate == pytest.approx(0.9 * measured, rel=0.05)
    # A 429 to a request sent before that decrease does not lower the rate again.
    epoch, _ = await rate.acquire()
    await throttle(rate)
    stale = rate.rate
    rate.done(epoch - 1, 429, 1.0)
    assert rate.rate == stale


async def test_a_pause_alone_does_not_collapse_the_rate() -> None:
    clock = FakeClock()
    rate = controller(clock)
    await learn(rate, clock, quota=40)
    await run_at(rate, clock, 100, 0.5)
    before = rate.rate
    assert before is not None
    await throttle(rate)  # within a second of the last decrease: a pause, no decrease
    assert rate.rate == pytest.approx(before, rel=1e-3)
    clock.now += 1.0  # the pause: no answers in the last second now
    await run_at(rate, clock, 100, 0.5)
    assert rate.rate is not None and rate.rate >= before * 0.999


async def test_recovery_raises_the_rate_while_it_is_used() -> None:
    clock = FakeClock()
    rate = controller(clock)
    await learn(rate, clock, quota=40)
    low = rate.rate
    assert low is not None
    await run_at(rate, clock, 100, 5.0)
    high = rate.rate
    assert high is not None and high > low * 1.05
    # Unused, it does not grow: requests now come slower than the rate.
    for _ in range(20):
        await send(rate, clock)
        clock.now += 0.5
    assert rate.rate is not None and rate.rate <= high * 1.01


async def test_the_ceiling_caps_the_rate_and_spaces_requests() -> None:
    clock = FakeClock()
    rate = controller(clock, ceiling=5.0)
    assert rate.rate == 5.0
    await send(rate, clock)
    assert await send(rate, clock) == pytest.approx(0.2, abs=0.06)  # 5/s
    await learn(rate, clock, quota=40)
    await run_at(rate, clock, 100, 3.0)
    assert rate.rate is not None and rate.rate <= 5.0


async def test_never_above_twice_the_measured_rate() -> None:
    clock = FakeClock()
    rate = controller(clock)
    await learn(rate, clock, quota=10)
    for _ in range(200):  # the rate binds, but only about 10 answers arrive per second
        epoch, _ = await rate.acquire()
        clock.now += 0.1
        rate.done(epoch, 200, None)
        rate._waited_at = clock.now  # as if other requests were queued behind it
    assert rate.rate is not None and rate.rate <= 2 * 10 * 1.15


async def test_fleet_share_takes_the_mean_of_busy_workers() -> None:
    clock = FakeClock()
    rate = controller(clock)
    await learn(rate, clock, quota=40)
    await run_at(rate, clock, 400, 0.5)  # using all of its rate
    batch = BatchRates()
    batch.controllers[rate] = None
    mine = batch.published()
    assert mine == rate.rate and mine > 0  # busy: it published its rate
    batch.share([mine, 10.0, 0.0])  # a second busy worker at 10/s, a third idle
    assert rate.rate == pytest.approx((mine + 10.0) / 2)
    assert rate.workers == 2
    shared = rate.rate
    batch.share([shared, shared, shared])  # a third busy worker joins
    assert rate.workers == 3
    batch.share([shared, shared, 0.0])  # and stops: its part goes to the other two
    assert rate.rate == pytest.approx(shared * 1.5)
    clock.now += 5  # idle now: publishes 0, and takes no share
    assert batch.published() == 0
    before = rate.rate
    batch.share([0.0, 100.0, 50.0])
    assert rate.rate == before


async def test_fail_fast_with_max_wait() -> None:
    clock = FakeClock()
    rate = controller(clock, max_wait=0.5)
    await send(rate, clock)
    await throttle(rate, retry_after=2)
    with pytest.raises(RateWaitTooLong) as caught:
        await rate.acquire()
    assert caught.value.wait == pytest.approx(2)
    assert clock.slept == []  # it did not wait at all


def _client(handler: httpx.MockTransport, **options: object) -> EasyInk:
    return EasyInk(
        base_url="http://sandbox.test",
        token="t",
        transport=handler,
        validate_requests=False,
        rate_limit="adaptive",
        **options,  # type: ignore[arg-type]
    )


async def test_transport_waits_for_the_pause_and_does_not_spend_retries() -> None:
    answers = iter([429, 429, 200])
    seen: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(anyio.current_time())
        status = next(answers)
        headers = {"Retry-After": "0"} if status == 429 else {}
        return httpx.Response(status, json={}, headers=headers)

    async with _client(httpx.MockTransport(handle), max_retries=0) as ei:
        response = await ei.http_client.post("/api/signingSessionDrafts", json={})
        assert response.status_code == 200  # two 429s retried although max_retries=0
        assert ei.send_rate.throttles == 2
        assert ei.retry_budget.tokens == ei.retry_budget.capacity


async def test_transport_fails_fast_with_rate_limit_error() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(
            429,
            json={"error": {"code": "RateLimited", "message": "slow down"}},
            headers={"Retry-After": "30"},
        )

    async with _client(httpx.MockTransport(handle), max_rate_wait=1) as ei:
        with pytest.raises(RateLimitError) as caught:
            await ei.http_client.get("/api/signingSessions/statistics")
        assert calls == 1 and caught.value.retry_after == 30
        # The next request does not even go out: the pause is longer than max_rate_wait.
        with pytest.raises(RateLimitError, match="max_rate_wait"):
            await ei.http_client.get("/api/signingSessions/statistics")
        assert calls == 1


async def test_transport_bounds_a_server_that_always_answers_429() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, json={}, headers={"Retry-After": "0"})

    clock = FakeClock()
    async with _client(httpx.MockTransport(handle), max_rate_wait=10**6) as ei:
        ei._core.rate = controller(clock, mode="adaptive", max_wait=10**6)
        with pytest.raises(RateLimitError):
            await ei.http_client.get("/api/signingSessions/statistics")
    assert calls == MAX_THROTTLED_ATTEMPTS
