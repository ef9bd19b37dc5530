"""One send_for_signature is one trace: workflow, steps, operations and attempts."""

from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from easyink_ext import EasyInk
from easyink_ext.workflow import Signer, WorkflowError, send_for_signature
from tests._secrets import assert_no_secret
from tests.conftest import Recorded

from .conftest import FaultyTransport

STEP_SPANS = [
    "easyink.step.create_draft",
    "easyink.step.upload_documents",
    "easyink.step.wait_for_processing",
    "easyink.step.add_participants",
    "easyink.step.place_fields",
    "easyink.step.set_signing_order",
    "easyink.step.convert",
    "easyink.step.start",
]


SIGNERS = [Signer("Ann Lee", email="ann@example.com"), Signer("Bo Chen", email="bo@example.com")]


async def test_one_trace_with_steps_operations_and_attempts(
    traced: EasyInk, transport: FaultyTransport, recorded: Recorded, pdf: bytes, token: str
) -> None:
    transport.fail("GET", r"^/api/signingSessionDrafts/[^/]+$", "unavailable")
    sent = await send_for_signature(
        traced, documents=[("nda.pdf", pdf)], signers=SIGNERS, subject="NDA", sequential=True
    )

    spans = recorded.spans()
    assert len({s.context.trace_id for s in spans}) == 1
    by_id = {s.context.span_id: s for s in spans}

    def parent(span: object) -> object:
        return by_id[span.parent.span_id]  # type: ignore[attr-defined]

    workflow = recorded.span("easyink.send_for_signature")
    assert workflow.parent is None
    assert workflow.attributes["easyink.session_id"] == str(sent.session_id)
    steps = [s for s in spans if s.name.startswith("easyink.step.")]
    assert sorted(s.name for s in steps) == sorted(STEP_SPANS)
    assert all(parent(s) is workflow for s in steps)
    assert all(s.attributes["easyink.session_id"] == str(sent.session_id) for s in steps)

    operations = [s for s in spans if s.name.startswith("EasyInk.")]
    attempts = [s for s in spans if s.name in ("GET", "POST", "PUT", "DELETE", "HEAD")]
    assert len(attempts) == len(transport.requests)
    assert all(s.kind == SpanKind.CLIENT for s in operations + attempts)
    assert all(parent(a) in operations for a in attempts)
    for operation in operations:
        above = parent(operation)
        while not above.name.startswith("easyink.step."):  # waiters sit between
            above = parent(above)
        assert above in steps
    names = {s.name for s in operations}
    assert {"EasyInk.createDraft", "EasyInk.uploadDraftDocument", "EasyInk.getDraft"} <= names
    assert {"EasyInk.setOneByOneSigningOrder", "EasyInk.startSession"} <= names
    assert recorded.span("easyink.wait_for_documents_processed") is not None

    # The injected 503 on getDraft was retried: a second attempt with resend_count 1.
    (failed,) = [a for a in attempts if a.attributes.get("http.response.status_code") == 503]
    (resent,) = [a for a in attempts if "http.request.resend_count" in a.attributes]
    assert resent.attributes["http.request.resend_count"] == 1
    assert parent(failed) is parent(resent)
    assert parent(resent).attributes["easyink.retry.count"] == 1

    assert_no_secret(recorded.text(), token)


async def test_a_failing_step_is_marked_with_its_error_type(
    traced: EasyInk, transport: FaultyTransport, recorded: Recorded, pdf: bytes, token: str
) -> None:
    transport.fail("POST", r"/participants$", "bad_request")
    with pytest.raises(WorkflowError) as caught:
        await send_for_signature(traced, documents=[pdf], signers=SIGNERS, subject="NDA")
    assert caught.value.step == "add participants"

    step = recorded.span("easyink.step.add_participants")
    assert step.status.status_code == StatusCode.ERROR
    assert step.attributes["error.type"] == "BadRequestError"
    workflow = recorded.span("easyink.send_for_signature")
    assert workflow.status.status_code == StatusCode.ERROR
    assert workflow.attributes["easyink.workflow.failed_step"] == "add participants"
    assert workflow.attributes["error.type"] == "BadRequestError"
    assert workflow.attributes["easyink.workflow.cleanup"] == "deleted"
    assert workflow.attributes["easyink.session_id"] == str(caught.value.draft_id)
    cleanup = recorded.span("easyink.step.cleanup")
    assert cleanup.parent.span_id == workflow.context.span_id
    assert cleanup.attributes["easyink.workflow.cleanup"] == "deleted"
    assert recorded.span("EasyInk.deleteDraft").parent.span_id == cleanup.context.span_id
    ok_steps = [s for s in recorded.spans() if s.name.startswith("easyink.step.")]
    assert [s.name for s in ok_steps if s.status.status_code == StatusCode.ERROR] == [
        "easyink.step.add_participants"
    ]
    assert_no_secret(recorded.text(), token)
