"""Fixtures of the resource tests: ``ei`` on the sandbox in process, and sessions built with it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest

from easyink_client.models import (
    DeliveryMethod,
    ElementPlacement,
    SignatureFieldDeclaration,
    SignatureFieldOptions,
    SignatureFieldType,
)
from easyink_ext import EasyInk
from easyink_sandbox import Sandbox, SandboxApp, simple_pdf

from ..conftest import SANDBOX_URL


@pytest.fixture
async def ei(app: SandboxApp, token: str) -> AsyncIterator[EasyInk]:
    transport = httpx.ASGITransport(app=app)
    async with EasyInk(base_url=SANDBOX_URL, token=token, transport=transport) as client:
        yield client


@dataclass
class Built:
    """A draft (or the session it became): its id, its document and its participants."""

    draft_id: UUID
    document_id: UUID
    participant_ids: list[UUID]


async def build_draft(ei: EasyInk, signers: int = 1, subject: str = "Agreement") -> Built:
    """A draft with one ready document and ``signers`` signers, each with a signature field."""
    draft_id = await ei.drafts.create(subject=subject)
    document_id = await ei.drafts.documents.upload(
        draft_id, file=("contract.pdf", simple_pdf(["Contract"]))
    )
    participants: list[UUID] = []
    for n in range(signers):
        participant_id = await ei.drafts.participants.add(
            draft_id,
            first_name=f"Signer{n}",
            last_name="Person",
            email=f"signer{n}@example.com",
            delivery_methods=[DeliveryMethod.EMAIL],
        )
        await ei.drafts.signature_fields.add(
            draft_id,
            document_id=document_id,
            participant_id=participant_id,
            field=SignatureFieldDeclaration(
                type_=SignatureFieldType.SIGNATURE,
                placement=ElementPlacement(
                    page=1, position_x=100, position_y=200 + 60 * n, size_x=200, size_y=50
                ),
                options=SignatureFieldOptions(
                    is_required=True, for_type=SignatureFieldType.SIGNATURE
                ),
            ),
        )
        participants.append(participant_id)
    return Built(draft_id, document_id, participants)


async def started_session(ei: EasyInk, signers: int = 1) -> Built:
    built = await build_draft(ei, signers)
    await ei.drafts.convert(built.draft_id)
    await ei.sessions.start(built.draft_id)
    return built


async def finished_session(ei: EasyInk, sandbox: Sandbox, signers: int = 1) -> Built:
    built = await started_session(ei, signers)
    for participant_id in built.participant_ids:
        sandbox.sign(str(built.draft_id), str(participant_id))
    return built
