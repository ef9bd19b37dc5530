"""Session rules: start, void, copy and expire a signing session."""

from __future__ import annotations

from .._errors import (
    VOID_REASON_REQUIRED,
    validation,
)
from .._state import (
    ACTIVE_STATUSES,
    Document,
    Participant,
    Placement,
    Session,
    SignatureField,
    SignedDocument,
    new_id,
)
from ._core import StoreCore, check_subject


def void_refusal(session: Session) -> str | None:
    """Why voiding the session is refused, or None when a void with a reason is accepted."""
    if session.status == "Voided":
        return "The session is already in Voided status."
    if session.is_void_disabled:
        return "The session cannot be voided due to organization policy."
    if session.status == "Draft":
        return "A draft cannot be voided; delete it instead."
    if session.status not in ("ReadyToStart", *ACTIVE_STATUSES):
        return f"The session cannot be voided in {session.status} status."
    return None


def copy_refusal(session: Session) -> str | None:
    """Why copying the session (duplicate, recreate) is refused, or None when it is accepted."""
    if session.status in ("Voided", "Expired"):
        return f"A signing session in {session.status} status cannot be copied."
    if session.is_session_copy_disabled:
        return "Copying this signing session is disabled by organization policy."
    return None


def _copied_document(document: Document) -> Document:
    """A copy of a document or attachment under new ids, ready at once, sharing its bytes."""
    return Document(
        id=new_id(),
        title=document.title,
        filename=document.filename,
        blob=document.blob,
        pages=list(document.pages),
        uploaded_at=0.0,
        stampable=document.stampable,
    )


class SessionRules(StoreCore):
    """Start, void, duplicate, recreate and expire sessions."""

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

    def _void_checks(self, session: Session, reason: str | None) -> str:
        if reason is None or not reason.strip():
            raise validation(VOID_REASON_REQUIRED)
        refusal = void_refusal(session)
        if refusal is not None:
            raise validation(refusal)
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
        refusal = copy_refusal(session)
        if refusal is not None:
            raise validation(refusal)

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
            new = _copied_document(document)
            doc_ids[document.id] = new.id
            copy.documents[new.id] = new
        for attachment in source.attachments.values():
            new = _copied_document(attachment)
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

    def expire(self, user: str, session_id: str) -> Session:
        """Expire a session that has not finished (sandbox-only control)."""
        session = self.session(user, session_id)
        if session.status not in ("ReadyToStart", *ACTIVE_STATUSES):
            raise validation(f"A signing session in {session.status} status cannot expire")
        session.status = "Expired"
        self._event(session, "Signing session expired")
        return session
