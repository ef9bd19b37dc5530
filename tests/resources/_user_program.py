"""A user's program over every namespace of the resource layer, async and blocking.

Type-checked by tests/resources/test_typing.py with ``mypy --strict`` and pyright (strict) as
a user would check their own code: zero errors, with no cast and no assert. The same test runs
it against the sandbox and checks the runtime types of what it returns. Each call's result
feeds the next one, as in a service.
"""

# pyright: strict

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from easyink_client.models import (
    DeliveryMethod,
    ElementPlacement,
    ReminderFrequency,
    SearchStatus,
    SignatureFieldDeclaration,
    SignatureFieldOptions,
    SignatureFieldType,
    SigningConfiguration,
    SigningConfigurationParticipant,
    SigningSessionItem,
    SigningSessionSearchResult,
    SigningSessionStatistics,
    SigningView,
)
from easyink_ext import DownloadResult, EasyInk, EasyInkSync, RawResponse, sort_by


@dataclass
class Outcome:
    """What the program saw, for the test to check at run time."""

    draft_id: UUID
    document_id: UUID
    participant_id: UUID
    me: SigningConfigurationParticipant
    field_id: UUID
    removed_fields: list[UUID]
    config: SigningConfiguration
    exists: bool
    missing: bool
    raw: RawResponse[SigningConfiguration]
    raw_missing: RawResponse[bool]
    page: SigningSessionSearchResult
    items: list[SigningSessionItem]
    statistics: SigningSessionStatistics
    view: SigningView
    downloads: list[DownloadResult]
    copy_id: UUID
    recreated_id: UUID


def _placement(n: int) -> ElementPlacement:
    return ElementPlacement(page=1, position_x=100, position_y=200 + 60 * n, size_x=200, size_y=50)


def _field(n: int) -> SignatureFieldDeclaration:
    return SignatureFieldDeclaration(
        type_=SignatureFieldType.SIGNATURE,
        placement=_placement(n),
        options=SignatureFieldOptions(is_required=True, for_type=SignatureFieldType.SIGNATURE),
    )


async def run_async(ei: EasyInk, pdf: bytes, folder: Path) -> Outcome:
    """Every method of ``ei.drafts`` and ``ei.sessions`` and their nested namespaces."""
    draft_id = await ei.drafts.create(subject="NDA")
    await ei.drafts.update(draft_id, subject="NDA v2", reminder_frequency=ReminderFrequency.DAILY)
    document_id = await ei.drafts.documents.upload(draft_id, file=("nda.pdf", pdf))
    participant_id = await ei.drafts.participants.add(
        draft_id,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        delivery_methods=[DeliveryMethod.EMAIL],
    )
    await ei.drafts.participants.update(
        draft_id, participant_id, first_name="Ada", email="ada@example.org"
    )
    me = await ei.drafts.participants.add_me(draft_id)
    await ei.drafts.participants.remove(draft_id, me.id)
    field_id = await ei.drafts.signature_fields.add(
        draft_id, document_id=document_id, participant_id=participant_id, field=_field(0)
    )
    await ei.drafts.signature_fields.update_options(
        draft_id, field_id, is_required=True, for_type=SignatureFieldType.SIGNATURE
    )
    await ei.drafts.signature_fields.update_placement(
        draft_id, field_id, page=1, position_x=120, position_y=240, size_x=180, size_y=40
    )
    spare_id = await ei.drafts.signature_fields.add(
        draft_id, document_id=document_id, participant_id=participant_id, field=_field(1)
    )
    removed_fields = await ei.drafts.signature_fields.remove(draft_id, spare_id)
    await ei.drafts.signing_order.set_one_by_one(draft_id, participants_order=[participant_id])
    await ei.drafts.signing_order.set_all_at_once(draft_id)
    extra_id = await ei.drafts.documents.upload(draft_id, file=pdf, filename="extra.pdf")
    draft_copy = io.BytesIO()
    draft_download = await ei.drafts.documents.download(draft_id, extra_id, to=draft_copy)
    await ei.drafts.documents.remove(draft_id, extra_id)
    config = await ei.drafts.get(draft_id)
    attachments = config.attachments
    downloads = [draft_download]
    if isinstance(attachments, list):
        for attachment in attachments:
            path = folder / "attachment.pdf"
            downloads.append(await ei.drafts.attachments.download(draft_id, attachment.id, to=path))
    raw = await ei.drafts.with_raw_response.get(draft_id, timeout=10)
    exists = await ei.drafts.exists(draft_id)
    missing = await ei.sessions.exists(UUID(int=1))
    raw_missing = await ei.drafts.with_raw_response.exists(UUID(int=2))

    await ei.drafts.convert(draft_id)
    await ei.sessions.start(draft_id, extra_headers={"X-Request-Source": "user-program"})
    await ei.sessions.participants.update(draft_id, participant_id, email="ada@example.net")
    view = await ei.sessions.get(draft_id)
    downloads.append(
        await ei.sessions.documents.download(draft_id, document_id, to=folder / "original.pdf")
    )
    page = await ei.sessions.search(page_size=10, statuses=[SearchStatus.NEEDTOSIGN])
    items = [item async for item in ei.sessions.list(sorting=[sort_by("created")], page_size=5)]
    statistics = await ei.with_options(timeout=20).sessions.statistics()
    copy_id = await ei.sessions.duplicate(draft_id, subject="NDA copy")
    recreated_id = await ei.sessions.recreate(draft_id, void_reason="Wrong address")
    await ei.drafts.delete(copy_id)
    return Outcome(
        draft_id=draft_id,
        document_id=document_id,
        participant_id=participant_id,
        me=me,
        field_id=field_id,
        removed_fields=removed_fields,
        config=config,
        exists=exists,
        missing=missing,
        raw=raw,
        raw_missing=raw_missing,
        page=page,
        items=items,
        statistics=statistics,
        view=view,
        downloads=downloads,
        copy_id=copy_id,
        recreated_id=recreated_id,
    )


async def void(ei: EasyInk, session_id: UUID) -> SigningView:
    """Void a started session, then read it back."""
    await ei.sessions.void(session_id, reason="Sent by mistake")
    return await ei.sessions.get(session_id)


async def finished_downloads(ei: EasyInk, session_id: UUID, folder: Path) -> list[DownloadResult]:
    """The downloads of a finished session: signed documents, attachments, the all-in-one PDF."""
    view = await ei.sessions.get(session_id)
    results: list[DownloadResult] = []
    signed = view.signed_documents
    if isinstance(signed, list):
        for document in signed:
            path = folder / f"signed-{document.signed_document_id}.pdf"
            results.append(
                await ei.sessions.signed_documents.download(
                    session_id, document.signed_document_id, to=path
                )
            )
    attachments = view.attachments
    if isinstance(attachments, list):
        for attachment in attachments:
            results.append(
                await ei.sessions.attachments.download(
                    session_id, attachment.attachment_id, to=folder / "session-attachment.pdf"
                )
            )
    results.append(await ei.sessions.all_in_one.download(session_id, to=folder / "all.pdf"))
    return results


def run_blocking(ei: EasyInkSync, pdf: bytes, folder: Path) -> Outcome:
    """The same program with the blocking twins."""
    draft_id = ei.drafts.create(subject="Blocking NDA")
    ei.drafts.update(draft_id, reminder_frequency=ReminderFrequency.WEEKLY)
    document_id = ei.drafts.documents.upload(draft_id, file=("nda.pdf", pdf))
    participant_id = ei.drafts.participants.add(
        draft_id, first_name="Grace", last_name="Hopper", email="grace@example.com"
    )
    me = ei.drafts.participants.add_me(draft_id)
    ei.drafts.participants.remove(draft_id, me.id)
    field_id = ei.drafts.signature_fields.add(
        draft_id, document_id=document_id, participant_id=participant_id, field=_field(0)
    )
    ei.drafts.signature_fields.update_options(draft_id, field_id, is_required=True)
    ei.drafts.signature_fields.update_placement(
        draft_id, field_id, page=1, position_x=110, position_y=230, size_x=190, size_y=45
    )
    ei.drafts.signing_order.set_one_by_one(draft_id, participants_order=[participant_id])
    ei.drafts.signing_order.set_all_at_once(draft_id)
    spare_id = ei.drafts.signature_fields.add(
        draft_id, document_id=document_id, participant_id=participant_id, field=_field(1)
    )
    removed_fields = ei.drafts.signature_fields.remove(draft_id, spare_id)
    extra_id = ei.drafts.documents.upload(draft_id, file=io.BytesIO(pdf), filename="extra.pdf")
    downloads = [ei.drafts.documents.download(draft_id, extra_id, to=folder / "extra.pdf")]
    ei.drafts.documents.remove(draft_id, extra_id)
    config = ei.drafts.get(draft_id)
    raw = ei.drafts.with_raw_response.get(draft_id)
    exists = ei.drafts.exists(draft_id)
    missing = ei.sessions.exists(UUID(int=3))
    raw_missing = ei.drafts.with_raw_response.exists(UUID(int=4))
    ei.drafts.convert(draft_id)
    ei.sessions.start(draft_id)
    ei.sessions.participants.update(draft_id, participant_id, email="grace@example.org")
    view = ei.sessions.get(draft_id)
    downloads.append(ei.sessions.documents.download(draft_id, document_id, to=io.BytesIO()))
    page = ei.sessions.search(page_index=0, page_size=10)
    items = list(ei.sessions.list(statuses=["InProgress", SearchStatus.DRAFT], max_pages=10))
    statistics = ei.with_options(max_retries=0).sessions.statistics()
    copy_id = ei.sessions.duplicate(draft_id)
    recreated_id = ei.sessions.recreate(draft_id, void_reason="Changed terms", subject="v2")
    ei.drafts.delete(copy_id)
    return Outcome(
        draft_id=draft_id,
        document_id=document_id,
        participant_id=participant_id,
        me=me,
        field_id=field_id,
        removed_fields=removed_fields,
        config=config,
        exists=exists,
        missing=missing,
        raw=raw,
        raw_missing=raw_missing,
        page=page,
        items=items,
        statistics=statistics,
        view=view,
        downloads=downloads,
        copy_id=copy_id,
        recreated_id=recreated_id,
    )


def void_blocking(ei: EasyInkSync, session_id: UUID) -> SigningView:
    """Void a started session, then read it back."""
    ei.sessions.void(session_id, reason="Sent by mistake")
    return ei.sessions.get(session_id)


def finished_downloads_blocking(ei: EasyInkSync, session_id: UUID, folder: Path) -> int:
    """The all-in-one PDF and every signed document of a finished session; bytes written."""
    bundle = ei.sessions.all_in_one.download(session_id, to=folder / "all-blocking.pdf")
    total = bundle.bytes_written
    signed = ei.sessions.get(session_id).signed_documents
    for document in signed if isinstance(signed, list) else []:
        result = ei.sessions.signed_documents.download(
            session_id, document.signed_document_id, to=io.BytesIO()
        )
        total += result.bytes_written
    attachments = ei.sessions.get(session_id).attachments
    for attachment in attachments if isinstance(attachments, list) else []:
        result = ei.sessions.attachments.download(
            session_id, attachment.attachment_id, to=io.BytesIO()
        )
        total += result.bytes_written
    return total
