"""A ledger in this process's memory: no persistence, for ``run_batch`` without ``ledger=``."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import attrs

from ._protocol import FIELDS, HELD_STATES, RowRecord, RowSpec

__all__ = ["MemoryLedger"]


@attrs.define
class _Row:
    record: RowRecord
    lease_until: float | None = None


class MemoryLedger:
    """A :class:`~easyink_ext.ledger.Ledger` in a dict (one process; nothing survives it).

    Every method runs without awaiting anything, so each is atomic for the event loop.
    """

    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self._workers: dict[str, float] = {}
        self._bound: dict[str, str] = {}

    def _view(self, row: _Row, now: float) -> RowRecord:
        live = row.lease_until is not None and row.lease_until > now
        return row.record if row.record.live == live else attrs.evolve(row.record, live=live)

    async def open(self) -> None:
        """Nothing to open."""

    async def aclose(self) -> None:
        """Nothing to close."""

    async def register(self, rows: Sequence[RowSpec]) -> None:
        """Add missing rows as ``pending``."""
        for key, digest, position, hint in rows:
            self._rows.setdefault(key, _Row(RowRecord(key, digest, position, "pending", hint=hint)))

    async def records(self, keys: Sequence[str]) -> dict[str, RowRecord]:
        """Current records of ``keys``."""
        now = time.time()
        return {k: self._view(self._rows[k], now) for k in keys if k in self._rows}

    async def bind(self, values: Mapping[str, str]) -> dict[str, str]:
        """Record ``values`` where none is recorded yet; return every recorded value."""
        for name, value in values.items():
            self._bound.setdefault(name, value)
        return dict(self._bound)

    async def records_by_hint(self, hints: Sequence[str]) -> list[RowRecord]:
        """The records whose hint (subject) is one of ``hints``."""
        now, wanted = time.time(), set(hints)
        return [self._view(r, now) for r in self._rows.values() if r.record.hint in wanted]

    async def reset(
        self, key: str, digest: str, hint: str | None = None, *, failed_only: bool = False
    ) -> bool:
        """Make a row that left nothing on the server ``pending`` again."""
        row = self._rows.get(key)
        if row is None:
            return False
        if not row.record.resettable or (failed_only and row.record.state != "failed"):
            return False
        row.record = RowRecord(key, digest, row.record.position, "pending", hint=hint)
        row.lease_until = None
        return True

    async def claim(
        self,
        keys: Sequence[str],
        worker: str,
        lease: float,
        *,
        stale: bool = False,
        changes: Mapping[str, object] | None = None,
    ) -> RowRecord | None:
        """Claim the first claimable (or, with ``stale``, stale) row of ``keys``."""
        if changes and set(changes) - FIELDS:
            raise ValueError(f"unknown ledger fields: {sorted(set(changes) - FIELDS)}")
        now = time.time()
        present = [k for k in keys if k in self._rows]
        for key in sorted(present, key=lambda k: self._rows[k].record.position):
            row = self._rows[key]
            view = self._view(row, now)
            if view.stale if stale else view.claimable:
                wanted: dict[str, object] = {"state": "claimed", "step": None, **(changes or {})}
                if stale:
                    wanted = {"state": "sending", "step": "reconcile"}
                row.record = attrs.evolve(row.record, worker=worker, **wanted)  # type: ignore[arg-type]
                row.lease_until = now + lease
                return self._view(row, now)
        return None

    async def update(self, key: str, worker: str, changes: Mapping[str, object]) -> bool:
        """Change a row ``worker`` holds."""
        if set(changes) - FIELDS:
            raise ValueError(f"unknown ledger fields: {sorted(set(changes) - FIELDS)}")
        row = self._rows.get(key)
        if row is None or row.record.worker != worker or row.record.state not in HELD_STATES:
            return False
        row.record = attrs.evolve(row.record, **changes)  # type: ignore[arg-type]
        if row.record.state not in HELD_STATES:
            row.lease_until = None
        return True

    async def heartbeat(self, worker: str, lease: float) -> int:
        """Extend ``worker``'s leases; return the live workers."""
        now = time.time()
        for row in self._rows.values():
            if row.record.worker == worker and row.record.state in HELD_STATES:
                row.lease_until = now + lease
        self._workers[worker] = now + lease
        return sum(1 for until in self._workers.values() if until > now)

    async def release(self, worker: str) -> None:
        """Give back ``worker``'s claimed rows."""
        for row in self._rows.values():
            if row.record.worker == worker and row.record.state == "claimed":
                row.record = attrs.evolve(row.record, state="pending", worker=None)
                row.lease_until = None
        self._workers.pop(worker, None)
