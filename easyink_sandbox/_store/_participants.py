"""Participant rules: the signers of a draft, their signing order, their contact details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._errors import (
    LINK_USED,
    validation,
)
from .._state import (
    ACTIVE_STATUSES,
    Participant,
    Session,
    new_id,
    user_email,
    user_uuid,
)
from ._core import StoreCore, check_delivery


class ParticipantRules(StoreCore):
    """Participants of a draft and of a started session, and the signing order."""

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
