"""Removing the draft of a failed workflow: delete it, or void it once converted."""

from __future__ import annotations

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


@_telemetry.instrumented("cleanup")
async def _cleanup(run: _Run, step: str) -> str:
    """Delete (or, once converted, void) the draft; return what happened."""
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
        if view.status.value in ("Voided",):
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
