"""run_batch: ordering, error capture, concurrency bound, rate limit, journal and re-runs."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import anyio
import pytest

from easyink_ext.batch import (
    UNKNOWN_OUTCOME,
    BatchProgress,
    BatchResult,
    JournalError,
    RateLimiter,
    read_journal,
    run_batch,
)

from .conftest import VirtualClock


class Stop(BaseException):
    """A BaseException that is not cancellation (like KeyboardInterrupt)."""


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- ordering, errors, concurrency ----------------------------------------------------------


async def test_results_come_back_in_input_order() -> None:
    async def fn(n: int) -> int:
        for _ in range((20 - n) % 7):  # later inputs finish earlier
            await anyio.lowlevel.checkpoint()
        return n * n

    results = await run_batch(range(20), fn, concurrency=5)
    assert [r.index for r in results] == list(range(20))
    assert [r.value for r in results] == [n * n for n in range(20)]
    assert all(r.ok and r.error is None and not r.skipped for r in results)
    assert [r.key for r in results] == [str(n) for n in range(20)]


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
    # Three worker tasks serve the 1000 inputs: no task per input.
    assert max(tasks_seen) <= baseline + 3


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
    assert (final.total, final.started, final.succeeded, final.failed) == (4, 4, 3, 1)
    assert final.in_flight == 0 and final.done == 4
    assert len(seen) == 8  # one per start and one per finish
    assert all(p.in_flight <= 2 for p in seen)


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


# -- journal --------------------------------------------------------------------------------


async def test_journal_records_and_rerun_skips(tmp_path: Path) -> None:
    journal = tmp_path / "batch.jsonl"
    calls: list[str] = []

    async def fn(name: str) -> int:
        calls.append(name)
        if name == "bad":
            raise ValueError("refused")
        return len(name)

    items = ["alpha", "bad", "gamma"]
    first = await run_batch(
        items, fn, journal=journal, key=lambda s: f"k-{s}", serialize_result=str
    )
    assert [r.ok for r in first] == [True, False, True]
    records = _lines(journal)
    assert [(r["key"], r["event"]) for r in records if r["key"] == "k-bad"] == [
        ("k-bad", "started"),
        ("k-bad", "failed"),
    ]
    assert {"key": "k-alpha", "event": "succeeded", "result": "5"} in records

    calls.clear()
    again = await run_batch(
        [*items, "delta"], fn, journal=journal, key=lambda s: f"k-{s}", serialize_result=str
    )
    assert calls == ["delta"]
    assert [r.skipped for r in again] == [True, True, True, False]
    assert [r.previous for r in again] == [
        "succeeded: 5",
        "failed: ValueError: refused",
        "succeeded: 5",
        None,
    ]
    assert again[3].ok and again[3].value == 5
    assert not again[0].ok and again[0].value is None and again[0].error is None
    assert read_journal(journal)["k-delta"] == "succeeded: 5"


async def test_crash_between_started_and_outcome_is_reported_unknown(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"

    async def crashing(n: int) -> int:
        await anyio.lowlevel.checkpoint()
        if n == 1:
            raise Stop  # the process "dies" while calls are in flight
        await anyio.sleep_forever()
        return n  # pragma: no cover

    with pytest.raises(Stop):
        await run_batch(range(6), crashing, concurrency=2, journal=journal)
    recorded = read_journal(journal)
    assert recorded == {"0": UNKNOWN_OUTCOME, "1": UNKNOWN_OUTCOME}

    calls: list[int] = []

    async def fn(n: int) -> int:
        calls.append(n)
        return n

    results = await run_batch(range(6), fn, concurrency=2, journal=journal)
    assert sorted(calls) == [2, 3, 4, 5]
    assert [r.previous for r in results[:2]] == [UNKNOWN_OUTCOME, UNKNOWN_OUTCOME]
    assert results[0].skipped and results[1].skipped


async def test_torn_last_line_is_dropped_and_repaired(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text(
        '{"key":"0","event":"started"}\n{"key":"0","event":"succeeded"}\n{"key":"1","ev'
    )
    calls: list[int] = []

    async def fn(n: int) -> int:
        calls.append(n)
        return n

    results = await run_batch(range(3), fn, journal=journal)
    assert calls == [1, 2]  # the torn "started" of 1 never completed: 1 was not started
    assert results[0].skipped and results[0].previous == "succeeded"
    records = _lines(journal)  # every line parses again
    assert [(r["key"], r["event"]) for r in records][:2] == [("0", "started"), ("0", "succeeded")]
    assert len(records) == 6


async def test_torn_last_line_that_happens_to_parse_is_still_dropped(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text('{"key":"0","event":"started"}')  # no newline: the write was cut
    assert read_journal(journal) == {}


async def test_damage_in_the_middle_is_an_error(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text('{"key":"0","event":"started"}\nnot json\n{"key":"1","event":"started"}\n')

    async def fn(n: int) -> int:  # pragma: no cover
        return n

    with pytest.raises(JournalError, match="line 2"):
        await run_batch(range(2), fn, journal=journal)


async def test_journal_started_is_durable_before_the_call(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    seen: list[dict[str, str]] = []

    async def fn(n: int) -> int:
        seen.append(read_journal(journal))
        return n

    await run_batch(range(3), fn, concurrency=1, journal=journal)
    assert seen[0] == {"0": UNKNOWN_OUTCOME}
    assert seen[2]["2"] == UNKNOWN_OUTCOME
    assert seen[2]["0"] == "succeeded"


async def test_many_concurrent_writers_share_the_journal(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"

    async def fn(n: int) -> int:
        await anyio.lowlevel.checkpoint()
        return n

    results = await run_batch(range(300), fn, concurrency=32, journal=journal)
    assert all(r.ok for r in results)
    records = _lines(journal)
    assert len(records) == 600
    assert read_journal(journal) == {str(n): "succeeded" for n in range(300)}


def test_batch_result_is_generic_and_frozen() -> None:
    result: BatchResult[int, str] = BatchResult(0, 1, "0", ok=True, value="x", error=None)
    with pytest.raises(AttributeError):
        result.ok = False  # type: ignore[misc]
    assert result.skipped is False and result.previous is None
