"""JSON views of the state, shaped as the OpenAPI schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._state import (
    ORGANIZATION_ID,
    SETTINGS_SET_ID,
    Participant,
    Placement,
    Session,
    SignatureField,
    user_uuid,
)
from ._store import SessionStore, copy_refusal, void_refusal


def iso(moment: datetime) -> str:
    """RFC 3339 UTC timestamp with a ``Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def placement(value: Placement) -> dict[str, Any]:
    """An ``ElementPlacement``."""
    return {
        "page": value.page,
        "positionX": value.x,
        "positionY": value.y,
        "sizeX": value.width,
        "sizeY": value.height,
    }


def participant(value: Participant) -> dict[str, Any]:
    """A ``SigningConfigurationParticipant``."""
    return {
        "id": value.id,
        "firstName": value.first_name,
        "middleName": value.middle_name,
        "lastName": value.last_name,
        "email": value.email,
        "phone": value.phone,
        "role": value.role,
        "userId": value.user_id,
        "deliveryMethods": list(value.delivery_methods),
        "language": value.language,
        "signatureBlobId": None,
        "initialsBlobId": None,
    }


def field(value: SignatureField) -> dict[str, Any]:
    """A ``SignatureField``."""
    return {
        "id": value.id,
        "participantId": value.participant_id,
        "documentId": value.document_id,
        "type": value.type,
        "placement": placement(value.placement),
        "options": {"isRequired": value.is_required, "forType": value.for_type},
        "dependsOn": value.depends_on,
    }


def configuration(store: SessionStore, session: Session) -> dict[str, Any]:
    """A ``SigningConfiguration`` (the draft view)."""
    return {
        "signingSessionId": session.id,
        "organizationId": ORGANIZATION_ID,
        "settingsSetId": SETTINGS_SET_ID,
        "initiatorUserId": user_uuid(session.owner),
        "timestampFormat": session.timestamp_format,
        "isBulkSession": False,
        "isLocked": session.is_locked,
        "isVoidDisabled": session.is_void_disabled,
        "isSessionCopyDisabled": session.is_session_copy_disabled,
        "isValidBulkParticipant": None,
        "subject": session.subject,
        "documents": [
            {
                "id": d.id,
                "title": d.title,
                "blobId": d.blob_id,
                "status": store.document_status(d),
                "pages": [
                    {"pageNumber": n, "width": w, "height": h}
                    for n, (w, h) in enumerate(d.pages, start=1)
                ],
            }
            for d in session.documents.values()
        ],
        "attachments": [
            {"id": a.id, "title": a.title, "blobId": a.blob_id, "status": store.document_status(a)}
            for a in session.attachments.values()
        ],
        "participants": [participant(p) for p in session.participants.values()],
        "bulkParticipants": None,
        "signatureFields": [field(f) for f in session.fields.values()],
        "pageLabels": [],
        "reminderFrequency": session.reminder_frequency,
        "signingOrderSettings": {
            "type": session.order_type,
            "participantsOrder": None if session.order is None else list(session.order),
        },
    }


def can_be_voided(session: Session) -> bool:
    """Whether a void would be accepted."""
    return void_refusal(session) is None


def can_be_copied(session: Session) -> bool:
    """Whether a duplicate would be accepted."""
    return copy_refusal(session) is None


def signing_view(session: Session) -> dict[str, Any]:
    """A ``SigningView`` (the session view)."""
    all_in_one: dict[str, Any] | None = None
    if session.status != "Draft":
        all_in_one = {
            "title": f"{session.subject or 'Signing session'} - All Signatures.pdf",
            "status": "Ready" if session.all_in_one is not None else "NotAvailable",
        }
    return {
        "signingSessionId": session.id,
        "bulkSessionId": None,
        "subject": session.subject,
        "canBeVoided": can_be_voided(session),
        "canBeCopied": can_be_copied(session),
        "status": session.status,
        "documents": [
            {"documentId": d.id, "title": d.filename} for d in session.documents.values()
        ],
        "participants": [
            {
                "participantId": p.id,
                "firstName": p.first_name,
                "lastName": p.last_name,
                "email": p.email,
                "role": p.role,
                "status": p.status,
                "signedAt": iso(p.signed_at) if p.signed_at else None,
            }
            for p in session.participants.values()
        ],
        "signedDocuments": [
            {
                "signedDocumentId": s.id,
                "participantId": s.participant_id,
                "title": s.title,
                "processingStatus": "Ready" if s.blob is not None else "Processing",
            }
            for s in session.signed_documents.values()
        ],
        "attachments": [
            {"attachmentId": a.id, "title": a.filename} for a in session.attachments.values()
        ],
        "allInOneDocument": all_in_one,
    }


def search_item(store: SessionStore, user: str, session: Session) -> dict[str, Any]:
    """A ``SigningSessionItem``."""
    return {
        "id": session.id,
        "isBulk": False,
        "subject": session.subject,
        "created": iso(session.created),
        "status": session.status,
        "currentUserNeedToSign": store.need_to_sign(user, session),
        "hasNotificationErrors": store.has_notification_errors(session),
        "canBeDeleted": session.status == "Draft",
    }
