"""The draft-claims registry shared by the workflows of one client (see the package docs)."""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING
from uuid import UUID

import anyio

if TYPE_CHECKING:
    from .._client import EasyInk


_CLAIM_TTL = 3600.0


# -- claims registry ---------------------------------------------------------------------------


class DraftClaims:
    """Draft ids already owned by workflows of one client, plus its in-flight ``createDraft``s.

    Used by the ``createDraft`` reconciliation (see the module docstring). All methods are
    synchronous, so a check-and-claim cannot interleave with another task.
    """

    def __init__(self) -> None:
        # In claim order, which is time order: expired claims are at the front.
        self._claimed: OrderedDict[UUID, float] = OrderedDict()
        self._in_flight: dict[str, set[anyio.Event]] = {}

    def claim(self, draft_id: UUID) -> bool:
        """Claim ``draft_id``; False when it was already claimed (within the last hour)."""
        now = time.monotonic()
        self._expire(now)
        if draft_id in self._claimed:
            return False
        self._claimed[draft_id] = now
        return True

    def _expire(self, now: float) -> None:
        """Forget claims older than the TTL (O(1) per claim forgotten, not a scan of all)."""
        claimed = self._claimed
        while claimed:
            since = next(iter(claimed.values()))
            if now - since < _CLAIM_TTL:
                return
            claimed.popitem(last=False)

    def is_claimed(self, draft_id: UUID) -> bool:
        """True when a workflow of this client owns ``draft_id``."""
        return draft_id in self._claimed

    @asynccontextmanager
    async def creating(self, subject: str) -> AsyncIterator[anyio.Event]:
        """Mark one ``createDraft`` with ``subject`` as in flight for the duration of the block."""
        done = anyio.Event()
        waiting = self._in_flight.setdefault(subject, set())
        waiting.add(done)
        try:
            yield done
        finally:
            done.set()
            waiting.discard(done)
            if not waiting:
                self._in_flight.pop(subject, None)

    def in_flight(self, subject: str, *, exclude: anyio.Event | None = None) -> list[anyio.Event]:
        """Completion events of the ``createDraft`` calls with ``subject`` now in flight."""
        return [e for e in self._in_flight.get(subject, ()) if e is not exclude]


_CLAIMS: weakref.WeakKeyDictionary[object, DraftClaims] = weakref.WeakKeyDictionary()


def _claims_for(ei: EasyInk) -> DraftClaims:
    # The transport core is created by each client and shared only with its with_options views
    # (a retry budget may be shared between clients, so it cannot be the key).
    key = ei._core
    found = _CLAIMS.get(key)
    if found is None:
        found = _CLAIMS[key] = DraftClaims()
    return found
