"""send_for_signature: success path, validation, failure at each step, cleanup."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from uuid import UUID

import anyio
import httpx
import pytest

from easyink_ext import EasyInk
from easyink_ext.waiters import WaitTimeoutError
from easyink_ext.workflow import (
    STEPS,
    FieldSpec,
    Signer,
    WorkflowError,
    default_field_placements,
    send_for_signature,
)
from easyink_sandbox import Sandbox, SandboxConfig

from .conftest import FaultyTransport, statuses

ADA = Signer("Ada Lovelace", "ada@example.com")
ALAN = Signer("Alan Turing", phone="(555) 123-4567")


async def test_success_returns_every_id_and_session_is_pending(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "Contract.pdf"
    path.write_bytes(pdf)
    sent = await send_for_signature(
        ei, documents=[path, ("Annex.pdf", pdf)], signers=[ADA, ALAN], subject="Deal"
    )
    session = sandbox.store.sessions[str(sent.session_id)]
    assert session.status == "Pending"
    assert session.subject == "Deal"
    assert [UUID(d) for d in session.documents] == list(sent.document_ids)
    assert [UUID(p) for p in session.participants] == list(sent.participant_ids)
    assert sorted(UUID(f) for f in session.fields) == sorted(sent.field_ids)
    assert len(sent.field_ids) == 4  # one per signer per document
    alan = session.participants[str(sent.participant_id("Alan Turing"))]
    assert (alan.phone, alan.delivery_methods) == ("5551234567", ["Sms"])
    assert sent.participant_id("ada@example.com") == sent.participant_ids[0]
    assert sent.participants_by_signer[ALAN] == sent.participant_ids[1]
    assert set(sent.timings) >= {"create draft", "upload documents", "convert", "start"}
    assert [d.title for d in session.documents.values()] == ["Contract", "Annex"]


async def test_on_step_hears_each_step_before_its_requests(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    heard: list[tuple[str, UUID | None, int]] = []

    async def on_step(step: str, draft_id: UUID | None) -> None:
        heard.append((step, draft_id, len(transport.requests)))

    sent = await send_for_signature(
        ei, documents=[pdf], signers=[ADA, ALAN], subject="Deal", sequential=True, on_step=on_step
    )
    assert [step for step, _, _ in heard] == [s for s in STEPS if s != "update draft"]
    assert heard[0][1:] == (None, 0)  # before createDraft, nothing sent yet
    assert {draft for _, draft, _ in heard[1:]} == {sent.session_id}  # known from then on
    assert heard[1][2] == 1  # recorded right after createDraft, before the upload


async def test_a_failing_on_step_fails_the_workflow_at_that_step(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    async def on_step(step: str, draft_id: UUID | None) -> None:
        if step == "convert":
            raise RuntimeError("the ledger said stop")

    with pytest.raises(WorkflowError) as caught:
        await send_for_signature(ei, documents=[pdf], signers=[ADA], subject="D", on_step=on_step)
    assert (caught.value.step, caught.value.cleanup) == ("convert", "deleted")
    assert statuses(sandbox) == []


async def test_document_files_are_read_off_the_event_loop(
    ei: EasyInk, pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Contract.pdf"
    path.write_bytes(pdf)
    readers: list[str] = []
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        readers.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    await send_for_signature(ei, documents=[path], signers=[ADA], subject="Threaded read")
    assert len(readers) == 1  # read once
    assert readers[0] != threading.main_thread().name


async def test_default_fields_sit_on_last_page_without_overlap(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    signers = [Signer(f"Signer {i}", f"s{i}@example.com") for i in range(5)]
    sent = await send_for_signature(ei, documents=[pdf], signers=signers, subject="Five")
    fields = list(sandbox.store.sessions[str(sent.session_id)].fields.values())
    assert {f.placement.page for f in fields} == {2}
    assert len({f.participant_id for f in fields}) == 5
    boxes = [(f.placement.x, f.placement.y, f.placement.width, f.placement.height) for f in fields]
    assert not _overlapping(boxes)


def _overlapping(boxes: list[tuple[float, float, float, float]]) -> bool:
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            if x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1:
                return True
    return False


@pytest.mark.parametrize("count", [1, 3, 14, 15, 40])
@pytest.mark.parametrize("size", [(612.0, 792.0), (595.0, 842.0), (300.0, 200.0)])
def test_default_placements_fit_and_do_not_overlap(count: int, size: tuple[float, float]) -> None:
    width, height = size
    boxes = default_field_placements(count, width, height)
    assert len(boxes) == count
    assert not _overlapping(boxes)
    for x, y, w, h in boxes:
        assert x >= 0 and y >= 0 and w >= 0.1 and h >= 0.1
        assert x + w <= width and y + h <= height


async def test_sequential_sets_one_by_one_order(ei: EasyInk, sandbox: Sandbox, pdf: bytes) -> None:
    sent = await send_for_signature(
        ei, documents=[pdf], signers=[ADA, ALAN], subject="In order", sequential=True
    )
    session = sandbox.store.sessions[str(sent.session_id)]
    assert session.order_type == "OneByOne"
    assert session.order == [str(p) for p in sent.participant_ids]
    assert [p.status for p in session.participants.values()] == ["Pending", "Waiting"]


async def test_explicit_fields_by_email_and_index(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    fields = [
        FieldSpec(page=1, x=72, y=100, signer="ada@example.com"),
        FieldSpec(page=2, x=300, y=100, signer=1, type="Initials", width=60, height=30),
    ]
    sent = await send_for_signature(
        ei, documents=[pdf], signers=[ADA, ALAN], subject="Explicit", fields=fields
    )
    session = sandbox.store.sessions[str(sent.session_id)]
    placed = [session.fields[str(fid)] for fid in sent.field_ids]
    assert [(f.type, f.placement.page, f.placement.x) for f in placed] == [
        ("Signature", 1, 72),
        ("Initials", 2, 300),
    ]
    assert placed[1].participant_id == str(sent.participant_ids[1])


async def test_reminder_is_set(ei: EasyInk, sandbox: Sandbox, pdf: bytes) -> None:
    sent = await send_for_signature(
        ei, documents=[pdf], signers=[ADA], subject="Remind", reminder="Weekly"
    )
    assert sandbox.store.sessions[str(sent.session_id)].reminder_frequency == "Weekly"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"signers": []}, "at least one signer"),
        ({"signers": [Signer("", "a@example.com")]}, "empty name"),
        ({"signers": [Signer("No Contact")]}, "needs an e-mail address or a phone"),
        ({"signers": [Signer("Bad Mail", "not-an-email")]}, "not a valid e-mail"),
        ({"signers": [Signer("Bad Phone", phone="12345")]}, "phone must be 10 digits"),
        ({"signers": [Signer("Sms Only", "a@example.com", delivery=["Sms"])]}, "needs a phone"),
        ({"signers": [ADA, ADA]}, "share the e-mail"),
        ({"documents": []}, "at least one document"),
        ({"documents": ["/no/such/file.pdf"]}, "is not a readable file"),
        ({"documents": [b""]}, "is empty"),
        ({"subject": " "}, "subject"),
        ({"fields": [FieldSpec(page=1, x=1, y=1, signer=5)]}, "out of range"),
        ({"fields": [FieldSpec(page=1, x=1, y=1, signer="x@example.com")]}, "matches no signer"),
        ({"fields": [FieldSpec(page=1, x=1, y=1, document=3)]}, "document index 3"),
        ({"fields": [FieldSpec(page=0, x=1, y=1)]}, "page must be >= 1"),
        ({"fields": [FieldSpec(page=1, x=-1, y=1)]}, "x and y must be >= 0"),
    ],
)
async def test_bad_inputs_fail_before_any_request(
    ei: EasyInk, transport: FaultyTransport, pdf: bytes, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"documents": [pdf], "signers": [ADA], "subject": "Valid"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        await send_for_signature(ei, **args)  # type: ignore[arg-type]
    assert transport.requests == []


async def test_signer_without_field_is_refused(ei: EasyInk, pdf: bytes) -> None:
    with pytest.raises(ValueError, match=r"\('Alan Turing'\) has no field"):
        await send_for_signature(
            ei,
            documents=[pdf],
            signers=[ADA, ALAN],
            subject="Missing",
            fields=[FieldSpec(page=1, x=10, y=10, signer=0)],
        )


# -- failure at each step ----------------------------------------------------------------------

_BREAKS = [
    ("create draft", "POST", r"/api/signingSessionDrafts$"),
    ("upload documents", "POST", r"/documents$"),
    ("add participants", "POST", r"/participants$"),
    ("place fields", "POST", r"/signatureFields$"),
    ("set signing order", "PUT", r"/signingOrder/oneByOne$"),
    ("convert", "POST", r"/convert$"),
    ("start", "POST", r"/start$"),
]


@pytest.mark.parametrize(("step", "method", "path"), _BREAKS)
async def test_failure_at_each_step_cleans_up_and_names_the_step(  # noqa: PLR0917
    ei: EasyInk,
    sandbox: Sandbox,
    transport: FaultyTransport,
    pdf: bytes,
    step: str,
    method: str,
    path: str,
) -> None:
    transport.fail(method, path, "bad_request")
    with pytest.raises(WorkflowError) as caught:
        await send_for_signature(
            ei, documents=[pdf], signers=[ADA, ALAN], subject="Broken", sequential=True
        )
    error = caught.value
    assert error.step == step
    assert step in STEPS
    assert "injected failure" in str(error)
    assert error.__cause__ is error.cause
    if step == "create draft":
        assert (error.draft_id, error.cleanup) == (None, "none")
        assert statuses(sandbox) == []
    elif step == "start":
        # startSession was sent: whatever it answered, the session is never undone by us.
        assert error.cleanup == "started"
        assert statuses(sandbox) == ["ReadyToStart"]
    else:
        assert error.cleanup == "deleted"
        assert error.draft_id is not None
        assert statuses(sandbox) == []


async def test_invalid_field_placement_fails_at_place_fields(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    with pytest.raises(WorkflowError) as caught:
        await send_for_signature(
            ei,
            documents=[pdf],
            signers=[ADA],
            subject="Off page",
            fields=[FieldSpec(page=2, x=600, y=10)],
        )
    assert caught.value.step == "place fields"
    assert "does not fit" in str(caught.value)
    assert statuses(sandbox) == []


async def test_keep_draft_on_failure_keeps_it(ei: EasyInk, sandbox: Sandbox, pdf: bytes) -> None:
    with pytest.raises(WorkflowError) as caught:
        await send_for_signature(
            ei,
            documents=[pdf],
            signers=[ADA],
            subject="Keep me",
            fields=[FieldSpec(page=3, x=10, y=10)],
            keep_draft_on_failure=True,
        )
    assert caught.value.cleanup == "kept"
    assert statuses(sandbox) == ["Draft"]
    assert str(caught.value.draft_id) in sandbox.store.sessions


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(processing_delay=60.0)])
async def test_processing_timeout_fails_at_wait_step(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    with pytest.raises(WorkflowError) as caught:
        await send_for_signature(
            ei, documents=[pdf], signers=[ADA], subject="Slow", processing_timeout=0.3
        )
    assert caught.value.step == "wait for processing"
    assert isinstance(caught.value.cause, WaitTimeoutError)
    assert statuses(sandbox) == []


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(processing_delay=60.0)])
async def test_cancelled_workflow_still_deletes_its_draft(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    def polling() -> bool:
        return any(m == "GET" for m, _, _ in sandbox.request_log)

    async with anyio.create_task_group() as tg:
        tg.start_soon(
            functools.partial(
                send_for_signature, ei, documents=[pdf], signers=[ADA], subject="Cancelled"
            )
        )
        # Cancel once the workflow waits for the document processing (60 s on the sandbox).
        with anyio.fail_after(120):  # a safety net against hanging, not a performance bound
            while not polling():  # noqa: ASYNC110 - the request log has no event to await
                await anyio.sleep(0.01)
        tg.cancel_scope.cancel()
    requests = [(m, p.rsplit("/", 1)[-1]) for m, p, _ in sandbox.request_log]
    assert requests[:2] == [("POST", "signingSessionDrafts"), ("POST", "documents")]
    assert requests[-1][0] == "DELETE"  # created, then deleted on cancel
    assert {m for m, _ in requests[2:-1]} == {"GET"}
    assert statuses(sandbox) == []


async def test_a_workflow_cancelled_after_start_was_sent_leaves_the_session(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    started = anyio.Event()
    forward = transport.handle_async_request

    async def start_then_hang(request: httpx.Request) -> httpx.Response:
        response = await forward(request)
        if request.url.path.endswith("/start"):
            started.set()  # the server started the session; its answer never comes back
            await anyio.sleep_forever()
        return response

    transport.handle_async_request = start_then_hang  # type: ignore[method-assign]
    async with anyio.create_task_group() as tg:
        tg.start_soon(
            functools.partial(
                send_for_signature, ei, documents=[pdf], signers=[ADA], subject="Invited"
            )
        )
        with anyio.fail_after(60):  # a safety net against hanging, not a performance bound
            await started.wait()
        tg.cancel_scope.cancel()
    assert statuses(sandbox) == ["Pending"]  # not voided: the signer has an invitation
    assert not any(path.endswith("/voided") for _, path, _ in sandbox.request_log)
