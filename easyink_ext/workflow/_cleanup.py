"""Removing the draft of a failed workflow: delete it, or void it once converted but not started.

A session is never undone once ``startSession`` was sent or the session is seen started: its
signers may already hold an invitation, and voiding it would send them a void notice for a
session that a reconciliation records as started (see :func:`_was_started`).
"""

from __future__ import annotations

from easyink_client.models.signing_view import SigningView
from easyink_client.types import Unset

from .. import _telemetry
from ..errors import (
    APIConnectionError,
    EasyInkError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from ._results import WorkflowError
from ._runner import _Run

_NOT_STARTED = frozenset({"Draft", "ReadyToStart"})
_STARTED_ONLY = frozenset({"Waiting", "Opened", "Signed", "Declined"})


def _was_started(view: SigningView) -> bool:
    """The session reached ``startSession``: any status past ``ReadyToStart``, or ``Voided``
    with a trace of its start (signed copies are made at start; participant states or
    signatures that only a started session has)."""
    status = view.status.value
    if status in _NOT_STARTED:
        return False
    if status != "Voided":
        return True
    if view.signed_documents and not isinstance(view.signed_documents, Unset):
        return True
    for participant in view.participants or []:
        state = participant.status
        if (not isinstance(state, Unset) and state.value in _STARTED_ONLY) or (
            participant.signed_at and not isinstance(participant.signed_at, Unset)
        ):
            return True
    return False


@_telemetry.instrumented("cleanup")
async def _cleanup(run: _Run, step: str) -> str:
    """Delete (or, once converted, void) the draft; return what happened.

    ``"started"`` when ``startSession`` was sent or the session is started: left alone."""
    if run.start_sent:
        return "started"
    retries = 0
    while True:
        try:
            return await _remove(run, step)
        except NotFoundError:
            return "deleted"
        except (APIConnectionError, InternalServerError, RateLimitError):
            return "failed"  # the client's transport already retried these
        except EasyInkError:
            # The draft changed under us (converted meanwhile: 409...): look again, as a retry.
            if not await run.retry_pause(retries, connection_failure=False):
                return "failed"
            retries += 1


async def _remove(run: _Run, step: str) -> str:
    """One pass: void the session once converted, else delete the draft."""
    if not run.converted:
        config = await run.get_draft()
        run.converted = config.is_locked
    if run.converted:
        view = await run.get_session()
        if _was_started(view):
            return "started"
        if view.status.value == "Voided":
            return "voided"
        await run.ei.sessions.void(run.draft, reason=f"Sending failed at step '{step}'")
        return "voided"
    await run.ei.drafts.delete(run.draft)
    return "deleted"


async def _fail(run: _Run, step: str, exc: Exception, keep: bool) -> WorkflowError:
    if run.draft_id is None:
        cleanup = "none"
    elif keep:
        cleanup = "kept"
    else:
        cleanup = await _cleanup(run, step)
    return WorkflowError(step, run.draft_id, exc, cleanup)
