"""One worker process of a batch: claims rows from the ledger, sends or reconciles them.

:meth:`_Runner.run` alternates two phases until nothing is left to do: with a reconciler,
*settle* every stale row (reconcile it against the server), then *send* every claimable row.
Each phase runs ``concurrency`` tasks that claim one row at a time; a heartbeat task extends
the leases of the rows this worker holds, splits the fleet-wide rate limit and refreshes the
fleet-wide progress counts.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Container, Mapping, Sequence
from typing import Generic, TypeVar

import anyio
import attrs

from .. import _telemetry
from ..ledger import Ledger, RowRecord
from ._rate import RateLimiter
from ._types import (
    _CURRENT,
    BatchProgress,
    Failure,
    LeaseLostError,
    RowHandle,
    error_text,
)

__all__ = ["Reconciler", "Row", "Runner"]

T = TypeVar("T")
R = TypeVar("R")

Reconciler = Callable[[RowRecord, Container[str]], Awaitable[str | None]]
_WINDOW = 64
_SETTLE_TIMEOUT = 10.0
_BACK_TO_PENDING: dict[str, object] = {
    "state": "pending",
    "step": None,
    "draft_id": None,
    "session_id": None,
    "error": None,
    "clean": False,
    "since": None,
}


@attrs.frozen
class Row(Generic[T]):
    """One input of the batch and its identity."""

    index: int
    item: T
    key: str
    digest: str
    hint: str | None = None


def category(record: RowRecord) -> str:
    """What a record counts as in progress and summaries: its state, except that a held row
    is ``in_progress`` while its worker lives and ``unknown`` once it stopped."""
    if record.state in ("claimed", "sending"):
        return "in_progress" if record.live else "unknown"
    return record.state


@attrs.define
class Runner(Generic[T, R]):
    """State shared by the tasks of one worker (see the module docstring)."""

    ledger: Ledger
    fn: Callable[[T], Awaitable[R]]
    rows: dict[str, Row[T]]
    worker: str
    lease: float
    concurrency: int
    limiter: anyio.CapacityLimiter
    rate: RateLimiter | None
    shared_limiters: Sequence[RateLimiter]
    reconciler: Reconciler | None
    classify: Callable[[BaseException], Failure]
    serialize: Callable[[R], str | None]
    on_progress: Callable[[BatchProgress], None] | None
    refused: int = 0
    view: dict[str, RowRecord] = attrs.Factory(dict)
    values: dict[str, R] = attrs.Factory(dict)
    errors: dict[str, BaseException] = attrs.Factory(dict)
    counts: Counter[str] = attrs.Factory(Counter)
    sent_here: int = 0
    workers: int = 1
    fatal: BaseException | None = None
    unsettled: set[str] = attrs.Factory(set)
    # How the ledger's file was lost (deleted, replaced) under this worker: it stops claiming.
    lost: str | None = None
    looks: int = 0
    # (phase, look) of the last look that found nothing left for that phase: the tasks still
    # queued behind it end without reading every row again.
    _nothing_left: tuple[bool, int] | None = None
    _claim_lock: anyio.Lock = attrs.Factory(anyio.Lock)
    # Rows that may be claimed / settled now, as ordered sets kept by ``note``: finding the
    # next candidates costs O(window), not a scan of every row (O(rows) per claim).
    _claimable: dict[str, None] = attrs.Factory(dict)
    _stale: dict[str, None] = attrs.Factory(dict)

    @property
    def poll(self) -> float:
        """Seconds between looks at rows that other live workers hold (and between heartbeats)."""
        return max(0.05, min(1.0, self.lease / 4))

    # -- the local view and progress ---------------------------------------------------------

    def note(self, record: RowRecord, *, report: bool = True) -> None:
        """Record what the ledger says of a row; report progress."""
        old = self.view.get(record.key)
        if old is not None:
            self.counts[category(old)] -= 1
        self.view[record.key] = record
        self.counts[category(record)] += 1
        if record.key in self.rows:
            _keep(self._claimable, record.key, record.claimable)
            _keep(self._stale, record.key, record.stale)
        if report:
            self.report()

    def report(self) -> None:
        if self.on_progress is None:
            return
        c = self.counts
        self.on_progress(
            BatchProgress(
                total=len(self.rows) + self.refused,
                started=c["started"],
                failed=c["failed"],
                unknown=c["unknown"],
                in_progress=c["in_progress"],
                pending=c["pending"],
                refused=self.refused,
                sent_here=self.sent_here,
                workers=self.workers,
            )
        )

    async def refresh(self) -> None:
        """Read every row of this batch from the ledger."""
        for record in (await self.ledger.records(list(self.rows))).values():
            self.note(record, report=False)
        self.report()

    async def _set(self, key: str, changes: Mapping[str, object]) -> bool:
        """Change a row this worker holds; update the view when the ledger accepted it."""
        if not await self.ledger.update(key, self.worker, changes):
            return False
        held = changes.get("state", self.view[key].state) in ("claimed", "sending")
        record = attrs.evolve(self.view[key], live=held, **changes)  # type: ignore[arg-type]
        self.note(record)
        return True

    # -- the phases --------------------------------------------------------------------------

    async def run(self) -> None:
        """Settle and send until nothing this worker can do is left."""
        await self.beat()
        await self.refresh()
        async with anyio.create_task_group() as heart:
            heart.start_soon(self._heartbeat, heart.cancel_scope)
            while self.fatal is None and self.lost is None:
                if self.reconciler is not None:
                    await self._phase(stale=True)
                if self.fatal is None:
                    await self._phase(stale=False)
                if self.reconciler is None or not self._candidates(stale=True):
                    break
            heart.cancel_scope.cancel()
        if self.fatal is not None:
            raise self.fatal
        await self.refresh()

    async def _phase(self, *, stale: bool) -> None:
        async with anyio.create_task_group() as tg:
            for _ in range(self.concurrency):
                tg.start_soon(self._worker, stale, tg.cancel_scope)

    async def _worker(self, stale: bool, scope: anyio.CancelScope) -> None:
        try:
            while True:
                async with self.limiter:
                    record = await self._next(stale)
                    if record is None:
                        return
                    if stale:
                        await self.settle_row(record)
                    else:
                        await self.send_row(record)
        except anyio.get_cancelled_exc_class():
            raise
        except BaseException as exc:
            # Stop the other tasks; the caller sees this exception itself, not a group.
            if self.fatal is None:
                self.fatal = exc
            scope.cancel()

    def _candidates(self, stale: bool) -> list[str]:
        if not stale:
            return list(itertools.islice(self._claimable, _WINDOW))
        fresh = (key for key in self._stale if key not in self.unsettled)
        return list(itertools.islice(fresh, _WINDOW))

    async def _next(self, stale: bool) -> RowRecord | None:
        """Claim the next row: stale ones to settle, or claimable ones to send.

        Tasks claim concurrently (the ledger keeps claims atomic; concurrent ones share a
        commit). When nothing is claimable but other live workers hold rows of the batch, one
        task at a time looks again, and waits: their rows come back if those workers die
        before sending.
        """
        while True:
            if self.lost is not None:
                return None  # the ledger file is gone: finish what is in flight, claim nothing
            keys = self._candidates(stale)
            if not keys and self._nothing_left == (stale, self.looks):
                return None
            if keys:
                # Nothing to wait for before sending: claim straight into ``sending``.
                begin = None if stale or self.rate is not None else _begin()
                record = await self.ledger.claim(
                    keys, self.worker, self.lease, stale=stale, changes=begin
                )
                if record is not None:
                    self.note(record)
                    return record
            looked = self.looks
            async with self._claim_lock:
                if self.looks != looked:
                    continue  # another task looked meanwhile
                self.looks += 1
                await self.refresh()
                again = self._candidates(stale)
                if again:
                    if again == keys:  # the view and the ledger disagree for now: look later
                        await anyio.sleep(self.poll)
                    continue
                held_elsewhere = any(
                    r.live and r.worker != self.worker and r.state in ("claimed", "sending")
                    for r in self.view.values()
                )
                if stale or not held_elsewhere:
                    self._nothing_left = (stale, self.looks)
                    return None
                await anyio.sleep(self.poll)

    # -- one row -----------------------------------------------------------------------------

    async def send_row(self, record: RowRecord) -> None:
        """Send one claimed row: mark it ``sending``, call ``fn``, record the outcome."""
        row = self.rows[record.key]
        if record.state == "claimed":
            if self.rate is not None:
                await self.rate.acquire()
            if not await self._set(row.key, _begin()):
                return  # the claim expired and another worker took the row
        handle = RowHandle(row.key, self._set, hint=record.hint)
        token = _CURRENT.set(handle)
        try:
            with _telemetry.batch_row(row.index, row.key):
                value = await self.fn(row.item)
        except Exception as exc:
            self.errors[row.key] = exc
            await self._record_failure(row, exc, handle.reached)
        except BaseException:
            # Cancelled or interrupted mid-call: ``fn`` has done its own shielded cleanup; now
            # say so at once (reconcile settles it). A ledger that cannot take the write (lost)
            # leaves the row ``sending``: stale once its lease runs out, reconciled all the same.
            interrupted = {"state": "unknown", "error": "interrupted", "step": handle.reached}
            with (
                anyio.CancelScope(shield=True),
                anyio.move_on_after(_SETTLE_TIMEOUT),
                contextlib.suppress(Exception),  # the cancellation is what propagates
            ):
                await self._set(row.key, interrupted)
            raise
        else:
            self.values[row.key] = value
            self.sent_here += 1
            started = {"state": "started", "session_id": self.serialize(value), "step": None}
            await self._set(row.key, started)
        finally:
            _CURRENT.reset(token)

    async def _record_failure(self, row: Row[T], exc: Exception, step: str | None) -> None:
        if _lease_lost(exc):
            return  # not this worker's row any more: whoever holds it records it
        failure = self.classify(exc)
        changes: dict[str, object] = {
            "state": failure.state,
            "error": error_text(exc),
            "clean": failure.clean,
            "step": step,
        }
        if failure.draft_id is not None:
            changes["draft_id"] = failure.draft_id
        await self._set(row.key, changes)

    async def settle_row(self, record: RowRecord) -> None:
        """Reconcile one stale row against the server: started, or sendable again."""
        assert self.reconciler is not None
        owned = {
            r.draft_id for k, r in self.view.items() if r.draft_id is not None and k != record.key
        }
        try:
            session_id = await self.reconciler(record, owned)
        except Exception as exc:
            self.errors[record.key] = exc
            self.unsettled.add(record.key)
            await self._set(record.key, {"state": "unknown", "error": error_text(exc)})
            return
        if session_id is not None:
            await self._set(record.key, {"state": "started", "session_id": session_id})
        else:
            await self._set(record.key, _BACK_TO_PENDING)

    # -- heartbeat ---------------------------------------------------------------------------

    async def beat(self) -> None:
        """Extend this worker's leases and take its share of the fleet's rate limits; notice a
        ledger file deleted or replaced under this worker (see ``SQLiteLedger.lost``)."""
        lost = getattr(self.ledger, "lost", None)
        if lost is not None and self.lost is None:
            self.lost = await lost()
        self.workers = await self.ledger.heartbeat(self.worker, self.lease)
        for limiter in (self.rate, *self.shared_limiters):
            if limiter is not None:
                limiter.share(self.workers)

    async def _heartbeat(self, scope: anyio.CancelScope) -> None:
        try:
            while True:
                await anyio.sleep(self.poll)
                await self.beat()
                if self.on_progress is not None:
                    await self.refresh()
        except anyio.get_cancelled_exc_class():
            raise
        except Exception as exc:  # the ledger failed: stop before a lease silently expires
            if self.fatal is None:
                self.fatal = exc
            scope.cancel()


def _keep(keys: dict[str, None], key: str, member: bool) -> None:
    """Add ``key`` to (at the end) or remove it from the ordered set ``keys``."""
    if member:
        keys.setdefault(key)
    else:
        keys.pop(key, None)


def _begin() -> dict[str, object]:
    """A row about to be sent: ``sending``, since now."""
    return {"state": "sending", "step": "begin", "since": time.time()}


def _lease_lost(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, LeaseLostError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
