"""The business rules of signing sessions over the in-memory state, one module per resource.

``SessionStore`` joins the rules of each resource (``_drafts``, ``_documents``,
``_participants``, ``_fields``, ``_sessions``, ``_portal``, ``_search``) over one
``StoreCore`` (``_core``: the sessions, the clock, the audit trail and the look-ups).

Conventions of the sandbox (where the public documentation leaves a choice):

* A draft is a session in ``Draft`` status; it stays readable through both the draft and the
  session operations, and is locked (refusing every draft modification) once converted.
* A part that does not exist inside an existing session (document, attachment, participant,
  field, signed document) is a 400 ``ValidationError`` ``"<Kind> '<id>' not found"``, as the
  reference shows for documents; a session the caller does not own or that does not exist is a
  404 ``NotFound`` (never revealing another user's session).
* Every participant is a ``Signer``; ``addMeAsDraftParticipant`` links the caller's user id.
* Adding a participant to a one-by-one draft appends them to the order; removing one drops them.
* Signed copies exist per (signer, document) from the start (``Processing``) and become
  ``Ready`` when that signer signs; each carries only that signer's stamps. The all-in-one PDF
  (every document with every signer's stamps, then the audit trail) is built when the session
  finishes. Generated large documents are served as they are (they are never stamped) and are
  left out of the all-in-one PDF.
* ``NeedToSign``: an active session of the caller in which a participant whose e-mail equals the
  caller's e-mail has not signed yet. ``NeedsAction``: a declined session, or an active one with
  a notification error (a participant still to sign has no delivery method).
"""

from __future__ import annotations

from ._core import StoreCore, check_delivery, check_subject
from ._documents import DocumentRules
from ._drafts import DraftRules
from ._fields import FieldRules
from ._participants import ParticipantRules
from ._portal import PortalRules
from ._search import SearchRules
from ._sessions import SessionRules, copy_refusal, void_refusal

__all__ = [
    "SessionStore",
    "StoreCore",
    "check_delivery",
    "check_subject",
    "copy_refusal",
    "void_refusal",
]


class SessionStore(
    DraftRules,
    DocumentRules,
    ParticipantRules,
    FieldRules,
    SessionRules,
    PortalRules,
    SearchRules,
):
    """Signing sessions of every user and the operations on them."""
