"""Building drafts and sessions on a running sandbox through the generated client."""

from __future__ import annotations

from io import BytesIO
from uuid import UUID

from easyink_client.api.signing_session_drafts import (
    add_draft_participant,
    add_draft_signature_field,
    convert_draft,
    create_draft,
    upload_draft_document,
)
from easyink_client.api.signing_sessions import start_session
from easyink_client.models.add_draft_participant_request import AddDraftParticipantRequest
from easyink_client.models.add_draft_signature_field_request import (
    AddDraftSignatureFieldRequest,
)
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_client.models.delivery_method import DeliveryMethod
from easyink_client.models.element_placement import ElementPlacement
from easyink_client.models.signature_field_declaration import SignatureFieldDeclaration
from easyink_client.models.signature_field_options import SignatureFieldOptions
from easyink_client.models.signature_field_type import SignatureFieldType
from easyink_client.models.upload_draft_document_body import UploadDraftDocumentBody
from easyink_client.types import File
from easyink_ext import EasyInk
from easyink_sandbox import simple_pdf


def _uuid(value: object) -> UUID:
    assert isinstance(value, UUID), value
    return value


async def new_draft(ei: EasyInk, subject: str = "Agreement") -> UUID:
    return _uuid(
        await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject=subject))
    )


async def upload(ei: EasyInk, draft: UUID) -> UUID:
    body = UploadDraftDocumentBody(
        file_content=File(
            payload=BytesIO(simple_pdf(["Contract"])),
            file_name="contract.pdf",
            mime_type="application/pdf",
        )
    )
    return _uuid(await upload_draft_document.asyncio(draft, client=ei.client, body=body))


async def add_signer(ei: EasyInk, draft: UUID, document: UUID, n: int) -> UUID:
    request = AddDraftParticipantRequest(
        first_name=f"Signer{n}",
        last_name="Person",
        email=f"signer{n}@example.com",
        delivery_methods=[DeliveryMethod("Email")],
    )
    pid = _uuid(await add_draft_participant.asyncio(draft, client=ei.client, body=request))
    field = SignatureFieldDeclaration(
        type_=SignatureFieldType("Signature"),
        placement=ElementPlacement(
            page=1, position_x=100, position_y=200 + 60 * n, size_x=200, size_y=50
        ),
        options=SignatureFieldOptions(is_required=True, for_type=SignatureFieldType("Signature")),
    )
    await add_draft_signature_field.asyncio(
        draft,
        client=ei.client,
        body=AddDraftSignatureFieldRequest(participant_id=pid, document_id=document, field=field),
    )
    return pid


async def started_session(ei: EasyInk, signers: int = 2) -> tuple[UUID, UUID, list[UUID]]:
    """A started session: ``(session id, document id, participant ids)``."""
    draft = await new_draft(ei)
    document = await upload(ei, draft)
    pids = [await add_signer(ei, draft, document, n) for n in range(signers)]
    await convert_draft.asyncio(draft, client=ei.client)
    await start_session.asyncio(draft, client=ei.client)
    return draft, document, pids
