"""The :class:`Ledger` protocol: what a batch ledger stores and the transitions it allows.

A ledger holds one record per batch row, found by the row's key::

    pending -> claimed (worker id, lease expiry)
            -> sending (step reached, draft id once known)
            -> started (session id)
             | failed  (error; ``clean`` when it provably left nothing on the server)
             | unknown (outcome unknown; draft id when known)

Rules every implementation keeps (the batch runner relies on them for "sent exactly once"):

* :meth:`Ledger.claim` is atomic: two workers never claim the same row. It takes a ``pending``
  row, or a ``claimed`` one whose lease has expired (its worker died before sending).
* :meth:`Ledger.update` changes a row only while ``worker`` holds it (state ``claimed`` or
  ``sending`` with that worker id) and returns False otherwise: a worker that lost its row
  learns it before its next request.
* A row in ``sending`` or ``unknown`` is never claimed by :meth:`Ledger.claim`; only
  :meth:`Ledger.claim` with ``stale=True`` (reconciliation) takes ``unknown`` rows, ``sending``
  rows whose lease expired, and ``failed`` rows that are not ``clean``.
* :meth:`Ledger.heartbeat` extends the lease of every row the worker holds and records the
  worker as live; it returns how many workers are live (for a fleet-wide rate limit).
* Leases are compared with the ledger's own clock (the database server's, for PostgreSQL).

A ledger may also offer ``records_by_hint(hints) -> list[RowRecord]`` (the built-in ones do):
:func:`~easyink_ext.run_batch` then refuses a row known by its content whose hint (subject)
belongs to another row already sent or in flight.

Times are seconds since the epoch (floats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Protocol, runtime_checkable

import attrs

from ..errors import EasyInkError

__all__ = [
    "FIELDS",
    "HELD_STATES",
    "STATES",
    "Ledger",
    "LedgerError",
    "RowRecord",
    "RowSpec",
    "RowState",
]

RowSpec = tuple[str, str, int, "str | None"]
"""A row to register: ``(key, digest, position, hint)``."""

RowState = Literal["pending", "claimed", "sending", "started", "failed", "unknown"]
STATES: tuple[RowState, ...] = ("pending", "claimed", "sending", "started", "failed", "unknown")
HELD_STATES = frozenset({"claimed", "sending"})

FIELDS = frozenset({"state", "step", "draft_id", "session_id", "error", "clean", "hint", "since"})
"""The fields :meth:`Ledger.update` may change."""


class LedgerError(EasyInkError):
    """The ledger cannot be opened, read or written; the batch stops (it could not stay safe)."""


@attrs.frozen
class RowRecord:
    """One row as the ledger knows it.

    ``live`` is True while ``worker``'s lease has not expired (by the ledger's clock);
    ``hint`` is what reconciliation searches for when ``draft_id`` is unknown (the subject),
    ``since`` when the current sending attempt began.
    """

    key: str
    digest: str
    position: int
    state: RowState
    worker: str | None = None
    live: bool = False
    step: str | None = None
    draft_id: str | None = None
    session_id: str | None = None
    error: str | None = None
    clean: bool = False
    hint: str | None = None
    since: float | None = None

    @property
    def stale(self) -> bool:
        """Left by a worker that stopped: needs reconciliation before it may be sent again."""
        if self.state == "sending":
            return not self.live
        return self.state == "unknown" or (self.state == "failed" and not self.clean)

    @property
    def resettable(self) -> bool:
        """Nothing of it can be on the server: pending, or failed and ``clean``."""
        return self.state == "pending" or (self.state == "failed" and self.clean)

    @property
    def claimable(self) -> bool:
        """May be claimed now (pending, or claimed by a worker whose lease expired)."""
        return self.state == "pending" or (self.state == "claimed" and not self.live)


@runtime_checkable
class Ledger(Protocol):
    """Storage of batch rows shared by every worker of a batch (see the module docstring)."""

    async def open(self) -> None:
        """Connect and create the tables when missing."""

    async def aclose(self) -> None:
        """Release connections (the records stay)."""

    async def register(self, rows: Sequence[RowSpec]) -> None:
        """Add ``(key, digest, position, hint)`` rows as ``pending``; known keys are left alone.

        ``hint`` is what reconciliation searches the server for when the row's draft id is
        unknown (the subject), or ``None``."""

    async def records(self, keys: Sequence[str]) -> dict[str, RowRecord]:
        """The current records of ``keys`` (missing keys are left out)."""

    async def reset(
        self, key: str, digest: str, hint: str | None = None, *, failed_only: bool = False
    ) -> bool:
        """Make a row ``pending`` again with ``digest`` and ``hint``, only if nothing of it can
        be on the server: it is ``pending``, or ``failed`` and ``clean`` (only the latter when
        ``failed_only``). Returns whether it changed."""

    async def claim(
        self,
        keys: Sequence[str],
        worker: str,
        lease: float,
        *,
        stale: bool = False,
        changes: Mapping[str, object] | None = None,
    ) -> RowRecord | None:
        """Atomically claim the claimable row of ``keys`` with the lowest position for ``worker``,
        applying ``changes`` (as :meth:`update` would) in the same step: a worker with nothing
        to wait for claims a row straight into ``sending``.

        With ``stale=True`` take a row that needs reconciliation instead: it becomes
        ``sending`` with step ``"reconcile"``, held by ``worker`` (``changes`` are ignored).
        """

    async def update(self, key: str, worker: str, changes: Mapping[str, object]) -> bool:
        """Apply ``changes`` (keys from :data:`FIELDS`) while ``worker`` holds the row."""

    async def heartbeat(self, worker: str, lease: float) -> int:
        """Extend ``worker``'s leases, mark it live; return the number of live workers."""

    async def release(self, worker: str) -> None:
        """``worker`` stops: its ``claimed`` rows go back to ``pending``, it is no longer live."""
