"""Settle a batch row whose outcome is unknown by reading the server: :class:`SessionReconciler`.

Used by :func:`easyink_ext.run_batch` with ``reconcile=True`` for rows that are ``unknown``,
``sending`` with an expired lease (their worker died), or ``failed`` without proof that they
left nothing on the server. It reuses the read-back of :mod:`easyink_ext.workflow`:

* **Draft id known** (recorded as soon as ``createDraft`` answered): ``getSession``. Started
  (any status after ``ReadyToStart``, ``Voided`` included when the session shows it was started
  before: its signers were invited, so it is never sent again): the row is started with that
  session id. ``Draft``: the orphan draft is deleted; ``ReadyToStart`` (converted, not
  started): voided; ``Voided`` without a start, or not found: nothing left. In those cases the
  row becomes sendable again.
* **Draft id unknown** (the worker died during ``createDraft``, before the ledger heard the
  id): the ``Draft`` sessions with the row's subject created since the attempt began (less 30 s
  of clock difference) that are still empty and that no row of the ledger owns are orphans of
  that attempt: they are deleted, and the row becomes sendable. (A draft is only ever empty
  between ``createDraft`` and the ledger recording its id, so no other row's draft is touched
  unless two rows sending at the same moment share a subject: give rows distinct subjects.)
* **Nothing was sent yet** (the worker died before its first step): sendable.

A reconciler raises :class:`ReconcileError` when it cannot tell (the server keeps failing, or a
draft cannot be removed): the row then stays as it is and is reported.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from uuid import UUID

from .errors import EasyInkError
from .ledger import RowRecord
from .workflow import (
    _CREATE_SKEW,
    DraftClaims,
    _cleanup,
    _draft_is_empty,
    _or_none,
    _Run,
    _search_unclaimed_drafts,
    _was_started,
)

if TYPE_CHECKING:
    from ._client import EasyInk

__all__ = ["ReconcileError", "SessionReconciler"]

FIRST_STEPS = frozenset({None, "begin", "reconcile"})
"""Steps at which a row has sent nothing yet (the runner's own, before the workflow's)."""


class ReconcileError(EasyInkError):
    """The server could not tell what became of a row (it is left as it was)."""


class SessionReconciler:
    """Settles rows sent with :func:`~easyink_ext.workflow.send_for_signature` (see module docs).

    ``await reconciler(record, owned_drafts)`` returns the session id when the row turns out
    started, else ``None`` once nothing of it is left on the server; ``owned_drafts`` are the
    draft ids other rows of the ledger own (never touched).
    """

    def __init__(self, ei: EasyInk) -> None:
        self.ei = ei

    async def __call__(self, record: RowRecord, owned_drafts: Container[str]) -> str | None:
        try:
            if record.draft_id is not None:
                return await self._settle_draft(UUID(record.draft_id))
            if record.hint is not None and record.since is not None:
                await self._remove_orphans(record.hint, record.since, owned_drafts)
                return None
            if record.step in FIRST_STEPS:
                return None
        except ReconcileError:
            raise
        except EasyInkError as exc:
            raise ReconcileError(f"row {record.key!r}: cannot read the server: {exc}") from exc
        raise ReconcileError(f"row {record.key!r}: no draft id or subject to search for")

    async def _settle_draft(self, draft_id: UUID) -> str | None:
        run = _Run(self.ei, recheck_delay=0.0)
        run.draft_id = draft_id

        view = await run.read(lambda: _or_none(lambda: self.ei.sessions.get(draft_id)))
        if view is not None and _was_started(view):
            return str(draft_id)
        if view is None or view.status.value == "Voided":
            return None
        run.converted = view.status.value == "ReadyToStart"
        if await _cleanup(run, "reconcile") == "failed":
            raise ReconcileError(f"orphan draft {draft_id} could not be removed")
        return None

    async def _remove_orphans(self, subject: str, since: float, owned: Container[str]) -> None:
        run = _Run(self.ei, recheck_delay=0.0)
        start = datetime.fromtimestamp(since, timezone.utc) - _CREATE_SKEW
        found = await run.read(lambda: _search_unclaimed_drafts(run, subject, start, DraftClaims()))
        for draft_id in found:
            if str(draft_id) in owned or not await _draft_is_empty(run, draft_id):
                continue
            run.draft_id = draft_id
            run.converted = False
            if await _cleanup(run, "reconcile") == "failed":
                raise ReconcileError(f"orphan draft {draft_id} could not be removed")
