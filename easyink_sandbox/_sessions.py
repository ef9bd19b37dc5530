"""Handlers of the ``SigningSessions`` operations."""

from __future__ import annotations

from starlette.responses import Response

from . import _views
from ._call import Call, Handler
from ._errors import validation


def duplicate_session(call: Call) -> Response:
    """POST .../duplicate -> id of the new draft."""
    copy = call.store.duplicate(call.user, call.path[0], call.body.get("subject"))
    return call.json(copy.id)


def recreate_session(call: Call) -> Response:
    """POST .../recreate -> id of the new draft; the original is voided."""
    body = call.body
    copy = call.store.recreate(call.user, call.path[0], body.get("subject"), body.get("voidReason"))
    return call.json(copy.id)


def session_exists(call: Call) -> Response:
    """HEAD /api/signingSessions/{id}."""
    call.store.session(call.user, call.path[0])
    return call.empty()


def get_session(call: Call) -> Response:
    """GET /api/signingSessions/{id}."""
    return call.json(_views.signing_view(call.store.session(call.user, call.path[0])))


def start_session(call: Call) -> Response:
    """POST .../start."""
    call.store.start(call.user, call.path[0])
    return call.empty()


def update_session_participant(call: Call) -> Response:
    """PUT /api/signingSessions/{id}/participants/{participantId}."""
    call.store.update_session_participant(call.user, call.path[0], call.path[1], call.body)
    return call.empty()


def download_session_attachment(call: Call) -> Response:
    """GET /api/signingSessions/{id}/attachments/{attachmentId} (in every status but Draft)."""
    session = call.store.session(call.user, call.path[0])
    if session.status == "Draft":
        raise validation(
            f"Attachment '{call.path[1]}' is not available while the signing session is in"
            " Draft status"
        )
    attachment = call.store.ready_document(call.store.attachment(session, call.path[1]))
    return call.download(attachment.blob, attachment.filename)


def download_session_document(call: Call) -> Response:
    """GET /api/signingSessions/{id}/documents/{documentId} (the original, unsigned)."""
    session = call.store.session(call.user, call.path[0])
    document = call.store.ready_document(call.store.document(session, call.path[1]))
    return call.download(document.blob, document.filename)


def void_session(call: Call) -> Response:
    """POST /api/signingSessions/{id}/voided."""
    call.store.void(call.user, call.path[0], call.body.get("reason"))
    return call.empty()


def search_sessions(call: Call) -> Response:
    """GET /api/signingSessions."""
    query = call.parsed.query
    page_index = int(query.get("pageIndex", 0))
    page_size = int(query.get("pageSize", 20))
    sorting = call.store.parse_sorting(query.get("sorting.properties", []))
    items, total, pages = call.store.search(
        call.user, page_index, page_size, query.get("statuses", []), sorting
    )
    return call.json(
        {
            "items": [_views.search_item(call.store, call.user, s) for s in items],
            "totalItemsCount": total,
            "pagesCount": pages,
            "pageIndex": page_index,
            "pageSize": page_size,
        }
    )


def get_statistics(call: Call) -> Response:
    """GET /api/signingSessions/statistics."""
    return call.json(call.store.statistics(call.user))


def download_signed_document(call: Call) -> Response:
    """GET .../signedDocuments/{documentId}: a participant's signed copy."""
    session = call.store.session(call.user, call.path[0])
    signed = session.signed_documents.get(call.path[1])
    if signed is None:
        raise validation(f"Signed document '{call.path[1]}' not found")
    if signed.blob is None:
        raise validation("Signed document is not available until participant completes signing")
    return call.download(signed.blob, signed.title)


def download_all_in_one(call: Call) -> Response:
    """GET .../allInOneDocument."""
    session = call.store.session(call.user, call.path[0])
    if session.all_in_one is None:
        raise validation(
            "The all-in-one document is not available until every participant has signed"
        )
    title = f"{session.subject or 'Signing session'} - All Signatures.pdf"
    return call.download(session.all_in_one, title)


HANDLERS: dict[str, Handler] = {
    "duplicateSession": duplicate_session,
    "recreateSession": recreate_session,
    "sessionExists": session_exists,
    "getSession": get_session,
    "startSession": start_session,
    "updateSessionParticipant": update_session_participant,
    "downloadSessionAttachment": download_session_attachment,
    "downloadSessionDocument": download_session_document,
    "voidSession": void_session,
    "searchSessions": search_sessions,
    "getSessionStatistics": get_statistics,
    "downloadSignedDocument": download_signed_document,
    "downloadAllInOneDocument": download_all_in_one,
}
