"""The state every rule works on: sessions, the clock, the audit trail and the look-ups."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import TypeVar

from .._config import SandboxConfig
from .._errors import (
    DRAFT_LOCKED,
    DRAFT_NOT_FOUND,
    PARTICIPANT_ID_REQUIRED,
    PROCESSING,
    SESSION_NOT_FOUND,
    SUBJECT_TOO_LONG,
    VALIDATION_FAILED,
    not_found,
    validation,
)
from .._state import (
    Document,
    Event,
    Participant,
    Session,
    SignatureField,
)

NIL_UUID = "00000000-0000-0000-0000-000000000000"
_P = TypeVar("_P")


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


def _part(parts: Mapping[str, _P], kind: str, part_id: str) -> _P:
    """A part of an existing session, or 400 ``"<Kind> '<id>' not found"``."""
    found = parts.get(part_id)
    if found is None:
        raise validation(f"{kind} '{part_id}' not found")
    return found


class StoreCore:
    """Signing sessions of every user, the sandbox clock and the look-ups every rule uses."""

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
            raise validation(PARTICIPANT_ID_REQUIRED)
        return _part(session.participants, "Participant", participant_id)

    @staticmethod
    def document(session: Session, document_id: str) -> Document:
        """A document of the session."""
        return _part(session.documents, "Document", document_id)

    @staticmethod
    def attachment(session: Session, attachment_id: str) -> Document:
        """An attachment of the session."""
        return _part(session.attachments, "Attachment", attachment_id)

    @staticmethod
    def field(session: Session, field_id: str) -> SignatureField:
        """A signature field of the session."""
        return _part(session.fields, "Signature field", field_id)

    def ready_document(self, document: Document) -> Document:
        """The document, refused while it is still processing."""
        if self.document_status(document) != "ProcessingReady":
            raise validation(PROCESSING)
        return document

    # -- steps shared by several resources --------------------------------------------------

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
