""":func:`send_for_signature`: the steps in order, timed, with cleanup on failure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

import anyio

from easyink_client.models.reminder_frequency import ReminderFrequency

from .. import _telemetry
from .._control import has_control
from ._cleanup import _cleanup, _fail
from ._inputs import (
    DocumentInput,
    FieldSpec,
    ReminderName,
    Signer,
    _check_documents,
    _check_fields,
    _check_signers,
    _reads_files,
)
from ._layout import _plan_default_fields
from ._results import STEPS, SentSession
from ._runner import OnStep, _require_distinct, _require_processed, _Run, _timed
from ._steps import _add_field, _add_participant, _convert, _create_draft, _start, _upload

if TYPE_CHECKING:
    from .._client import EasyInk


@_telemetry.instrumented("workflow")
async def send_for_signature(
    ei: EasyInk,
    *,
    documents: Sequence[DocumentInput] | DocumentInput,
    signers: Sequence[Signer],
    subject: str,
    fields: Sequence[FieldSpec] | None = None,
    sequential: bool = False,
    reminder: ReminderName | None = None,
    keep_draft_on_failure: bool = False,
    processing_timeout: float = 120.0,
    recheck_delay: float = 0.25,
    on_step: OnStep | None = None,
) -> SentSession:
    """Create, configure, convert and start a signing session; return every id.

    ``documents``: paths, bytes or ``(filename, bytes)``; ``signers``: :class:`Signer` list;
    ``fields``: explicit :class:`FieldSpec` list (default: one Signature field per signer on the
    last page of each document); ``sequential``: one-by-one signing in ``signers`` order;
    ``reminder``: ``"Never"``, ``"Daily"`` or ``"Weekly"``; ``processing_timeout``: seconds to
    wait for uploaded documents to be processed; ``recheck_delay``: seconds before re-reading
    the state once when an ambiguous failure left no trace; ``on_step(step, draft_id)`` is
    awaited as each step begins, before its first request (``draft_id`` is ``None`` until the
    draft exists): a batch ledger records progress with it, and an exception it raises fails
    the workflow at that step like any other.

    Raises :class:`ValueError` for bad inputs (before any request) and :class:`WorkflowError`
    when a step fails (see the module docstring).
    """
    if not isinstance(subject, str) or not subject.strip():
        raise ValueError("subject must be a non-empty string")
    if len(subject) > 500:
        raise ValueError("subject must be at most 500 characters")
    if has_control(subject):
        raise ValueError("subject must not hold control characters (NUL, ESC, ...)")
    if reminder is not None and reminder not in ("Never", "Daily", "Weekly"):
        raise ValueError("reminder must be Never, Daily or Weekly")
    if processing_timeout <= 0:
        raise ValueError("processing_timeout must be > 0")
    checked_signers = _check_signers(signers)
    if _reads_files(documents):
        # Reading files is blocking I/O: keep it off the event loop other tasks share.
        docs = await anyio.to_thread.run_sync(_check_documents, documents)
    else:
        docs = _check_documents(documents)
    planned = None if fields is None else _check_fields(fields, checked_signers, len(docs))

    run = _Run(ei, recheck_delay, on_step)
    step = STEPS[0]
    try:
        async with _timed(run, step):
            run.draft_id = await _create_draft(run, subject)
        if reminder is not None:
            step = "update draft"
            async with _timed(run, step):
                frequency = ReminderFrequency(reminder)
                await run.read(
                    lambda: ei.drafts.update(
                        run.draft, subject=subject, reminder_frequency=frequency
                    )
                )
        step = "upload documents"
        document_ids: list[UUID] = []
        async with _timed(run, step):
            for doc in docs:
                document_ids.append(await _upload(run, doc, set(document_ids)))
            _require_distinct(document_ids, "document", "uploadDraftDocument")
        step = "wait for processing"
        async with _timed(run, step):
            from ..waiters import wait_for_documents_processed

            config = await run.read(
                lambda: wait_for_documents_processed(ei, run.draft, timeout=processing_timeout)
            )
            _require_processed(config, document_ids)
        step = "add participants"
        participant_ids: list[UUID] = []
        async with _timed(run, step):
            for signer in checked_signers:
                participant_ids.append(await _add_participant(run, signer, set(participant_ids)))
            _require_distinct(participant_ids, "participant", "addDraftParticipant")
        step = "place fields"
        field_ids: list[UUID] = []
        async with _timed(run, step):
            if planned is None:
                planned = _plan_default_fields(config, document_ids, len(checked_signers))
            for field in planned:
                field_ids.append(
                    await _add_field(
                        run,
                        field,
                        document_ids[field.document_index],
                        participant_ids[field.signer_index],
                        set(field_ids),
                    )
                )
            _require_distinct(field_ids, "signature field", "addDraftSignatureField")
        if sequential and len(participant_ids) > 1:
            step = "set signing order"
            async with _timed(run, step):
                order = list(participant_ids)
                await run.read(
                    lambda: ei.drafts.signing_order.set_one_by_one(
                        run.draft, participants_order=order
                    )
                )
        step = "convert"
        async with _timed(run, step):
            await _convert(run)
            run.converted = True
        step = "start"
        async with _timed(run, step):
            await _start(run)
    except Exception as exc:
        raise await _fail(run, step, exc, keep_draft_on_failure) from exc
    except BaseException:
        # Cancelled: remove the draft anyway (shielded, bounded), then let cancellation go on.
        if run.draft_id is not None and not keep_draft_on_failure:
            with anyio.CancelScope(shield=True), anyio.move_on_after(15):
                await _cleanup(run, step)
        raise
    return SentSession(
        session_id=run.draft,
        subject=subject,
        signers=checked_signers,
        document_ids=tuple(document_ids),
        participant_ids=tuple(participant_ids),
        field_ids=tuple(field_ids),
        timings=dict(run.timings),
    )
