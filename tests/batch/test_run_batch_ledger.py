"""run_batch with a ledger: identity, refusals, unknown outcomes, reconcile, leases, fleet share."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from pathlib import Path
from uuid import UUID

import anyio
import anyio.lowlevel
import pytest

from easyink_ext.batch import (
    Failure,
    LeaseLostError,
    RateLimiter,
    classify_failure,
    count_states,
    current_row,
    run_batch,
)
from easyink_ext.errors import OutcomeUnknownConnectionError
from easyink_ext.ledger import MemoryLedger, RowRecord, SQLiteLedger
from easyink_ext.workflow import WorkflowError

DRAFT = UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")


class Stop(BaseException):
    """Stands for a crash (not an Exception: the batch stops)."""


def _unknown() -> OutcomeUnknownConnectionError:
    return OutcomeUnknownConnectionError("dropped", method="POST", url="http://x/api")


async def test_a_rerun_sends_nothing_and_reports_every_row(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    calls: list[str] = []

    async def fn(item: str) -> str:
        calls.append(item)
        return f"session {item}"

    first = await run_batch(["a", "b", "c"], fn, ledger=ledger, serialize_result=str)
    again = await run_batch(["c", "b", "a", "d"], fn, ledger=ledger, serialize_result=str)
    assert calls == ["a", "b", "c", "d"]  # keys are content digests: order does not matter
    assert [r.detail for r in first] == ["session a", "session b", "session c"]
    assert [(r.item, r.ok, r.here) for r in again] == [
        ("c", True, False),
        ("b", True, False),
        ("a", True, False),
        ("d", True, True),
    ]
    assert again[0].detail == "session c" and again[0].value is None


async def test_a_known_key_whose_content_changed_is_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"

    async def fn(item: tuple[str, str]) -> str:
        return item[1]

    def key(item: tuple[str, str]) -> str:
        return item[0]

    await run_batch([("k1", "ann@x.com"), ("k2", "bo@x.com")], fn, ledger=ledger, key=key)
    changed = await run_batch([("k1", "ann@y.com"), ("k2", "bo@x.com")], fn, ledger=ledger, key=key)
    assert [(r.key, r.state, r.here) for r in changed] == [
        ("k1", "refused", False),
        ("k2", "started", False),
    ]
    assert changed[0].detail is not None and "'k1' changed" in changed[0].detail
    assert count_states(changed)["refused"] == 1


async def test_a_cleanly_failed_row_with_new_content_is_sent(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"

    async def fn(item: tuple[str, str]) -> str:
        if "@" not in item[1]:
            raise ValueError(f"bad e-mail {item[1]!r}")  # refused before any request
        return item[1]

    first = await run_batch([("k1", "ann")], fn, ledger=ledger, key=lambda i: i[0])
    assert first[0].state == "failed" and "bad e-mail" in (first[0].detail or "")
    fixed = await run_batch([("k1", "ann@x.com")], fn, ledger=ledger, key=lambda i: i[0])
    assert (fixed[0].state, fixed[0].value) == ("started", "ann@x.com")


async def test_retry_failed_sends_only_failures_that_left_nothing(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    calls: list[str] = []
    failing = {"clean": ValueError("no"), "dirty": RuntimeError("who knows")}

    async def fn(item: str) -> str:
        calls.append(item)
        if item in failing:
            raise failing[item]
        return item

    await run_batch(["clean", "dirty"], fn, ledger=ledger)
    failing.clear()
    results = await run_batch(["clean", "dirty"], fn, ledger=ledger, retry_failed=True)
    assert calls == ["clean", "dirty", "clean"]
    assert [r.state for r in results] == ["started", "failed"]


async def test_unknown_rows_wait_for_reconcile(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"
    calls: list[str] = []
    seen: list[RowRecord] = []

    async def fn(item: str) -> str:
        calls.append(item)
        handle = current_row()
        assert handle is not None
        await handle.step("create draft", hint=f"Subject {item}")
        if len(calls) <= 2:
            await handle.step("upload documents", draft_id=DRAFT)
            raise _unknown()
        return item

    async def reconciler(record: RowRecord, owned: Container[str]) -> str | None:
        seen.append(record)
        return "found-session" if record.hint == "Subject a" else None

    first = await run_batch(["a", "b"], fn, ledger=ledger, concurrency=1)
    assert [r.state for r in first] == ["unknown", "unknown"]
    again = await run_batch(["a", "b"], fn, ledger=ledger)
    assert calls == ["a", "b"] and [r.state for r in again] == ["unknown", "unknown"]
    with pytest.raises(ValueError, match="reconciler"):
        await run_batch(["a", "b"], fn, ledger=ledger, reconcile=True)
    settled = await run_batch(["a", "b"], fn, ledger=ledger, reconcile=True, reconciler=reconciler)
    assert [(s.step, s.draft_id, s.hint) for s in seen] == [
        ("reconcile", str(DRAFT), "Subject a"),
        ("reconcile", str(DRAFT), "Subject b"),
    ]
    assert calls == ["a", "b", "b"]  # a was found started; b was sendable again
    assert [(r.state, r.detail) for r in settled] == [
        ("started", "found-session"),
        ("started", None),
    ]


async def test_a_failing_reconcile_leaves_the_row_unknown(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"

    async def fn(item: str) -> str:
        raise _unknown()

    async def reconciler(record: RowRecord, owned: Container[str]) -> str | None:
        raise RuntimeError("server down")

    await run_batch(["a"], fn, ledger=ledger)
    results = await run_batch(["a"], fn, ledger=ledger, reconcile=True, reconciler=reconciler)
    assert results[0].state == "unknown" and "server down" in (results[0].detail or "")


async def test_a_crash_mid_call_leaves_the_row_unknown_not_pending(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite"

    async def crash(item: str) -> str:
        raise Stop

    with pytest.raises(Stop):
        await run_batch(["a"], crash, ledger=ledger)

    async def fn(item: str) -> str:  # pragma: no cover - must not be called
        raise AssertionError("sent twice")

    results = await run_batch(["a"], fn, ledger=ledger)
    assert (results[0].state, results[0].detail) == ("unknown", "interrupted")


async def test_a_dead_workers_claim_is_taken_after_its_lease(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    dead = SQLiteLedger(path)
    await dead.open()
    try:  # another worker claimed the row, then stopped before sending it
        await dead.register([("k", "d", 0, None)])
        await dead.heartbeat("dead worker", 0.3)
        assert await dead.claim(["k"], "dead worker", 0.3) is not None
    finally:
        await dead.aclose()
    calls: list[str] = []

    async def fn(item: str) -> str:
        calls.append(item)
        return item

    results = await run_batch(["x"], fn, ledger=path, key=lambda _: "k", digest=lambda _: "d")
    assert calls == ["x"] and results[0].ok and results[0].here


class _Takeover(MemoryLedger):
    """Another worker takes the row over just before its first step is recorded."""

    async def update(self, key: str, worker: str, changes: Mapping[str, object]) -> bool:
        if changes.get("step") == "create draft":
            return False
        return await super().update(key, worker, changes)


async def test_a_worker_that_lost_its_row_stops_sending_it() -> None:
    async def fn(item: str) -> str:
        handle = current_row()
        assert handle is not None
        await handle.step("create draft", hint="Subject a")
        return item  # pragma: no cover

    results = await run_batch(["a"], fn, ledger=_Takeover())
    assert isinstance(results[0].error, LeaseLostError)
    assert results[0].value is None and not results[0].ok


async def test_the_fleet_rate_is_shared_by_live_workers(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    other = SQLiteLedger(path)
    await other.open()
    try:
        await other.heartbeat("another worker", 60)
        limiter = RateLimiter(10.0)

        async def fn(item: str) -> str:
            return item

        await run_batch(["a"], fn, ledger=path, shared_limiters=[limiter])
    finally:
        await other.aclose()
    assert limiter.workers == 2 and limiter.current_rate == pytest.approx(5.0)


def test_classify_failure() -> None:
    cause = RuntimeError("x")
    assert classify_failure(WorkflowError("convert", DRAFT, cause, "deleted")) == Failure(
        "failed", clean=True
    )
    assert classify_failure(WorkflowError("start", DRAFT, cause, "voided")).clean
    assert classify_failure(WorkflowError("create draft", None, cause, "none")).clean
    assert classify_failure(WorkflowError("create draft", None, _unknown(), "none")) == Failure(
        "unknown"
    )
    assert classify_failure(WorkflowError("convert", DRAFT, cause, "failed")) == Failure(
        "unknown", draft_id=str(DRAFT)
    )
    assert classify_failure(_unknown()) == Failure("unknown")
    assert classify_failure(ValueError("bad")) == Failure("failed", clean=True)
    assert classify_failure(cause) == Failure("failed", clean=False)


async def test_duplicate_keys_and_bad_lease_are_refused_before_anything_runs() -> None:
    async def fn(item: str) -> str:  # pragma: no cover
        return item

    with pytest.raises(ValueError, match="unique"):
        await run_batch(["a", "a"], fn)
    with pytest.raises(ValueError, match="lease"):
        await run_batch(["a"], fn, lease=0)
    await anyio.lowlevel.checkpoint()


class _CountingReads(MemoryLedger):
    """Counts the rows read by ``records``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows_read = 0

    async def records(self, keys: Sequence[str]) -> dict[str, RowRecord]:
        self.rows_read += len(keys)
        return await super().records(keys)


async def test_the_end_of_a_phase_does_not_read_every_row_once_per_task() -> None:
    # Every task finds nothing left at the end; one look settles it for all of them.
    ledger = _CountingReads()

    async def fn(item: int) -> int:
        await anyio.lowlevel.checkpoint()
        return item

    results = await run_batch(list(range(200)), fn, ledger=ledger, concurrency=50)
    assert [r.value for r in results] == list(range(200))
    # Admission, the start, the one look that found the phase finished, the end: 4 reads of
    # the 200 rows (one look per task made it 53).
    assert ledger.rows_read == 4 * 200


async def test_a_content_keyed_row_with_the_subject_of_a_sent_row_is_refused() -> None:
    ledger = MemoryLedger()

    async def send(item: dict[str, str]) -> None:
        return None

    first = [{"subject": "Lease 1", "email": "ann@example.com"}]
    results = await run_batch(first, send, ledger=ledger, hint=lambda item: item["subject"])
    assert [r.state for r in results] == ["started"]
    edited = [{"subject": "Lease 1", "email": "ann.lee@example.com"}]
    again = await run_batch(edited, send, ledger=ledger, hint=lambda item: item["subject"])
    assert [r.state for r in again] == ["refused"]
    assert again[0].detail is not None
    assert f"is the subject of row {results[0].key!r} (started in the ledger)" in again[0].detail
    # Keyed rows name themselves: the same subject is another row, sent.
    keyed = await run_batch(
        edited, send, ledger=ledger, key=lambda item: "lease-1b", hint=lambda item: item["subject"]
    )
    assert [r.state for r in keyed] == ["started"]
