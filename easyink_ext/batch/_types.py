"""What a batch reports (progress, results) and how a failed row is recorded."""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Generic, Literal, TypeVar
from uuid import UUID

import attrs

from .._redact import redact_text
from ..errors import EasyInkError, OutcomeUnknownError
from ..ledger import RowRecord
from ..workflow import WorkflowError

__all__ = [
    "BatchProgress",
    "BatchResult",
    "Failure",
    "LeaseLostError",
    "RowHandle",
    "classify_failure",
    "count_states",
    "current_row",
    "error_text",
    "ledger_steps",
]

T = TypeVar("T")
R = TypeVar("R")

_MAX_ERROR_TEXT = 500

ResultState = Literal["started", "failed", "unknown", "in_progress", "pending", "refused"]
"""A row at the end of a batch: ``in_progress`` rows are held by another live worker, ``pending``
rows were not sent (e.g. stale rows waiting for ``reconcile=True``), ``refused`` rows are
known keys whose content changed."""


class LeaseLostError(EasyInkError):
    """This worker no longer holds the row (another worker reconciled or took it over)."""


@attrs.frozen
class BatchProgress:
    """Fleet-wide counts of the batch's rows, passed to ``on_progress`` after every change.

    ``started``, ``failed``, ``unknown`` (outcome unknown: needs ``reconcile``),
    ``in_progress`` (claimed or being sent, by any worker), ``pending`` and ``refused`` count
    the rows of this batch across every run and worker; ``sent_here`` the rows this call
    started; ``workers`` the live workers of the ledger.
    """

    total: int
    started: int = 0
    failed: int = 0
    unknown: int = 0
    in_progress: int = 0
    pending: int = 0
    refused: int = 0
    sent_here: int = 0
    workers: int = 1

    @property
    def done(self) -> int:
        """Rows settled (started, failed, unknown or refused)."""
        return self.started + self.failed + self.unknown + self.refused


@attrs.frozen
class BatchResult(Generic[T, R]):
    """The outcome for one input, as the ledger knows it at the end of the call.

    ``state``: ``"started"`` (``ok``), ``"failed"``, ``"unknown"``, ``"in_progress"``
    (another live worker holds it), ``"pending"`` or ``"refused"``. ``value`` and ``error``
    are what ``fn`` returned or raised *in this call* (``here`` is then True); ``detail`` is
    the ledger's record: the session id of a started row, the error of a failed or unknown
    one, the reason a row was refused.
    """

    index: int
    item: T
    key: str
    state: ResultState
    value: R | None = None
    error: BaseException | None = None
    detail: str | None = None
    here: bool = False
    record: RowRecord | None = None
    """The ledger's record of the row at the end of the call (``None`` for a refused row)."""

    @property
    def ok(self) -> bool:
        """The row is started (in this call or an earlier one)."""
        return self.state == "started"


def count_states(results: Iterable[BatchResult[T, R]]) -> dict[str, int]:
    """How many results are in each state (every state present, zeros included)."""
    counts = dict.fromkeys(("started", "failed", "unknown", "in_progress", "pending", "refused"), 0)
    for result in results:
        counts[result.state] += 1
    return counts


@attrs.frozen
class Failure:
    """How a failed call is recorded: ``failed`` (``clean``: provably nothing left on the
    server) or ``unknown`` (the server may hold something: reconcile it)."""

    state: Literal["failed", "unknown"]
    clean: bool = False
    draft_id: str | None = None


def classify_failure(exc: BaseException) -> Failure:
    """The default classification.

    :class:`~easyink_ext.workflow.WorkflowError`: its draft deleted or voided, or never
    created, is a clean failure; a draft that could not be removed (or was kept), and a
    session whose start was sent (never undone), are ``unknown`` with the id (reconciliation
    reads it), and so is a ``createDraft`` whose outcome stayed unknown.
    :class:`~easyink_ext.errors.OutcomeUnknownError`: ``unknown``. ``ValueError`` (inputs
    refused before any request): clean. Anything else: failed, not clean.
    """
    if isinstance(exc, WorkflowError):
        draft = None if exc.draft_id is None else str(exc.draft_id)
        if exc.cleanup in ("deleted", "voided"):
            return Failure("failed", clean=True)
        if exc.cleanup == "none":
            if isinstance(exc.cause, OutcomeUnknownError):
                return Failure("unknown")
            return Failure("failed", clean=True)
        return Failure("unknown", draft_id=draft)
    if isinstance(exc, OutcomeUnknownError):
        return Failure("unknown")
    if isinstance(exc, ValueError):
        return Failure("failed", clean=True)
    return Failure("failed")


def error_text(exc: BaseException) -> str:
    """One line, secrets redacted, bounded: how an error is stored in the ledger."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return redact_text(text)[:_MAX_ERROR_TEXT]


RowUpdate = Callable[[str, Mapping[str, object]], Awaitable[bool]]


class RowHandle:
    """The row the current task is sending; ``fn`` reports its progress through it.

    What reconciliation needs is written at once: the search ``hint`` before the request
    that creates something, the ``draft_id`` as soon as it is known. A step that brings
    neither is kept in memory (``reached``) and written with the next write of the row (at
    the latest with its outcome): one ledger write per step would cost more than the step.
    """

    def __init__(self, key: str, update: RowUpdate, *, hint: str | None = None) -> None:
        self.key = key
        self.reached: str | None = None
        self._update = update
        self._draft_id: str | None = None
        self._hint = hint

    async def step(
        self, name: str, *, draft_id: UUID | str | None = None, hint: str | None = None
    ) -> None:
        """Reach step ``name``, with the draft id once known and the search hint, before its
        first request; :class:`LeaseLostError` when this worker no longer holds the row."""
        self.reached = name
        changes: dict[str, object] = {}
        if draft_id is not None and str(draft_id) != self._draft_id:
            changes["draft_id"] = self._draft_id = str(draft_id)
        if hint is not None and hint != self._hint:
            changes["hint"] = self._hint = hint
        if changes and not await self._update(self.key, {"step": name, **changes}):
            raise LeaseLostError(f"row {self.key!r} is no longer held by this worker")


_CURRENT: contextvars.ContextVar[RowHandle | None] = contextvars.ContextVar(
    "easyink_batch_row", default=None
)


def current_row() -> RowHandle | None:
    """The row being sent by the calling task of :func:`~easyink_ext.run_batch`, if any."""
    return _CURRENT.get()


def ledger_steps(subject: str) -> Callable[[str, UUID | None], Awaitable[None]] | None:
    """An ``on_step`` for :func:`~easyink_ext.workflow.send_for_signature` that records each
    step, the draft id and ``subject`` (what reconciliation searches for) in the ledger row
    of the calling task; ``None`` outside :func:`~easyink_ext.run_batch`."""
    handle = current_row()
    if handle is None:
        return None

    async def on_step(step: str, draft_id: UUID | None) -> None:
        await handle.step(step, draft_id=draft_id, hint=subject)

    return on_step
