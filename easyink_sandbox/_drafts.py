"""Handlers of the ``SigningSessionDrafts`` operations."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from . import _views
from ._call import Call, Handler
from ._errors import required_field
from ._state import Placement


def _placement(data: dict[str, Any]) -> Placement:
    return Placement(
        page=int(data["page"]),
        x=float(data["positionX"]),
        y=float(data["positionY"]),
        width=float(data["sizeX"]),
        height=float(data["sizeY"]),
    )


def create_draft(call: Call) -> Response:
    """POST /api/signingSessionDrafts."""
    session = call.store.create_draft(call.user, call.body.get("subject"))
    initiator = call.body.get("initiator")
    if isinstance(initiator, dict) and initiator.get("timestampFormat"):
        session.timestamp_format = initiator["timestampFormat"]
    return call.json(session.id)


def upload_document(call: Call) -> Response:
    """POST .../documents (multipart ``fileContent``)."""
    upload = call.parsed.files.get("fileContent")
    if upload is None:
        raise required_field("fileContent")
    filename, data = upload
    document = call.store.upload_document(call.user, call.path[0], data, filename)
    return call.json(document.id)


def add_participant(call: Call) -> Response:
    """POST .../participants."""
    participant = call.store.add_participant(call.user, call.path[0], call.body)
    return call.json(participant.id)


def add_me(call: Call) -> Response:
    """POST .../participants/me."""
    return call.json(_views.participant(call.store.add_me(call.user, call.path[0])))


def update_participant(call: Call) -> Response:
    """PUT .../participants/{participantId}."""
    call.store.update_participant(call.user, call.path[0], call.path[1], call.body)
    return call.empty()


def remove_participant(call: Call) -> Response:
    """DELETE .../participants/{participantId}."""
    call.store.remove_participant(call.user, call.path[0], call.path[1])
    return call.empty()


def add_field(call: Call) -> Response:
    """POST .../signatureFields."""
    body = call.body
    declaration = body.get("field") or {}
    options = declaration.get("options") or {}
    field = call.store.add_field(
        call.user,
        call.path[0],
        participant_id=body.get("participantId"),
        document_id=str(body.get("documentId")),
        field_type=str(declaration.get("type")),
        placement=_placement(declaration["placement"]),
        is_required=bool(options.get("isRequired", False)),
        for_type=options.get("forType"),
        depends_on=declaration.get("dependsOn"),
    )
    return call.json(field.id)


def remove_field(call: Call) -> Response:
    """DELETE .../signatureFields/{signatureFieldId}: the removed ids."""
    return call.json(call.store.remove_field(call.user, call.path[0], call.path[1]))


def update_field_options(call: Call) -> Response:
    """PUT .../signatureFields/{signatureFieldId}/options."""
    body = call.body
    call.store.update_field_options(
        call.user,
        call.path[0],
        call.path[1],
        bool(body.get("isRequired", False)),
        body.get("forType"),
    )
    return call.empty()


def update_field_placement(call: Call) -> Response:
    """PUT .../signatureFields/{signatureFieldId}/placement."""
    call.store.update_field_placement(call.user, call.path[0], call.path[1], _placement(call.body))
    return call.empty()


def set_one_by_one(call: Call) -> Response:
    """PUT .../signingOrder/oneByOne."""
    order = call.body.get("participantsOrder")
    if not order:
        raise required_field("participantsOrder")
    call.store.set_one_by_one(call.user, call.path[0], [str(p) for p in order])
    return call.empty()


def set_all_at_once(call: Call) -> Response:
    """PUT .../signingOrder/allAtOnce."""
    call.store.set_all_at_once(call.user, call.path[0])
    return call.empty()


def draft_exists(call: Call) -> Response:
    """HEAD /api/signingSessionDrafts/{id}."""
    call.store.draft(call.user, call.path[0])
    return call.empty()


def get_draft(call: Call) -> Response:
    """GET /api/signingSessionDrafts/{id}."""
    session = call.store.draft(call.user, call.path[0])
    return call.json(_views.configuration(call.store, session))


def update_draft(call: Call) -> Response:
    """PUT /api/signingSessionDrafts/{id}."""
    call.store.update_draft(call.user, call.path[0], call.body)
    return call.empty()


def delete_draft(call: Call) -> Response:
    """DELETE /api/signingSessionDrafts/{id}."""
    call.store.delete_draft(call.user, call.path[0])
    return call.empty()


def convert_draft(call: Call) -> Response:
    """POST .../convert."""
    call.store.convert(call.user, call.path[0])
    return call.empty()


def download_document(call: Call) -> Response:
    """GET .../documents/{documentId}."""
    session = call.store.draft(call.user, call.path[0])
    document = call.store.ready_document(call.store.document(session, call.path[1]))
    return call.download(document.blob, document.filename)


def remove_document(call: Call) -> Response:
    """DELETE .../documents/{documentId}."""
    call.store.remove_document(call.user, call.path[0], call.path[1])
    return call.empty()


def download_attachment(call: Call) -> Response:
    """GET .../attachments/{attachmentId}."""
    session = call.store.draft(call.user, call.path[0])
    attachment = call.store.ready_document(call.store.attachment(session, call.path[1]))
    return call.download(attachment.blob, attachment.filename)


def remove_attachment(call: Call) -> Response:
    """DELETE .../attachments/{attachmentId}."""
    call.store.remove_attachment(call.user, call.path[0], call.path[1])
    return call.empty()


HANDLERS: dict[str, Handler] = {
    "createDraft": create_draft,
    "uploadDraftDocument": upload_document,
    "addDraftParticipant": add_participant,
    "addDraftSignatureField": add_field,
    "downloadDraftDocument": download_document,
    "removeDraftDocument": remove_document,
    "downloadDraftAttachment": download_attachment,
    "removeDraftAttachment": remove_attachment,
    "addMeAsDraftParticipant": add_me,
    "updateDraftParticipant": update_participant,
    "removeDraftParticipant": remove_participant,
    "setOneByOneSigningOrder": set_one_by_one,
    "setAllAtOnceSigningOrder": set_all_at_once,
    "removeDraftSignatureField": remove_field,
    "updateDraftSignatureFieldOptions": update_field_options,
    "updateDraftSignatureFieldPlacement": update_field_placement,
    "draftExists": draft_exists,
    "getDraft": get_draft,
    "updateDraft": update_draft,
    "deleteDraft": delete_draft,
    "convertDraft": convert_draft,
}
