"""Run one async call per input, every input exactly once, across processes, machines and crashes.

:func:`run_batch` feeds the inputs to at most ``concurrency`` worker tasks (an anyio task
group; tasks are not created per input), optionally spaced by a :class:`RateLimiter`, and
returns one :class:`BatchResult` per input, in input order. Every ``Exception`` raised by the
call becomes a failed (or unknown) row; ``BaseException`` (cancellation, ``KeyboardInterrupt``)
stops the batch and propagates.

**The ledger.** Every input is a row of a ledger (:mod:`easyink_ext.ledger`): a SQLite file
(``ledger="batch.db"``), a PostgreSQL database (``ledger="postgresql://..."``) or any
:class:`~easyink_ext.ledger.Ledger`; without one, an in-memory ledger that lasts for the call.
Any number of calls with the same inputs and ledger (another process, another machine, the
same command after a crash) split the rows between them and never send a row twice:

* **Identity.** A row's key is ``key(item)`` (default: its content digest) and the ledger stores
  ``digest(item)`` (default: a digest of the item's JSON form). A known key whose content
  changed is *refused* (never sent), unless nothing of it can be on the server (it is pending,
  or failed cleanly): then it is sent with its new content.
* **Claims.** A worker claims a row atomically with a lease (``lease`` seconds, default 30)
  that its heartbeat extends; a claimed row whose worker died before sending is taken by
  another worker once the lease expires. The row is marked ``sending`` before ``fn`` runs;
  ``fn`` may record the step it reached and the draft id (:func:`current_row`,
  :func:`ledger_steps`). Then ``started`` (``serialize_result(value)``, default the value's
  ``session_id``), ``failed`` or ``unknown`` (``classify``: :func:`classify_failure`).
* **Never twice.** A row in ``sending`` (its worker alive or not) or ``unknown`` is not sent
  again until it is reconciled: with ``reconcile=True`` and a ``reconciler``
  (:class:`~easyink_ext.reconcile.SessionReconciler` for signing sessions) every such row, and
  every failed row that may have left something on the server, is first settled by reading
  the server: started, or sendable again. ``retry_failed=True`` sends again the failed rows
  that provably left nothing on the server.
* **Waiting for others.** When every row left is held by other live workers, a worker waits
  (rows come back if their worker dies before sending) and returns once they are settled.
* **Fleet rate.** ``rate_per_second`` (or ``rate_limiter``) and every limiter in
  ``shared_limiters`` are fleet-wide: at each heartbeat a worker takes ``1 / live workers``
  of them.
* **Adaptive send rate.** The requests ``fn`` makes through an
  :class:`~easyink_ext.EasyInk` client whose ``rate_limit`` is ``"auto"`` (the default) or
  ``"adaptive"`` follow the client's adaptive send rate (:mod:`easyink_ext._ratecontrol`): a
  429 pauses them all and lowers the rate, answers raise it, and nothing is lost to 429s.
  At each heartbeat the worker publishes that rate in the ledger and takes the mean of the
  live workers' rates.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import anyio

from .. import _defaults, _telemetry
from .._ratecontrol import BatchRates, batch_rates
from ..ledger import (
    Ledger,
    LedgerError,
    LedgerSpec,
    RowRecord,
    item_digest,
    key_from_digest,
    open_ledger,
)
from ..reconcile import ReconcileError, SessionReconciler
from ._rate import RateLimiter
from ._runner import Reconciler, Row, Runner, category
from ._types import (
    BatchProgress,
    BatchResult,
    Failure,
    LeaseLostError,
    ResultState,
    RowHandle,
    classify_failure,
    count_states,
    current_row,
    ledger_steps,
)

__all__ = [
    "DEFAULT_LEASE",
    "BatchProgress",
    "BatchResult",
    "Failure",
    "LeaseLostError",
    "LedgerError",
    "RateLimiter",
    "ReconcileError",
    "Reconciler",
    "RowHandle",
    "SessionReconciler",
    "category",
    "classify_failure",
    "count_states",
    "current_row",
    "ledger_steps",
    "run_batch",
    "subject_conflicts",
    "worker_id",
]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_LEASE = _defaults.DEFAULT_LEASE
"""Seconds a claim lasts without a heartbeat (the heartbeat runs every ``min(1, lease / 4)`` s)."""


def worker_id() -> str:
    """A name for this worker: host, process id and a random part."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _session_id(value: object) -> str | None:
    found = getattr(value, "session_id", None)
    return None if found is None else str(found)


def _rows(
    inputs: list[T],
    key: Callable[[T], str] | None,
    digest: Callable[[T], str],
    hint: Callable[[T], str | None] | None,
) -> list[Row[T]]:
    rows: list[Row[T]] = []
    for index, item in enumerate(inputs):
        content = digest(item)
        name = key(item) if key is not None else key_from_digest(content)
        if not isinstance(name, str) or not isinstance(content, str):
            raise TypeError("key() and digest() must return str")
        rows.append(Row(index, item, name, content, None if hint is None else hint(item)))
    seen: set[str] = set()
    duplicates = [r.key for r in rows if r.key in seen or seen.add(r.key)]  # type: ignore[func-returns-value]
    if duplicates:
        shown = ", ".join(repr(k) for k in dict.fromkeys(duplicates[:5]))
        more = f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else ""
        raise ValueError(f"batch keys must be unique; duplicated: {shown}{more}")
    return rows


async def subject_conflicts(
    ledger: Ledger, rows: Sequence[tuple[str, str, str | None]]
) -> dict[str, str]:
    """Of ``(key, digest, hint)`` rows, those known by their content whose hint (subject)
    another row of the ledger, already sent or in flight, has: a changed row written without a
    key. Returns why each is refused (the ledger must offer ``records_by_hint``)."""
    search = getattr(ledger, "records_by_hint", None)
    keyless = [r for r in rows if r[2] is not None and r[0] == key_from_digest(r[1])]
    if search is None or not keyless:
        return {}
    known = await ledger.records([key for key, _, _ in keyless])
    fresh = [r for r in keyless if r[0] not in known or known[r[0]].resettable]
    taken: dict[str, list[RowRecord]] = {}
    for record in await search(sorted({cast(str, hint) for _, _, hint in fresh})):
        if not record.resettable:
            taken.setdefault(cast(str, record.hint), []).append(record)
    refused: dict[str, str] = {}
    for key, _, hint in fresh:
        others = [o for o in taken.get(cast(str, hint), []) if o.key != key]
        if others:
            refused[key] = (
                f"its subject {hint!r} is the subject of row {others[0].key!r} "
                f"({others[0].state} in the ledger), whose content differs: refused; add a "
                "'key' column to name the rows, or change the subject"
            )
    return refused


async def _admit(ledger: Ledger, rows: list[Row[T]], retry_failed: bool) -> dict[str, str]:
    """Register the rows; return the refused ones (known key, changed content) with why."""
    refused = await subject_conflicts(ledger, [(r.key, r.digest, r.hint) for r in rows])
    rows = [r for r in rows if r.key not in refused]
    await ledger.register([(r.key, r.digest, r.index, r.hint) for r in rows])
    records = await ledger.records([r.key for r in rows])
    for row in rows:
        record = records.get(row.key)
        if record is None:
            raise LedgerError(f"the ledger lost row {row.key!r}")
        if record.digest != row.digest:
            if not record.resettable or not await ledger.reset(row.key, row.digest, row.hint):
                refused[row.key] = (
                    f"row {row.key!r} changed since it was first sent ({record.state} in the "
                    "ledger): refused; give the changed row a new key to send it"
                )
        elif retry_failed and record.state == "failed" and record.clean:
            await ledger.reset(row.key, row.digest, row.hint, failed_only=True)
    return refused


@_telemetry.instrumented("batch")
async def run_batch(
    items: Iterable[T],
    fn: Callable[[T], Awaitable[R]],
    *,
    concurrency: int = 16,
    rate_per_second: float | None = None,
    ledger: Ledger | LedgerSpec | None = None,
    key: Callable[[T], str] | None = None,
    digest: Callable[[T], str] = item_digest,
    hint: Callable[[T], str | None] | None = None,
    reconcile: bool = False,
    reconciler: Reconciler | None = None,
    retry_failed: bool = False,
    lease: float = DEFAULT_LEASE,
    worker: str | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    serialize_result: Callable[[R], str | None] = _session_id,
    classify: Callable[[BaseException], Failure] = classify_failure,
    rate_limiter: RateLimiter | None = None,
    shared_limiters: Sequence[RateLimiter] = (),
    limiter: anyio.CapacityLimiter | None = None,
) -> list[BatchResult[T, R]]:
    """Call ``fn(item)`` for every input not yet settled in ``ledger``; results in input order.

    ``concurrency`` bounds the calls in flight; ``limiter`` additionally bounds them by a
    :class:`anyio.CapacityLimiter` shared with other code. ``rate_per_second`` spaces the
    calls (or pass a ``rate_limiter``). ``key``/``digest``: row identity; ``hint(item)``: what
    reconciliation searches the server for when a row's draft id is unknown (for signing
    sessions, the subject; :func:`ledger_steps` records it too); ``reconcile``,
    ``reconciler``, ``retry_failed``, ``lease``, ``worker`` (default :func:`worker_id`): see
    the module docs. ``on_progress`` receives fleet-wide :class:`BatchProgress` counts.
    Keys must be unique (``ValueError`` before anything runs).
    """
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    if rate_per_second is not None and rate_limiter is not None:
        raise ValueError("pass either rate_per_second or rate_limiter, not both")
    if reconcile and reconciler is None:
        raise ValueError("reconcile=True needs a reconciler (e.g. SessionReconciler(ei))")
    if not lease > 0:
        raise ValueError("lease must be > 0")
    rate = RateLimiter(rate_per_second) if rate_per_second is not None else rate_limiter
    rows = _rows(list(items), key, digest, hint)
    opened = open_ledger(ledger)
    await opened.open()
    name = worker if worker is not None else worker_id()
    send_rates = BatchRates()
    rates_token = batch_rates().set(send_rates)
    try:
        refused = await _admit(opened, rows, retry_failed)
        runner: Runner[T, R] = Runner(
            ledger=opened,
            fn=fn,
            rows={r.key: r for r in rows if r.key not in refused},
            worker=name,
            lease=lease,
            concurrency=concurrency,
            limiter=limiter if limiter is not None else anyio.CapacityLimiter(concurrency),
            rate=rate,
            shared_limiters=shared_limiters,
            reconciler=reconciler if reconcile else None,
            classify=classify,
            serialize=serialize_result,
            on_progress=on_progress,
            refused=len(refused),
            send_rates=send_rates,
        )
        await runner.run()
        if runner.lost is not None:
            raise await _rescued(opened, runner.lost)
    finally:
        batch_rates().reset(rates_token)
        with anyio.CancelScope(shield=True):
            try:
                await opened.release(name)
            finally:
                await opened.aclose()
    return [_result(row, runner, refused.get(row.key)) for row in rows]


async def _rescued(ledger: Ledger, how: str) -> LedgerError:
    """The error for a ledger file lost during the run, once its records are written back."""
    path = getattr(ledger, "path", "the ledger")
    target = await ledger.rescue()  # type: ignore[attr-defined]
    if target == path:
        where = f"its records were written back to {target}: run again with --reconcile"
    else:
        where = (
            f"its records were written to {target}: run again with --ledger {target} --reconcile"
        )
    return LedgerError(
        f"ledger {path} was {how} during the run: stopped claiming rows and finished those "
        f"in flight; {where}"
    )


def _result(row: Row[T], runner: Runner[T, Any], refused: str | None) -> BatchResult[T, Any]:
    if refused is not None:
        return BatchResult(row.index, row.item, row.key, "refused", detail=refused)
    record = runner.view[row.key]
    state = cast(ResultState, category(record))
    detail = record.session_id if state == "started" else record.error
    here = row.key in runner.values or row.key in runner.errors
    return BatchResult(
        row.index,
        row.item,
        row.key,
        state,
        value=runner.values.get(row.key),
        error=runner.errors.get(row.key),
        detail=detail,
        here=here,
        record=record,
    )
