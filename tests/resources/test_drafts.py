"""Every method of ``ei.drafts`` and its nested namespaces, against the sandbox."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from easyink_client.models import (
    ElementPlacement,
    ReminderFrequency,
    SignatureFieldType,
    SigningConfiguration,
    SigningConfigurationParticipant,
)
from easyink_client.types import Unset
from easyink_ext import EasyInk
from easyink_ext.downloads import DownloadResult
from easyink_ext.errors import BadRequestError, NotFoundError, RequestValidationError
from easyink_sandbox import Sandbox, simple_pdf

from ..conftest import BASE_URL, TOKEN
from .conftest import build_draft


def _listed(value: list[object] | Unset | None) -> list[object]:
    return value if isinstance(value, list) else []


async def test_create_get_update_delete(ei: EasyInk) -> None:
    draft_id = await ei.drafts.create(subject="NDA")
    assert isinstance(draft_id, UUID)
    config = await ei.drafts.get(draft_id)
    assert isinstance(config, SigningConfiguration)
    assert config.subject == "NDA"

    assert (
        await ei.drafts.update(
            str(draft_id), subject="NDA v2", reminder_frequency=ReminderFrequency.DAILY
        )
        is None
    )
    config = await ei.drafts.get(str(draft_id))
    assert (config.subject, config.reminder_frequency) == ("NDA v2", ReminderFrequency.DAILY)

    assert await ei.drafts.delete(draft_id) is None
    with pytest.raises(NotFoundError):
        await ei.drafts.get(draft_id)


async def test_exists_is_false_on_a_missing_id(ei: EasyInk) -> None:
    draft_id = await ei.drafts.create(subject="Here")
    assert await ei.drafts.exists(draft_id) is True
    assert await ei.drafts.exists(uuid.uuid4()) is False
    assert await ei.sessions.exists(uuid.uuid4()) is False


async def test_convert(ei: EasyInk) -> None:
    built = await build_draft(ei)
    assert await ei.drafts.convert(built.draft_id) is None
    view = await ei.sessions.get(built.draft_id)
    assert str(view.status) == "ReadyToStart"


@pytest.mark.parametrize("kind", ["bytes", "tuple", "path", "file"])
async def test_documents_upload_download_remove(ei: EasyInk, tmp_path: Path, kind: str) -> None:
    draft_id = await ei.drafts.create(subject="Docs")
    pdf = simple_pdf(["Page one"])
    source = tmp_path / "source.pdf"
    source.write_bytes(pdf)
    files: dict[str, object] = {
        "bytes": pdf,
        "tuple": ("named.pdf", pdf),
        "path": source,
        "file": io.BytesIO(pdf),
    }
    document_id = await ei.drafts.documents.upload(draft_id, file=files[kind])  # type: ignore[arg-type]
    assert isinstance(document_id, UUID)

    dest = tmp_path / "copy.pdf"
    result = await ei.drafts.documents.download(draft_id, document_id, to=dest)
    assert isinstance(result, DownloadResult)
    assert result.path == dest and result.bytes_written == dest.stat().st_size
    assert dest.read_bytes().startswith(b"%PDF")
    buffer = io.BytesIO()
    await ei.drafts.documents.download(draft_id, document_id, to=buffer, timeout=10)
    assert buffer.getvalue() == dest.read_bytes()

    assert await ei.drafts.documents.remove(draft_id, document_id) is None
    assert _listed((await ei.drafts.get(draft_id)).documents) == []  # type: ignore[arg-type]


async def test_upload_names_the_file(ei: EasyInk) -> None:
    draft_id = await ei.drafts.create(subject="Names")
    await ei.drafts.documents.upload(draft_id, file=simple_pdf(["x"]), filename="Lease.pdf")
    config = await ei.drafts.get(draft_id)
    documents = config.documents
    assert isinstance(documents, list)
    assert documents[0].title in ("Lease", "Lease.pdf")


async def test_attachments_download_remove(ei: EasyInk, sandbox: Sandbox, tmp_path: Path) -> None:
    draft_id = await ei.drafts.create(subject="Attachments")
    attachment = sandbox.store.add_attachment(
        sandbox.config.default_user, str(draft_id), simple_pdf(["Terms"]), "terms.pdf"
    )
    dest = tmp_path / "terms.pdf"
    result = await ei.drafts.attachments.download(draft_id, attachment.id, to=dest)
    assert result.bytes_written == dest.stat().st_size > 0
    assert await ei.drafts.attachments.remove(draft_id, attachment.id) is None
    assert (await ei.drafts.get(draft_id)).attachments == []


async def test_participants_add_add_me_update_remove(ei: EasyInk) -> None:
    draft_id = await ei.drafts.create(subject="People")
    participant_id = await ei.drafts.participants.add(
        draft_id, first_name="Ada", last_name="Lovelace", email="ada@example.com"
    )
    assert isinstance(participant_id, UUID)
    me = await ei.drafts.participants.add_me(draft_id)
    assert isinstance(me, SigningConfigurationParticipant)

    assert (
        await ei.drafts.participants.update(draft_id, participant_id, email="ada@example.org")
        is None
    )
    participants = (await ei.drafts.get(draft_id)).participants
    assert isinstance(participants, list)
    by_id = {p.id: p for p in participants}
    assert by_id[participant_id].email == "ada@example.org"

    assert await ei.drafts.participants.remove(draft_id, participant_id) is None
    participants = (await ei.drafts.get(draft_id)).participants
    assert isinstance(participants, list)
    assert [p.id for p in participants] == [me.id]


async def test_signature_fields(ei: EasyInk) -> None:
    built = await build_draft(ei)
    fields = (await ei.drafts.get(built.draft_id)).signature_fields
    assert isinstance(fields, list) and len(fields) == 1
    field_id = fields[0].id

    assert (
        await ei.drafts.signature_fields.update_options(
            built.draft_id, field_id, is_required=False, for_type=SignatureFieldType.SIGNATURE
        )
        is None
    )
    placement = ElementPlacement(page=1, position_x=10, position_y=20, size_x=150, size_y=40)
    assert (
        await ei.drafts.signature_fields.update_placement(
            built.draft_id,
            field_id,
            page=placement.page,
            position_x=placement.position_x,
            position_y=placement.position_y,
            size_x=placement.size_x,
            size_y=placement.size_y,
        )
        is None
    )
    fields = (await ei.drafts.get(built.draft_id)).signature_fields
    assert isinstance(fields, list)
    assert fields[0].placement.to_dict() == placement.to_dict()

    removed = await ei.drafts.signature_fields.remove(built.draft_id, field_id)
    assert removed == [field_id]
    assert all(isinstance(item, UUID) for item in removed)


async def test_signing_order(ei: EasyInk) -> None:
    built = await build_draft(ei, signers=2)
    order = list(reversed(built.participant_ids))
    assert (
        await ei.drafts.signing_order.set_one_by_one(built.draft_id, participants_order=order)
        is None
    )
    settings = (await ei.drafts.get(built.draft_id)).signing_order_settings
    assert not isinstance(settings, Unset)
    assert str(settings.type_) == "OneByOne"
    assert settings.participants_order == order

    assert await ei.drafts.signing_order.set_all_at_once(built.draft_id) is None
    settings = (await ei.drafts.get(built.draft_id)).signing_order_settings
    assert not isinstance(settings, Unset)
    assert str(settings.type_) == "AllAtOnce"


async def test_errors_of_the_server_are_typed(ei: EasyInk) -> None:
    with pytest.raises(NotFoundError):
        await ei.drafts.get(uuid.uuid4())
    draft_id = await ei.drafts.create(subject="Order")
    with pytest.raises(BadRequestError):
        await ei.drafts.signing_order.set_one_by_one(draft_id, participants_order=[uuid.uuid4()])


async def test_a_bad_id_is_refused_before_sending(ei: EasyInk, sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    with pytest.raises(RequestValidationError, match="draft_id must be a UUID"):
        await ei.drafts.get("../sessions")
    with pytest.raises(RequestValidationError, match="document_id must be a UUID"):
        await ei.drafts.documents.remove(uuid.uuid4(), "x")
    assert len(sandbox.request_log) == before


async def test_unset_optional_fields_are_left_out_of_the_body() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    draft_id, participant_id = uuid.uuid4(), uuid.uuid4()
    transport = httpx.MockTransport(handler)
    async with EasyInk(base_url=BASE_URL, token=TOKEN, transport=transport) as ei:
        await ei.drafts.participants.update(draft_id, participant_id, email="a@example.com")
        await ei.drafts.update(draft_id, subject=None)
    assert json.loads(sent[0].content) == {"email": "a@example.com"}
    assert json.loads(sent[1].content) == {"subject": None}
    assert sent[0].url.path == (
        f"/api/signingSessionDrafts/{draft_id}/participants/{participant_id}"
    )


async def test_per_call_timeout_and_headers() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=str(uuid.uuid4()))

    transport = httpx.MockTransport(handler)
    async with EasyInk(base_url=BASE_URL, token=TOKEN, transport=transport, timeout=30) as ei:
        await ei.drafts.create(subject="T", timeout=3, extra_headers={"X-Trace": "abc"})
        await ei.drafts.create(subject="T")
    assert sent[0].headers["X-Trace"] == "abc"
    assert sent[0].extensions["timeout"]["read"] == 3
    assert "X-Trace" not in sent[1].headers
    assert sent[1].extensions["timeout"]["read"] == 30
