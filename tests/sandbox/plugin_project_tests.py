"""A user's test file using the sandbox's pytest plugin (copied into a project outside the repo).

tests/sandbox/test_plugin_projects.py runs it with pytest-asyncio in strict and in auto mode and
with anyio's plugin: the line defining ``RUNNER`` is replaced by the mark each one needs.
"""

from __future__ import annotations

import io

import httpx
import pytest

from easyink_client.api.signing_sessions import get_session
from easyink_ext import EasyInk, EasyInkSync, InternalServerError
from easyink_ext.downloads import download_all_in_one_document
from easyink_ext.pagination import iter_sessions
from easyink_ext.waiters import wait_for_session
from easyink_ext.workflow import Signer, send_for_signature
from easyink_sandbox.testing import EasyInkSandbox

RUNNER = pytest.mark.usefixtures()  # replaced: the mark that runs an async test


@RUNNER
async def test_two_signers_sign_and_the_all_in_one_pdf_downloads(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    sent = await send_for_signature(
        easyink,
        documents=[("lease.pdf", easyink_sandbox.sample_pdf(pages=2))],
        signers=[Signer("Ann Lee", email="ann@x.example"), Signer("Bo Ray", email="bo@x.example")],
        subject="Lease 12",
    )
    easyink_sandbox.sign(sent.session_id)
    view = await wait_for_session(
        easyink, sent.session_id, until=["Finished"], documents_ready=True
    )
    assert str(view.status) == "Finished"

    pdf = io.BytesIO()
    result = await download_all_in_one_document(easyink, sent.session_id, pdf)
    assert pdf.getvalue().startswith(b"%PDF-") and result.bytes_written == len(pdf.getvalue())

    calls = [(r.method, r.operation_id, r.status) for r in easyink_sandbox.requests]
    assert calls[0] == ("POST", "createDraft", 200)
    assert calls.count(("POST", "addDraftParticipant", 200)) == 2
    assert ("POST", "startSession", 200) in calls
    assert calls[-1] == ("GET", "downloadAllInOneDocument", 200)
    assert all(r.path.startswith("/api/") for r in easyink_sandbox.requests)


@RUNNER
async def test_a_second_test_starts_with_an_empty_account(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    assert [item async for item in iter_sessions(easyink.client)] == []
    assert [r.operation_id for r in easyink_sandbox.requests] == ["searchSessions"]


@RUNNER
async def test_faults_fail_the_client_inside_the_block_only(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    with (
        easyink_sandbox.faults(fail_rate=1.0, fail_statuses=(503,)),
        pytest.raises(InternalServerError),
    ):
        [item async for item in iter_sessions(easyink.client)]
    assert [item async for item in iter_sessions(easyink.client)] == []
    statuses = [r.status for r in easyink_sandbox.requests]
    assert statuses == [503, 503, 503, 200]  # the first attempt and two retries, then success


def test_sync_client_and_a_declining_signer(
    easyink_sync: EasyInkSync, easyink_sandbox: EasyInkSandbox
) -> None:
    sent = easyink_sync.send_for_signature(
        documents=[("nda.pdf", easyink_sandbox.sample_pdf())],
        signers=[Signer("Cy Moss", email="cy@example.com")],
        subject="NDA",
    )
    easyink_sandbox.decline(sent.session_id, reason="Wrong company name")
    view = easyink_sync.call(get_session.asyncio, sent.session_id)
    assert str(getattr(view, "status", None)) == "Declined"


def test_plain_httpx_with_the_served_url_and_token(easyink_sandbox: EasyInkSandbox) -> None:
    headers = {"Authorization": f"Bearer {easyink_sandbox.token}"}
    with httpx.Client(base_url=easyink_sandbox.url, headers=headers) as http:
        created = http.post("/api/signingSessionDrafts", json={"subject": "By hand"})
        assert created.status_code == 200, created.text
        assert http.get(f"/api/signingSessionDrafts/{created.json()}").status_code == 200
    assert [(r.operation_id, r.status) for r in easyink_sandbox.requests] == [
        ("createDraft", 200),
        ("getDraft", 200),
    ]
