"""The steps of :func:`send_for_signature`, each with the read-back settling an unknown outcome."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

import anyio

from easyink_client.models.delivery_method import DeliveryMethod
from easyink_client.models.element_placement import ElementPlacement
from easyink_client.models.language import Language
from easyink_client.models.signature_field_declaration import SignatureFieldDeclaration
from easyink_client.models.signature_field_options import SignatureFieldOptions
from easyink_client.models.signature_field_type import SignatureFieldType

from .. import pagination
from ._claims import DraftClaims, _claims_for
from ._inputs import Signer, _PlannedField, _PreparedDocument
from ._runner import _or_none, _Run

_CREATE_SKEW = timedelta(seconds=30)


# -- the steps ---------------------------------------------------------------------------------


async def _search_unclaimed_drafts(
    run: _Run, subject: str, since: datetime, claims: DraftClaims
) -> list[UUID]:
    found: list[UUID] = []
    pages = pagination.session_pages(
        run.ei.sessions.search, statuses=["Draft"], sorting=["created:desc"], page_size=100
    )
    async for page in pages:
        older = False
        for item in page.items or []:
            created = item.created
            if created.tzinfo is None:
                created = created.replace(tzinfo=timezone.utc)
            if created < since:
                older = True
                break
            if item.subject == subject and not claims.is_claimed(item.id):
                found.append(item.id)
        if older:
            break
    return found


async def _draft_is_empty(run: _Run, draft_id: UUID) -> bool:
    config = await run.read(lambda: _or_none(lambda: run.ei.drafts.get(draft_id)))
    return (
        config is not None
        and not config.is_locked
        and not config.documents
        and not config.participants
        and not config.signature_fields
    )


async def _create_draft(run: _Run, subject: str) -> UUID:
    claims = _claims_for(run.ei)
    since = datetime.now(timezone.utc) - _CREATE_SKEW
    current: list[anyio.Event] = []

    async def send() -> UUID:
        async with claims.creating(subject) as done:
            current[:] = [done]
            draft_id = await run.ei.drafts.create(subject=subject)
            # Claimed before ``done`` is set, so no reconciliation can take this draft.
            claims.claim(draft_id)
            return draft_id

    async def reconcile() -> UUID | None:
        candidates = await run.read(lambda: _search_unclaimed_drafts(run, subject, since, claims))
        # Creations that were in flight during the search claim their own ids first.
        for event in claims.in_flight(subject, exclude=current[0] if current else None):
            await event.wait()
        for draft_id in candidates:
            if claims.is_claimed(draft_id) or not await _draft_is_empty(run, draft_id):
                continue
            if claims.claim(draft_id):
                return draft_id
        # Nothing found (``run.post`` re-checks once after ``recheck_delay``): the creation did
        # not happen, so ``run.post`` may send createDraft again. This is the one place where a
        # POST is repeated, and only after the search proved that the first one had no effect.
        return None

    return await run.post(send, reconcile)


async def _upload(run: _Run, doc: _PreparedDocument, known: set[UUID]) -> UUID:
    async def send() -> UUID:
        return await run.ei.drafts.documents.upload(run.draft, file=(doc.filename, doc.data))

    async def reconcile() -> UUID | None:
        config = await run.get_draft()
        unknown = [d for d in config.documents or [] if d.id not in known]
        titled = [d for d in unknown if d.title in (doc.title, doc.filename)]
        if titled:
            return titled[0].id
        return unknown[0].id if len(unknown) == 1 else None

    return await run.post(send, reconcile)


async def _add_participant(run: _Run, signer: Signer, known: set[UUID]) -> UUID:
    first, last = signer.first_and_last_name
    phone = signer.normalized_phone

    async def send() -> UUID:
        return await run.ei.drafts.participants.add(
            run.draft,
            first_name=first,
            last_name=last,
            email=signer.email,
            phone=phone,
            delivery_methods=[DeliveryMethod(m) for m in signer.delivery_methods],
            language=Language(signer.language),
        )

    async def reconcile() -> UUID | None:
        config = await run.get_draft()
        for participant in config.participants or []:
            if participant.id in known:
                continue
            email = participant.email if isinstance(participant.email, str) else None
            if signer.email:
                if email and email.casefold() == signer.email.casefold():
                    return participant.id
            elif phone and participant.phone == phone:
                return participant.id
        return None

    return await run.post(send, reconcile)


async def _add_field(
    run: _Run, field: _PlannedField, document_id: UUID, participant_id: UUID, known: set[UUID]
) -> UUID:
    field_type = SignatureFieldType(field.type)

    async def send() -> UUID:
        return await run.ei.drafts.signature_fields.add(
            run.draft,
            participant_id=participant_id,
            document_id=document_id,
            field=SignatureFieldDeclaration(
                type_=field_type,
                placement=ElementPlacement(
                    page=field.page,
                    position_x=field.x,
                    position_y=field.y,
                    size_x=field.width,
                    size_y=field.height,
                ),
                options=SignatureFieldOptions(is_required=True, for_type=field_type),
            ),
        )

    async def reconcile() -> UUID | None:
        config = await run.get_draft()
        for existing in config.signature_fields or []:
            placement = existing.placement
            if (
                existing.id not in known
                and existing.document_id == document_id
                and existing.participant_id == participant_id
                and existing.type_ == field_type
                and placement.page == field.page
                and abs(placement.position_x - field.x) < 0.01
                and abs(placement.position_y - field.y) < 0.01
            ):
                return existing.id
        return None

    return await run.post(send, reconcile)


async def _convert(run: _Run) -> None:
    async def send() -> bool:
        await run.ei.drafts.convert(run.draft)
        return True

    async def reconcile() -> bool | None:
        return True if (await run.get_draft()).is_locked else None

    await run.post(send, reconcile)


async def _start(run: _Run) -> None:
    async def send() -> bool:
        run.start_sent = True  # before the request: an answer lost on the way counts as sent
        await run.ei.sessions.start(run.draft)
        return True

    async def reconcile() -> bool | None:
        status = (await run.get_session()).status.value
        return True if status not in ("Draft", "ReadyToStart") else None

    await run.post(send, reconcile)
