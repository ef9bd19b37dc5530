"""run_batch: ordering, error capture, concurrency bound, rate limit (no ledger given)."""

from __future__ import annotations

import itertools

import anyio
import pytest

from easyink_ext.batch import BatchProgress, BatchResult, RateLimiter, run_batch
from easyink_ext.ledger import item_digest, key_from_digest

from .conftest import VirtualClock


class Stop(BaseException):
    """A BaseException that is not cancellation (like KeyboardInterrupt)."""


# -- ordering, errors, concurrency ----------------------------------------------------------


async def test_results_come_back_in_input_order() -> None:
    async def fn(n: int) -> int:
        for _ in range((20 - n) % 7):  # later inputs finish earlier
            await anyio.lowlevel.checkpoint()
        return n * n

    results = await run_batch(range(20), fn, concurrency=5)
    assert [r.index for r in results] == list(range(20))
    assert [r.value for r in results] == [n * n for n in range(20)]
    assert all(r.ok and r.error is None and r.here for r in results)
    assert [r.key for r in results] == [key_from_digest(item_digest(n)) for n in range(20)]


async def test_every_exception_becomes_an_error_result() -> None:
    async def fn(n: int) -> str:
        await anyio.lowlevel.checkpoint()
        if n % 3 == 0:
            raise ValueError(f"bad {n}")
        return f"ok {n}"

    results = await run_batch(range(7), fn, concurrency=3)
    failed = [r for r in results if not r.ok]
    assert [r.index for r in failed] == [0, 3, 6]
    assert all(isinstance(r.error, ValueError) for r in failed)
    assert str(failed[1].error) == "bad 3"
    assert [r.value for r in results if r.ok] == ["ok 1", "ok 2", "ok 4", "ok 5"]


async def test_base_exception_propagates_itself_and_stops_the_batch() -> None:
    calls: list[int] = []

    async def fn(n: int) -> int:
        calls.append(n)
        await anyio.lowlevel.checkpoint()
        if n == 2:
            raise Stop
        await anyio.sleep_forever()
        return n  # pragma: no cover

    with pytest.raises(Stop):
        await run_batch(range(100), fn, concurrency=4)
    assert len(calls) < 100


async def test_outer_cancellation_propagates() -> None:
    started = 0

    async def fn(n: int) -> int:
        nonlocal started
        started += 1
        await anyio.sleep_forever()
        return n  # pragma: no cover

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(run_batch, range(50), fn)
            await anyio.wait_all_tasks_blocked()
            scope.cancel()
    assert scope.cancelled_caught
    assert started == 16


async def test_concurrency_is_bounded_and_used() -> None:
    in_flight = 0
    peak = 0
    tasks_seen: list[int] = []

    async def fn(n: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        tasks_seen.append(len(anyio.get_running_tasks()))
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        in_flight -= 1
        return n

    baseline = len(anyio.get_running_tasks())
    results = await run_batch(range(1000), fn, concurrency=3)
    assert len(results) == 1000
    assert peak == 3
    # Three worker tasks (and one heartbeat) serve the 1000 inputs: no task per input.
    assert max(tasks_seen) <= baseline + 4


async def test_shared_capacity_limiter_bounds_across_batches() -> None:
    in_flight = 0
    peak = 0

    async def fn(n: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.lowlevel.checkpoint()
        await anyio.lowlevel.checkpoint()
        in_flight -= 1
        return n

    shared = anyio.CapacityLimiter(2)
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: run_batch(range(20), fn, concurrency=8, limiter=shared))
        tg.start_soon(lambda: run_batch(range(20), fn, concurrency=8, limiter=shared))
    assert peak == 2


async def test_duplicate_keys_are_refused_before_anything_runs() -> None:
    calls: list[str] = []

    async def fn(item: str) -> None:
        calls.append(item)

    with pytest.raises(ValueError, match=r"unique.*'a'"):
        await run_batch(["a", "b", "a"], fn, key=lambda s: s)
    assert calls == []


async def test_invalid_arguments() -> None:
    async def fn(n: int) -> int:
        return n

    with pytest.raises(ValueError):
        await run_batch([1], fn, concurrency=0)
    with pytest.raises(ValueError):
        await run_batch([1], fn, rate_per_second=1.0, rate_limiter=RateLimiter(1.0))
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(1.0, burst=0)


async def test_empty_input() -> None:
    async def fn(n: int) -> int:  # pragma: no cover
        return n

    assert await run_batch([], fn) == []


async def test_progress_reports_every_change() -> None:
    seen: list[BatchProgress] = []

    async def fn(n: int) -> int:
        if n == 1:
            raise RuntimeError("no")
        return n

    await run_batch(range(4), fn, concurrency=2, on_progress=seen.append)
    final = seen[-1]
    assert (final.total, final.started, final.failed, final.sent_here) == (4, 3, 1, 3)
    assert final.in_progress == 0 and final.pending == 0 and final.done == 4
    assert seen[0].pending == 4
    assert all(p.in_progress <= 2 for p in seen)


# -- rate limit -----------------------------------------------------------------------------


def test_rate_limiter_reservations_on_a_fixed_clock() -> None:
    now = [10.0]
    limiter = RateLimiter(4.0, clock=lambda: now[0])
    assert [limiter.reserve() for _ in range(4)] == [0.0, 0.25, 0.5, 0.75]
    now[0] = 12.0  # idle time does not build up credit beyond the burst
    assert [limiter.reserve() for _ in range(2)] == [0.0, 0.25]


def test_rate_limiter_burst() -> None:
    now = [0.0]
    limiter = RateLimiter(2.0, burst=3, clock=lambda: now[0])
    assert [limiter.reserve() for _ in range(5)] == [0.0, 0.0, 0.0, 0.5, 1.0]


async def test_batch_rate_limit_counts_starts_per_window(clock: VirtualClock) -> None:
    starts: list[float] = []

    async def fn(n: int) -> int:
        starts.append(clock.time())
        await clock.sleep(3.0)  # slow calls: concurrency alone would allow bursts
        return n

    limiter = RateLimiter(4.0, clock=clock.time, sleep=clock.sleep)
    async with clock.running():
        results = await run_batch(range(20), fn, concurrency=10, rate_limiter=limiter)
    assert all(r.ok for r in results)
    assert len(starts) == 20
    # At most 4 starts in any one-second window, and they are evenly spaced.
    for t in starts:
        assert sum(1 for s in starts if t <= s < t + 1.0) <= 4
    ordered = sorted(starts)
    assert ordered[:10] == [i * 0.25 for i in range(10)]  # the rate, not concurrency, limits
    assert all(b - a >= 0.25 for a, b in itertools.pairwise(ordered))
    assert ordered[10] == 3.0  # then the ten busy workers do


async def test_rate_per_second_builds_a_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    acquired: list[float] = []

    async def fake_acquire(self: RateLimiter) -> None:
        acquired.append(self.rate_per_second)

    monkeypatch.setattr(RateLimiter, "acquire", fake_acquire)

    async def fn(n: int) -> int:
        return n

    results = await run_batch(range(3), fn, rate_per_second=50.0)
    assert [r.value for r in results] == [0, 1, 2]
    assert acquired == [50.0, 50.0, 50.0]


# -- ledger: see test_batch_ledger.py --------------------------------------------------------


def test_batch_result_is_generic_and_frozen() -> None:
    result: BatchResult[int, str] = BatchResult(0, 1, "0", "started", value="x")
    with pytest.raises(AttributeError):
        result.state = "failed"  # type: ignore[misc]
    assert result.ok and result.error is None and result.detail is None and not result.here
