"""Draft rules: create, update, delete and convert a draft."""

from __future__ import annotations

from typing import Any

from .._errors import (
    CONFIG_INVALID,
    DRAFT_LOCKED_REMOVE,
    PROCESSING,
    validation,
)
from .._state import (
    Session,
    new_id,
)
from ._core import StoreCore, check_subject


class DraftRules(StoreCore):
    """Create, update, delete and convert drafts."""

    def create_draft(self, user: str, subject: str | None) -> Session:
        """A new empty draft owned by ``user``."""
        check_subject(subject)
        session = Session(id=new_id(), owner=user, created=self.now(), subject=subject)
        self.sessions[session.id] = session
        self._event(session, f"Signing session draft created by {user}")
        return session

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
