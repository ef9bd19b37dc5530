"""One-call signing workflow: :func:`send_for_signature`.

``send_for_signature`` runs, from plain inputs, every step of sending documents for signature::

    create draft -> upload documents -> wait for processing -> add participants
    -> place fields -> set signing order -> convert -> start

and returns a :class:`SentSession` with every id. Inputs are checked before any request
(:class:`ValueError` with a readable message). Without explicit ``fields`` each signer gets one
``Signature`` field on the last page of every document, stacked from the bottom-left corner so
that fields never overlap and stay inside the page (page sizes come from ``getDraft``).

**Failures.** When a step fails the workflow deletes the draft it created (unless
``keep_draft_on_failure=True``) and raises :class:`WorkflowError` naming the step (``step``,
``draft_id``, ``cause``; the cause is also chained as ``__cause__``). A draft that was already
converted can no longer be deleted: it is voided instead. A session is never undone once
``startSession`` was sent (answered or not, failed or cancelled): invitations may be out, so it
is left as it is (``cleanup == "started"``) for a reconciliation to read. ``WorkflowError.cleanup``
says what happened (``"deleted"``, ``"voided"``, ``"started"``, ``"kept"``, ``"failed"`` or
``"none"``).

**Outcome unknown.** The client never repeats a POST that may have taken effect: it raises
:class:`~easyink_ext.errors.OutcomeUnknownError` instead. The workflow then reads the state back
and repeats the step only once the read proves that the first attempt had no effect:

- ``uploadDraftDocument``: ``getDraft``; a document not yet known to this workflow whose title
  matches the file name (or the only unknown document) is the upload.
- ``addDraftParticipant``: ``getDraft``; an unknown participant with the same e-mail (or, for
  a signer without e-mail, the same phone) is the participant.
- ``addDraftSignatureField``: ``getDraft``; an unknown field of the same type for the same
  document, participant, page and position is the field.
- ``convertDraft``: ``getDraft``; ``isLocked`` means it was converted.
- ``startSession``: ``getSession``; any status other than ``ReadyToStart`` means it started.
- ``createDraft`` has no id to read back. The workflow searches the ``Draft`` sessions
  (``searchSessions``, newest first) for a draft with exactly the same subject, created since
  the call began (allowing 30 s of clock difference with the server), still empty (no
  document, participant or field), and not already claimed by this client. Claims live in a
  small registry shared by every workflow of one :class:`~easyink_ext.EasyInk` client (and its
  ``with_options`` views): a workflow claims the id it gets back, and before claiming a draft
  found by the search it waits until every ``createDraft`` with that subject that was in flight
  at search time has returned and claimed its own id. Unclaimed empty drafts with the same
  subject are interchangeable, so claiming any one of them is correct. If the search (and one
  re-check after ``recheck_delay``) finds none, the creation did not happen and ``createDraft``
  is sent again. Drafts with the same subject created at the same moment by *another* process
  could be claimed; use distinctive subjects when several processes send at once.

**Retries.** The workflow adds none on top of the client's: each request is retried by the
client's transport under its policy (:mod:`easyink_ext._retry`), and a failure the transport
gave up on fails the step. The one retry the workflow makes itself, re-sending a POST that a
read-back proved had no effect (and the cleanup's second look at a draft that changed under
it), is taken from the same policy (``max_retries``, backoff) and the client's retry budget.

The package: ``_inputs`` (signers, fields, documents and their checks), ``_layout`` (default
field placement), ``_claims`` (the draft-claims registry), ``_results`` (``SentSession``,
``WorkflowError``), ``_runner`` (one run's state and the read/POST rules), ``_steps`` (each
step with its read-back), ``_cleanup`` and ``_send`` (``send_for_signature``).
"""

from __future__ import annotations

from ._claims import DraftClaims, _claims_for
from ._cleanup import _cleanup, _fail, _was_started
from ._inputs import (
    DEFAULT_FIELD_HEIGHT,
    DEFAULT_FIELD_WIDTH,
    DeliveryName,
    DocumentInput,
    FieldSpec,
    FieldTypeName,
    ReminderName,
    Signer,
    _check_signer,
    _check_signers,
)
from ._layout import default_field_placements
from ._results import STEPS, SentSession, WorkflowError
from ._runner import OnStep, _or_none, _Run
from ._send import send_for_signature
from ._steps import _CREATE_SKEW, _draft_is_empty, _search_unclaimed_drafts

__all__ = [
    "DEFAULT_FIELD_HEIGHT",
    "DEFAULT_FIELD_WIDTH",
    "STEPS",
    "_CREATE_SKEW",
    "DeliveryName",
    "DocumentInput",
    "DraftClaims",
    "FieldSpec",
    "FieldTypeName",
    "OnStep",
    "ReminderName",
    "SentSession",
    "Signer",
    "WorkflowError",
    "_Run",
    "_check_signer",
    "_check_signers",
    "_claims_for",
    "_cleanup",
    "_draft_is_empty",
    "_fail",
    "_or_none",
    "_search_unclaimed_drafts",
    "_was_started",
    "default_field_placements",
    "send_for_signature",
]
