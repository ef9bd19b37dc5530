"""Signing-portal rules (sandbox-only): participants open their link, sign or decline."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _pdf
from .._downloads import Blob, BytesBlob
from .._errors import (
    validation,
)
from .._state import (
    ACTIVE_STATUSES,
    Document,
    Participant,
    Session,
)
from ._core import StoreCore


class PortalRules(StoreCore):
    """What participants do in the signing portal."""

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

    def decline(
        self, user: str, session_id: str, participant_id: str, reason: str | None = None
    ) -> Participant:
        """The participant declines (``reason`` goes into the audit trail): session Declined."""
        session = self.session(user, session_id)
        participant = self._portal_participant(session, participant_id)
        participant.status = "Declined"
        session.status = "Declined"
        because = f": {reason}" if reason else ""
        self._event(session, f"{participant.display_name} declined to sign{because}")
        return participant
