"""Every method of ``ei.sessions`` and its nested namespaces, against the sandbox."""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from uuid import UUID

import pytest

from easyink_client.models import (
    SearchStatus,
    SessionStatus,
    SigningSessionItem,
    SigningSessionSearchResult,
    SigningSessionStatistics,
    SigningView,
)
from easyink_ext import EasyInk
from easyink_ext.errors import BadRequestError
from easyink_ext.pagination import sort_by
from easyink_sandbox import Sandbox, simple_pdf

from .conftest import build_draft, finished_session, started_session


async def test_search_list_and_statistics(ei: EasyInk) -> None:
    created = {await ei.drafts.create(subject=f"S{n}") for n in range(5)}

    page = await ei.sessions.search(page_size=2, statuses=[SearchStatus.DRAFT])
    assert isinstance(page, SigningSessionSearchResult)
    assert page.page_size == 2 and len(page.items or []) == 2

    items = [item async for item in ei.sessions.list(page_size=2, sorting=["created:desc"])]
    assert all(isinstance(item, SigningSessionItem) for item in items)
    assert {item.id for item in items} == created
    ordered = [item async for item in ei.sessions.list(sorting=[sort_by("subject")])]
    assert [item.subject for item in ordered] == ["S0", "S1", "S2", "S3", "S4"]

    bounded = [item async for item in ei.sessions.list(page_size=2, max_pages=2)]
    assert len(bounded) == 4
    assert [item async for item in ei.sessions.list(statuses=["Finished"])] == []

    statistics = await ei.sessions.statistics()
    assert isinstance(statistics, SigningSessionStatistics)
    assert statistics.drafts_count == 5


async def test_get_start_exists(ei: EasyInk) -> None:
    built = await build_draft(ei)
    await ei.drafts.convert(built.draft_id)
    assert await ei.sessions.exists(built.draft_id) is True
    assert await ei.sessions.start(built.draft_id) is None
    view = await ei.sessions.get(built.draft_id)
    assert isinstance(view, SigningView)
    assert view.signing_session_id == built.draft_id
    assert view.status in (SessionStatus.PENDING, SessionStatus.INPROGRESS)


async def test_duplicate_recreate_void(ei: EasyInk) -> None:
    built = await started_session(ei)
    copy = await ei.sessions.duplicate(built.draft_id, subject="Copy")
    assert isinstance(copy, UUID) and copy != built.draft_id
    assert (await ei.drafts.get(copy)).subject == "Copy"

    fresh = await ei.sessions.recreate(built.draft_id, void_reason="Wrong address")
    assert isinstance(fresh, UUID)
    assert (await ei.sessions.get(built.draft_id)).status == SessionStatus.VOIDED

    other = await started_session(ei)
    assert await ei.sessions.void(other.draft_id, reason="Sent by mistake") is None
    assert (await ei.sessions.get(other.draft_id)).status == SessionStatus.VOIDED
    with pytest.raises(BadRequestError, match="already"):
        await ei.sessions.void(other.draft_id, reason="Again")


async def test_participants_update(ei: EasyInk) -> None:
    built = await started_session(ei)
    participant_id = built.participant_ids[0]
    assert (
        await ei.sessions.participants.update(
            built.draft_id, participant_id, email="new@example.com"
        )
        is None
    )
    participants = (await ei.sessions.get(built.draft_id)).participants
    assert isinstance(participants, list)
    assert [p.email for p in participants if p.participant_id == participant_id] == [
        "new@example.com"
    ]


async def test_downloads(ei: EasyInk, sandbox: Sandbox, tmp_path: Path) -> None:
    built = await build_draft(ei)
    attachment = sandbox.store.add_attachment(
        sandbox.config.default_user, str(built.draft_id), simple_pdf(["Terms"]), "terms.pdf"
    )
    await ei.drafts.convert(built.draft_id)
    await ei.sessions.start(built.draft_id)
    for participant_id in built.participant_ids:
        sandbox.sign(str(built.draft_id), str(participant_id))
    session_id = built.draft_id

    original = await ei.sessions.documents.download(
        session_id, built.document_id, to=tmp_path / "original.pdf"
    )
    assert original.bytes_written > 0
    attached = await ei.sessions.attachments.download(
        session_id, attachment.id, to=tmp_path / "terms.pdf"
    )
    assert attached.bytes_written > 0

    view = await ei.sessions.get(session_id)
    assert view.status == SessionStatus.FINISHED
    signed = view.signed_documents
    assert isinstance(signed, list) and signed
    buffer = io.BytesIO()
    result = await ei.sessions.signed_documents.download(
        session_id, signed[0].signed_document_id, to=buffer, extra_headers={"X-Trace": "1"}
    )
    assert result.path is None and result.bytes_written == len(buffer.getvalue()) > 0

    bundle = await ei.sessions.all_in_one.download(session_id, to=tmp_path / "all.pdf")
    assert bundle.path == tmp_path / "all.pdf"
    assert (tmp_path / "all.pdf").read_bytes().startswith(b"%PDF")


async def test_finished_session_helper_signs_everyone(ei: EasyInk, sandbox: Sandbox) -> None:
    built = await finished_session(ei, sandbox, signers=2)
    assert (await ei.sessions.get(built.draft_id)).status == SessionStatus.FINISHED
    assert await ei.sessions.exists(uuid.uuid4()) is False
