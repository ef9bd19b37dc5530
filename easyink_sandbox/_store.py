"""The business rules of signing sessions over the in-memory state.

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

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from . import _pdf
from ._config import SandboxConfig
from ._downloads import Blob, BytesBlob, LargePdfBlob
from ._errors import VALIDATION_FAILED, not_found, validation
from ._state import (
    ACTIVE_STATUSES,
    SESSION_STATUS_ORDER,
    Document,
    Event,
    Participant,
    Placement,
    Session,
    SignatureField,
    SignedDocument,
    new_id,
    user_email,
    user_uuid,
)

DRAFT_NOT_FOUND = "Signing session draft does not exists"
SESSION_NOT_FOUND = "The specified signing session ID was not found."
DRAFT_LOCKED = "Signing session draft is locked and cannot be modified"
DRAFT_LOCKED_REMOVE = "Signing session draft is locked and cannot be removed"
CONFIG_INVALID = (
    "Session configuration is invalid. Check that all documents, participants, and fields are"
    " configured."
)
PROCESSING = "Document processing is in progress. Try again later."
LINK_USED = (
    "Delivery method can't be changed because the participant has already used the signing link"
)
VOID_REASON_REQUIRED = "Voiding reason is required"
NIL_UUID = "00000000-0000-0000-0000-000000000000"
SUBJECT_TOO_LONG = "Subject cannot exceed 500 characters"

_SEARCH_STATUS_MATCH = {
    "Draft": ("Draft",),
    "ReadyToStart": ("ReadyToStart",),
    "InProgress": ("Pending", "InProgress"),
    "Finished": ("Finished",),
    "Declined": ("Declined",),
    "Voided": ("Voided",),
    "Expired": ("Expired",),
}
_SORTABLE = ("created", "subject", "status")


def _title(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def check_delivery(methods: Sequence[str], email: str | None, phone: str | None) -> None:
    """Email needs an e-mail address and Sms a phone number."""
    inner: list[tuple[str, str]] = []
    if "Email" in methods and not email:
        inner.append(("RequiredField", "The 'email' field is required"))
    if "Sms" in methods and not phone:
        inner.append(("RequiredField", "The 'phone' field is required"))
    if inner:
        raise validation(VALIDATION_FAILED, inner)


def check_subject(subject: str | None) -> None:
    """Subjects are at most 500 characters."""
    if subject is not None and len(subject) > 500:
        raise validation(SUBJECT_TOO_LONG)


class SessionStore:
    """Signing sessions of every user and the operations on them."""

    def __init__(self, config: SandboxConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self._clock = clock
        self.sessions: dict[str, Session] = {}

    # -- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Current UTC time of the sandbox clock."""
        return datetime.fromtimestamp(self._clock(), tz=timezone.utc)

    def _event(self, session: Session, text: str) -> None:
        session.events.append(Event(at=self.now(), text=text))

    def document_status(self, document: Document) -> str:
        """``Processing`` until ``processing_delay`` seconds passed since upload."""
        ready = self._clock() >= document.uploaded_at + self.config.processing_delay
        return "ProcessingReady" if ready else "Processing"

    # -- lookup -----------------------------------------------------------------------------

    def _find(self, user: str, session_id: str, message: str) -> Session:
        session = self.sessions.get(session_id)
        if session is None or session.owner != user:
            raise not_found(message)
        return session

    def draft(self, user: str, session_id: str) -> Session:
        """The caller's draft (in any status), or 404 ``Signing session draft does not exists``."""
        return self._find(user, session_id, DRAFT_NOT_FOUND)

    def editable_draft(self, user: str, session_id: str) -> Session:
        """The caller's draft, refused once it is locked (converted)."""
        session = self.draft(user, session_id)
        if session.is_locked:
            raise validation(DRAFT_LOCKED)
        return session

    def session(self, user: str, session_id: str) -> Session:
        """The caller's session, or 404 ``The specified signing session ID was not found.``."""
        return self._find(user, session_id, SESSION_NOT_FOUND)

    @staticmethod
    def participant(session: Session, participant_id: str) -> Participant:
        """A participant of the session."""
        if participant_id == NIL_UUID:
            raise validation("Participant Id is required")
        found = session.participants.get(participant_id)
        if found is None:
            raise validation(f"Participant '{participant_id}' not found")
        return found

    @staticmethod
    def document(session: Session, document_id: str) -> Document:
        """A document of the session."""
        found = session.documents.get(document_id)
        if found is None:
            raise validation(f"Document '{document_id}' not found")
        return found

    @staticmethod
    def attachment(session: Session, attachment_id: str) -> Document:
        """An attachment of the session."""
        found = session.attachments.get(attachment_id)
        if found is None:
            raise validation(f"Attachment '{attachment_id}' not found")
        return found

    @staticmethod
    def field(session: Session, field_id: str) -> SignatureField:
        """A signature field of the session."""
        found = session.fields.get(field_id)
        if found is None:
            raise validation(f"Signature field '{field_id}' not found")
        return found

    def ready_document(self, document: Document) -> Document:
        """The document, refused while it is still processing."""
        if self.document_status(document) != "ProcessingReady":
            raise validation(PROCESSING)
        return document

    # -- drafts -----------------------------------------------------------------------------

    def create_draft(self, user: str, subject: str | None) -> Session:
        """A new empty draft owned by ``user``."""
        check_subject(subject)
        session = Session(id=new_id(), owner=user, created=self.now(), subject=subject)
        self.sessions[session.id] = session
        self._event(session, f"Signing session draft created by {user}")
        return session

    def _new_document(self, data: bytes, filename: str) -> Document:
        upload = _pdf.inspect_upload(data, filename)
        name = filename if upload.kind == "pdf" else _title(filename) + ".pdf"
        return Document(
            id=new_id(),
            title=_title(filename),
            filename=name,
            blob=BytesBlob(upload.pdf),
            pages=upload.pages,
            uploaded_at=self._clock(),
        )

    def upload_document(self, user: str, session_id: str, data: bytes, filename: str) -> Document:
        """Add a document for signing (PDF or Word) to a draft."""
        session = self.editable_draft(user, session_id)
        document = self._new_document(data, filename)
        session.documents[document.id] = document
        self._event(session, f"Document '{document.title}' uploaded")
        return document

    def add_attachment(self, user: str, session_id: str, data: bytes, filename: str) -> Document:
        """Add an attachment (reference document) to a draft."""
        session = self.editable_draft(user, session_id)
        attachment = self._new_document(data, filename)
        session.attachments[attachment.id] = attachment
        self._event(session, f"Attachment '{attachment.title}' added")
        return attachment

    def add_large_document(
        self, session_id: str, size_bytes: int, title: str = "Large document"
    ) -> Document:
        """Add a generated PDF of ``size_bytes`` bytes (ready at once) to any session."""
        session = self.sessions[session_id]
        document = Document(
            id=new_id(),
            title=title,
            filename=f"{title}.pdf",
            blob=LargePdfBlob(size_bytes),
            pages=[(612.0, 792.0)],
            uploaded_at=0.0,
            stampable=False,
        )
        session.documents[document.id] = document
        self._event(session, f"Document '{title}' uploaded")
        return document

    def add_large_signed_document(
        self, session_id: str, participant_id: str, size_bytes: int
    ) -> SignedDocument:
        """Add a ready generated signed PDF of ``size_bytes`` bytes for a participant."""
        session = self.sessions[session_id]
        participant = self.participant(session, participant_id)
        document_id = next(iter(session.documents), new_id())
        signed = SignedDocument(
            id=new_id(),
            participant_id=participant.id,
            document_id=document_id,
            title=f"Large document - {participant.display_name} (Signed).pdf",
            blob=LargePdfBlob(size_bytes),
        )
        session.signed_documents[signed.id] = signed
        return signed

    def remove_document(self, user: str, session_id: str, document_id: str) -> None:
        """Remove a document and its fields (and the fields depending on them)."""
        session = self.editable_draft(user, session_id)
        document = self.document(session, document_id)
        del session.documents[document_id]
        doomed = [f.id for f in session.fields.values() if f.document_id == document_id]
        self._remove_fields(session, doomed)
        self._event(session, f"Document '{document.title}' removed")

    def remove_attachment(self, user: str, session_id: str, attachment_id: str) -> None:
        """Remove an attachment from a draft."""
        session = self.editable_draft(user, session_id)
        attachment = self.attachment(session, attachment_id)
        del session.attachments[attachment_id]
        self._event(session, f"Attachment '{attachment.title}' removed")

    def add_participant(self, user: str, session_id: str, data: dict[str, Any]) -> Participant:
        """Add a signer to a draft."""
        session = self.editable_draft(user, session_id)
        methods = list(data.get("deliveryMethods") or [])
        check_delivery(methods, data.get("email"), data.get("phone"))
        participant = Participant(
            id=new_id(),
            first_name=data.get("firstName"),
            middle_name=data.get("middleName"),
            last_name=data.get("lastName"),
            email=data.get("email"),
            phone=data.get("phone"),
            delivery_methods=methods,
            language=data.get("language") or "English",
        )
        self._append_participant(session, participant)
        return participant

    def _append_participant(self, session: Session, participant: Participant) -> None:
        session.participants[participant.id] = participant
        if session.order is not None:
            session.order.append(participant.id)
        self._event(session, f"Participant {participant.display_name} added")

    def add_me(self, user: str, session_id: str) -> Participant:
        """Add the caller as a signer (no delivery method)."""
        session = self.editable_draft(user, session_id)
        participant = Participant(
            id=new_id(),
            first_name=user.split("@", 1)[0][:100] or "Sandbox",
            middle_name=None,
            last_name="User",
            email=user_email(user),
            phone=None,
            delivery_methods=[],
            user_id=user_uuid(user),
        )
        self._append_participant(session, participant)
        return participant

    def update_participant(
        self, user: str, session_id: str, participant_id: str, data: dict[str, Any]
    ) -> Participant:
        """Replace a draft participant's details."""
        session = self.editable_draft(user, session_id)
        participant = self.participant(session, participant_id)
        methods = list(data.get("deliveryMethods") or [])
        check_delivery(methods, data.get("email"), data.get("phone"))
        participant.first_name = data.get("firstName")
        participant.middle_name = data.get("middleName")
        participant.last_name = data.get("lastName")
        participant.email = data.get("email")
        participant.phone = data.get("phone")
        participant.delivery_methods = methods
        participant.language = data.get("language") or "English"
        self._event(session, f"Participant {participant.display_name} updated")
        return participant

    def remove_participant(self, user: str, session_id: str, participant_id: str) -> None:
        """Remove a participant, their fields (and dependents) and their place in the order."""
        session = self.editable_draft(user, session_id)
        participant = self.participant(session, participant_id)
        del session.participants[participant_id]
        if session.order is not None and participant_id in session.order:
            session.order.remove(participant_id)
        doomed = [f.id for f in session.fields.values() if f.participant_id == participant_id]
        self._remove_fields(session, doomed)
        self._event(session, f"Participant {participant.display_name} removed")

    def set_one_by_one(self, user: str, session_id: str, order: Sequence[str]) -> None:
        """Sequential signing; the order must list every participant of the draft exactly once."""
        session = self.editable_draft(user, session_id)
        unknown = [pid for pid in order if pid not in session.participants]
        if unknown:
            raise validation(
                "Signing order contains participants that are not in the signing session draft: "
                + ", ".join(unknown)
            )
        duplicates = sorted({pid for pid in order if order.count(pid) > 1})
        if duplicates:
            raise validation(
                "Signing order lists some participants more than once: " + ", ".join(duplicates)
            )
        missed = [pid for pid in session.participants if pid not in order]
        if missed:
            raise validation(
                "There are some participants missed in signing order definition: "
                + ", ".join(missed)
            )
        session.order_type = "OneByOne"
        session.order = list(order)
        self._event(session, "Signing order set to one by one")

    def set_all_at_once(self, user: str, session_id: str) -> None:
        """Parallel signing (the default)."""
        session = self.editable_draft(user, session_id)
        session.order_type = "AllAtOnce"
        session.order = None
        self._event(session, "Signing order set to all at once")

    @staticmethod
    def _check_placement(document: Document, placement: Placement) -> None:
        if placement.x < 0:
            raise validation("Position on X-axis cannot be less than 0")
        if placement.y < 0:
            raise validation("Position on Y-axis cannot be less than 0")
        if placement.width <= 0 or placement.height <= 0:
            raise validation("Field size must be greater than 0")
        pages = len(document.pages)
        if not 1 <= placement.page <= pages:
            raise validation(
                f"Page {placement.page} does not exist in document '{document.id}': "
                f"it has {pages} page{'s' if pages != 1 else ''}"
            )
        width, height = document.pages[placement.page - 1]
        right, top = placement.x + placement.width, placement.y + placement.height
        if right > width or top > height:
            raise validation(
                f"The field does not fit on page {placement.page} of document '{document.id}' "
                f"({width:g} x {height:g} points): it spans x {placement.x:g}..{right:g} and "
                f"y {placement.y:g}..{top:g}"
            )

    def add_field(
        self,
        user: str,
        session_id: str,
        *,
        participant_id: str | None,
        document_id: str,
        field_type: str,
        placement: Placement,
        is_required: bool,
        for_type: str | None,
        depends_on: str | None,
    ) -> SignatureField:
        """Add a signature field for a participant on a document page."""
        session = self.editable_draft(user, session_id)
        if not participant_id:
            raise validation("Participant Id is required")
        self.participant(session, participant_id)
        document = self.ready_document(self.document(session, document_id))
        if for_type is not None and for_type != field_type:
            raise validation("Field options must target the field type")
        self._check_placement(document, placement)
        if depends_on is not None:
            self.field(session, depends_on)
        field = SignatureField(
            id=new_id(),
            participant_id=participant_id,
            document_id=document_id,
            type=field_type,
            placement=placement,
            is_required=is_required,
            for_type=field_type,
            depends_on=depends_on,
        )
        session.fields[field.id] = field
        return field

    def _remove_fields(self, session: Session, roots: Iterable[str]) -> list[str]:
        removed: list[str] = []
        pending = [r for r in roots if r in session.fields]
        while pending:
            current = pending.pop(0)
            if current in removed:
                continue
            removed.append(current)
            pending.extend(f.id for f in session.fields.values() if f.depends_on == current)
        for field_id in removed:
            session.fields.pop(field_id, None)
        return removed

    def remove_field(self, user: str, session_id: str, field_id: str) -> list[str]:
        """Remove a field and every field depending on it (transitively); the removed ids."""
        session = self.editable_draft(user, session_id)
        self.field(session, field_id)
        return self._remove_fields(session, [field_id])

    def update_field_options(
        self, user: str, session_id: str, field_id: str, is_required: bool, for_type: str | None
    ) -> SignatureField:
        """Change whether a field is required; the options must target the field's type."""
        session = self.editable_draft(user, session_id)
        field = self.field(session, field_id)
        if for_type is not None and for_type != field.type:
            raise validation("Field options must target the field type")
        field.is_required = is_required
        return field

    def update_field_placement(
        self, user: str, session_id: str, field_id: str, placement: Placement
    ) -> SignatureField:
        """Move or resize a field; it must fit on an existing page of its document."""
        session = self.editable_draft(user, session_id)
        field = self.field(session, field_id)
        self._check_placement(self.document(session, field.document_id), placement)
        field.placement = placement
        return field

    def update_draft(self, user: str, session_id: str, data: dict[str, Any]) -> Session:
        """Change the subject and the reminder frequency of a draft."""
        session = self.editable_draft(user, session_id)
        check_subject(data.get("subject"))
        session.subject = data.get("subject")
        session.reminder_frequency = data.get("reminderFrequency")
        self._event(session, "Draft updated")
        return session

    def delete_draft(self, user: str, session_id: str) -> None:
        """Delete a draft that has not been converted."""
        session = self.draft(user, session_id)
        if session.is_locked:
            raise validation(DRAFT_LOCKED_REMOVE)
        del self.sessions[session_id]

    def convert(self, user: str, session_id: str) -> Session:
        """Draft -> ReadyToStart, once documents, participants and fields are configured."""
        session = self.editable_draft(user, session_id)
        signers = session.signers
        with_fields = {f.participant_id for f in session.fields.values()}
        if not session.documents or not signers or any(p.id not in with_fields for p in signers):
            raise validation(CONFIG_INVALID)
        if any(self.document_status(d) != "ProcessingReady" for d in session.documents.values()):
            raise validation(PROCESSING)
        session.status = "ReadyToStart"
        self._event(session, "Draft converted: the session is ready to start")
        return session

    # -- sessions ---------------------------------------------------------------------------

    def _invite(self, session: Session, participant: Participant) -> None:
        participant.status = "Pending"
        participant.link_version += 1
        if participant.delivery_methods:
            methods = ", ".join(participant.delivery_methods)
            self._event(session, f"Invitation sent to {participant.display_name} ({methods})")
        else:
            self._event(
                session,
                f"Invitation to {participant.display_name} not delivered: no delivery method",
            )

    def _ordered_signers(self, session: Session) -> list[Participant]:
        if session.order_type == "OneByOne" and session.order:
            ordered = [session.participants[pid] for pid in session.order]
            return [p for p in ordered if p.role == "Signer"]
        return session.signers

    def start(self, user: str, session_id: str) -> Session:
        """ReadyToStart -> Pending: invitations go out (one-by-one: to the first signer only)."""
        session = self.session(user, session_id)
        if not session.documents:
            raise validation("Session must have at least one document before starting")
        if session.status != "ReadyToStart":
            hint = "; convert the draft first" if session.status == "Draft" else ""
            raise validation(
                f"The signing session cannot be started in {session.status} status{hint}"
            )
        session.status = "Pending"
        self._event(session, "Signing session started")
        signers = self._ordered_signers(session)
        for index, participant in enumerate(signers):
            if session.order_type == "OneByOne" and index > 0:
                participant.status = "Waiting"
            else:
                self._invite(session, participant)
            for document in session.documents.values():
                signed = SignedDocument(
                    id=new_id(),
                    participant_id=participant.id,
                    document_id=document.id,
                    title=f"{document.title} - {participant.display_name} (Signed).pdf",
                )
                session.signed_documents[signed.id] = signed
        return session

    def update_session_participant(
        self, user: str, session_id: str, participant_id: str, data: dict[str, Any]
    ) -> Participant:
        """Change delivery methods and contact details of a participant who has not used the link.

        Keys absent from ``data`` keep their value. In an active session the signing link is
        regenerated (its version increases) and a new invitation is sent.
        """
        session = self.session(user, session_id)
        if session.status not in ("ReadyToStart", *ACTIVE_STATUSES):
            raise validation(
                f"Participants of a signing session in {session.status} status cannot be updated"
            )
        participant = self.participant(session, participant_id)
        if participant.link_opened or participant.status not in ("Pending", "Waiting"):
            raise validation(LINK_USED)
        methods = list(
            data["deliveryMethods"] or []
            if "deliveryMethods" in data
            else participant.delivery_methods
        )
        email = data.get("email", participant.email)
        phone = data.get("phone", participant.phone)
        check_delivery(methods, email, phone)
        participant.delivery_methods, participant.email, participant.phone = methods, email, phone
        self._event(session, f"Contact details of {participant.display_name} updated")
        if session.status in ACTIVE_STATUSES and participant.status == "Pending":
            self._invite(session, participant)
        return participant

    def _void_checks(self, session: Session, reason: str | None) -> str:
        if reason is None or not reason.strip():
            raise validation(VOID_REASON_REQUIRED)
        if session.status == "Voided":
            raise validation("The session is already in Voided status.")
        if session.is_void_disabled:
            raise validation("The session cannot be voided due to organization policy.")
        if session.status == "Draft":
            raise validation("A draft cannot be voided; delete it instead.")
        if session.status not in ("ReadyToStart", *ACTIVE_STATUSES):
            raise validation(f"The session cannot be voided in {session.status} status.")
        return reason

    def _void(self, session: Session, reason: str) -> None:
        session.status = "Voided"
        session.void_reason = reason
        for participant in session.participants.values():
            if participant.status in ("Pending", "Opened", "Waiting"):
                participant.link_version += 1
        self._event(session, f"Signing session voided: {reason}")

    def void(self, user: str, session_id: str, reason: str | None) -> None:
        """Void an active session (irreversible)."""
        session = self.session(user, session_id)
        self._void(session, self._void_checks(session, reason))

    def _copy_checks(self, session: Session) -> None:
        if session.status in ("Voided", "Expired"):
            raise validation(f"A signing session in {session.status} status cannot be copied.")
        if session.is_session_copy_disabled:
            raise validation("Copying this signing session is disabled by organization policy.")

    def _copy(self, user: str, source: Session, subject: str | None) -> Session:
        copy = Session(
            id=new_id(),
            owner=user,
            created=self.now(),
            subject=subject if subject is not None else source.subject,
            reminder_frequency=source.reminder_frequency,
            timestamp_format=source.timestamp_format,
        )
        doc_ids: dict[str, str] = {}
        for document in source.documents.values():
            new = Document(
                id=new_id(),
                title=document.title,
                filename=document.filename,
                blob=document.blob,
                pages=list(document.pages),
                uploaded_at=0.0,
                stampable=document.stampable,
            )
            doc_ids[document.id] = new.id
            copy.documents[new.id] = new
        for attachment in source.attachments.values():
            new = Document(
                id=new_id(),
                title=attachment.title,
                filename=attachment.filename,
                blob=attachment.blob,
                pages=list(attachment.pages),
                uploaded_at=0.0,
            )
            copy.attachments[new.id] = new
        person_ids: dict[str, str] = {}
        for participant in source.participants.values():
            new_p = Participant(
                id=new_id(),
                first_name=participant.first_name,
                middle_name=participant.middle_name,
                last_name=participant.last_name,
                email=participant.email,
                phone=participant.phone,
                delivery_methods=list(participant.delivery_methods),
                language=participant.language,
                role=participant.role,
                user_id=participant.user_id,
            )
            person_ids[participant.id] = new_p.id
            copy.participants[new_p.id] = new_p
        field_ids = {f: new_id() for f in source.fields}
        for field in source.fields.values():
            copy.fields[field_ids[field.id]] = SignatureField(
                id=field_ids[field.id],
                participant_id=person_ids.get(field.participant_id or ""),
                document_id=doc_ids[field.document_id],
                type=field.type,
                placement=Placement(
                    field.placement.page,
                    field.placement.x,
                    field.placement.y,
                    field.placement.width,
                    field.placement.height,
                ),
                is_required=field.is_required,
                for_type=field.for_type,
                depends_on=field_ids.get(field.depends_on or ""),
            )
        copy.order_type = source.order_type
        copy.order = None if source.order is None else [person_ids[p] for p in source.order]
        self.sessions[copy.id] = copy
        self._event(copy, f"Signing session draft created by {user} as a copy of {source.id}")
        return copy

    def duplicate(self, user: str, session_id: str, subject: str | None) -> Session:
        """Copy a session into a new draft; the original is unchanged."""
        check_subject(subject)
        session = self.session(user, session_id)
        self._copy_checks(session)
        return self._copy(user, session, subject)

    def recreate(
        self, user: str, session_id: str, subject: str | None, void_reason: str | None
    ) -> Session:
        """Copy a session into a new draft and void the original."""
        check_subject(subject)
        session = self.session(user, session_id)
        reason = self._void_checks(session, void_reason)
        self._copy_checks(session)
        copy = self._copy(user, session, subject)
        self._void(session, reason)
        return copy

    # -- signing portal (sandbox-only) ------------------------------------------------------

    def _portal_participant(self, session: Session, participant_id: str) -> Participant:
        if session.status not in ACTIVE_STATUSES:
            raise validation(
                f"The signing session is in {session.status} status: participants cannot act on it"
            )
        participant = self.participant(session, participant_id)
        if participant.status == "Waiting":
            waiting_for = [
                p.display_name
                for p in self._ordered_signers(session)
                if p.status in ("Pending", "Opened")
            ]
            raise validation(
                "It is not this participant's turn to sign: the signing order is one by one"
                + (f" and {', '.join(waiting_for)} must sign first" if waiting_for else "")
            )
        if participant.status == "Signed":
            raise validation("The participant has already signed")
        if participant.status == "Declined":
            raise validation("The participant has declined to sign")
        return participant

    def open_link(self, user: str, session_id: str, participant_id: str) -> Participant:
        """The participant opens their signing link (Pending -> Opened)."""
        session = self.session(user, session_id)
        participant = self._portal_participant(session, participant_id)
        if participant.status == "Pending":
            participant.status = "Opened"
            participant.link_opened = True
            self._event(session, f"{participant.display_name} opened the signing link")
        return participant

    def _stamps(
        self, session: Session, document: Document, people: Sequence[Participant]
    ) -> list[_pdf.Stamp]:
        stamps = []
        for person in people:
            when = person.signed_at or self.now()
            for field in session.fields.values():
                if field.document_id != document.id or field.participant_id != person.id:
                    continue
                stamps.append(
                    _pdf.Stamp(
                        page=field.placement.page,
                        x=field.placement.x,
                        y=field.placement.y,
                        width=field.placement.width,
                        height=field.placement.height,
                        lines=(
                            f"{field.type}: {person.display_name}",
                            when.strftime("%Y-%m-%d %H:%M:%S UTC"),
                        ),
                    )
                )
        return stamps

    @staticmethod
    def _document_bytes(document: Document) -> bytes:
        return b"".join(document.blob.iter_range(0, document.blob.size))

    def _signed_blob(
        self, session: Session, document: Document, people: Sequence[Participant]
    ) -> Blob:
        if not document.stampable:
            return document.blob
        stamps = self._stamps(session, document, people)
        return BytesBlob(_pdf.stamp_pdf(self._document_bytes(document), stamps))

    def sign(self, user: str, session_id: str, participant_id: str) -> Participant:
        """The participant signs: their signed copies are produced; the last signature finishes."""
        session = self.session(user, session_id)
        participant = self._portal_participant(session, participant_id)
        if not participant.link_opened:
            participant.link_opened = True
            self._event(session, f"{participant.display_name} opened the signing link")
        participant.status = "Signed"
        participant.signed_at = self.now()
        session.status = "InProgress"
        self._event(session, f"{participant.display_name} signed")
        for signed in session.signed_documents.values():
            if signed.participant_id == participant.id and signed.blob is None:
                document = session.documents.get(signed.document_id)
                if document is not None:
                    signed.blob = self._signed_blob(session, document, [participant])
        signers = self._ordered_signers(session)
        if all(p.status == "Signed" for p in signers):
            self._finish(session, signers)
        elif session.order_type == "OneByOne":
            upcoming = next((p for p in signers if p.status == "Waiting"), None)
            if upcoming is not None:
                self._invite(session, upcoming)
        return participant

    def _finish(self, session: Session, signers: Sequence[Participant]) -> None:
        session.status = "Finished"
        self._event(session, "Every participant signed: the signing session is finished")
        parts: list[bytes] = []
        for document in session.documents.values():
            if document.stampable:
                blob = self._signed_blob(session, document, signers)
                parts.append(b"".join(blob.iter_range(0, blob.size)))
        self._event(session, "All-in-one document compiled")
        title = session.subject or "Signing session"
        events = [(e.at, e.text) for e in session.events]
        parts.append(_pdf.audit_trail_pdf(title, events))
        session.all_in_one = BytesBlob(_pdf.concatenate(parts))

    def decline(self, user: str, session_id: str, participant_id: str) -> Participant:
        """The participant declines: the session becomes Declined."""
        session = self.session(user, session_id)
        participant = self._portal_participant(session, participant_id)
        participant.status = "Declined"
        session.status = "Declined"
        self._event(session, f"{participant.display_name} declined to sign")
        return participant

    def expire(self, user: str, session_id: str) -> Session:
        """Expire a session that has not finished (sandbox-only control)."""
        session = self.session(user, session_id)
        if session.status not in ("ReadyToStart", *ACTIVE_STATUSES):
            raise validation(f"A signing session in {session.status} status cannot expire")
        session.status = "Expired"
        self._event(session, "Signing session expired")
        return session

    # -- views ------------------------------------------------------------------------------

    def has_notification_errors(self, session: Session) -> bool:
        """An active session with a participant still to sign who has no delivery method."""
        return session.status in ACTIVE_STATUSES and any(
            p.status in ("Pending", "Opened", "Waiting") and not p.delivery_methods
            for p in session.signers
        )

    def need_to_sign(self, user: str, session: Session) -> bool:
        """The caller (by e-mail) is a participant of the active session who has not signed."""
        email = user_email(user).lower()
        return session.status in ACTIVE_STATUSES and any(
            (p.email or "").lower() == email and p.status in ("Pending", "Opened")
            for p in session.participants.values()
        )

    def _matches(self, user: str, session: Session, statuses: Sequence[str]) -> bool:
        for status in statuses:
            if status == "NeedToSign" and self.need_to_sign(user, session):
                return True
            if status == "NeedsAction" and (
                session.status == "Declined" or self.has_notification_errors(session)
            ):
                return True
            if session.status in _SEARCH_STATUS_MATCH.get(status, ()):
                return True
        return False

    @staticmethod
    def parse_sorting(values: Sequence[str]) -> list[tuple[str, bool]]:
        """``"<property>"`` or ``"<property>:asc|desc"`` -> ``(property, descending)``."""
        keys: list[tuple[str, bool]] = []
        for value in values:
            name, _, direction = value.partition(":")
            name, direction = name.strip(), direction.strip().lower()
            if name not in _SORTABLE or direction not in ("", "asc", "desc"):
                raise validation(
                    VALIDATION_FAILED,
                    [
                        (
                            "InvalidField",
                            f"The 'sorting.properties' field is invalid: '{value}' (use "
                            "created, subject or status, optionally followed by :asc or :desc)",
                        )
                    ],
                )
            keys.append((name, direction == "desc"))
        return keys

    def search(
        self,
        user: str,
        page_index: int,
        page_size: int,
        statuses: Sequence[str],
        sorting: Sequence[tuple[str, bool]],
    ) -> tuple[list[Session], int, int]:
        """A page of the caller's sessions: ``(items, total, pages)``."""
        found = [s for s in self.sessions.values() if s.owner == user]
        if statuses:
            found = [s for s in found if self._matches(user, s, statuses)]
        found.sort(key=lambda s: s.id)
        found.sort(key=lambda s: s.created, reverse=True)
        for name, descending in reversed(list(sorting)):
            key: Callable[[Session], Any]
            if name == "created":
                key = lambda s: s.created  # noqa: E731
            elif name == "subject":
                key = lambda s: (s.subject or "").casefold()  # noqa: E731
            else:
                key = lambda s: SESSION_STATUS_ORDER.index(s.status)  # noqa: E731
            found.sort(key=key, reverse=descending)
        total = len(found)
        pages = math.ceil(total / page_size) if total else 0
        start = page_index * page_size
        return found[start : start + page_size], total, pages

    def statistics(self, user: str) -> dict[str, int]:
        """Counts of the caller's sessions by status group."""
        own = [s for s in self.sessions.values() if s.owner == user]
        return {
            "sessionsToSignCount": sum(self.need_to_sign(user, s) for s in own),
            "draftsCount": sum(s.status == "Draft" for s in own),
            "readyToStartCount": sum(s.status == "ReadyToStart" for s in own),
            "inProgressCount": sum(s.status in ACTIVE_STATUSES for s in own),
            "needsActionCount": sum(
                s.status == "Declined" or self.has_notification_errors(s) for s in own
            ),
        }
