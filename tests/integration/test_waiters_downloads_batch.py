"""Waiters, downloads and run_batch against the sandbox served on 127.0.0.1 (``easyink_sandbox``).

Every test runs on both backends (the ``ei`` fixture takes ``backend``).
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
import pytest
from pypdf import PdfReader

from easyink_client.api.signing_session_drafts import get_draft
from easyink_client.models.signing_configuration import SigningConfiguration
from easyink_ext import EasyInk
from easyink_ext import downloads as downloads_module
from easyink_ext.batch import run_batch
from easyink_ext.downloads import (
    download_all_in_one_document,
    download_draft_document,
    download_session_document,
    download_signed_document,
)
from easyink_ext.errors import NotFoundError
from easyink_ext.ledger import SQLiteLedger
from easyink_ext.waiters import (
    PollPolicy,
    SessionEndedError,
    wait_for_documents_processed,
    wait_for_session,
)
from easyink_sandbox.testing import EasyInkSandbox

from .._sandbox_flow import new_draft, started_session, upload

pytestmark = pytest.mark.integration

FAST = PollPolicy(initial=0.01, maximum=0.05, jitter=0.1)


@pytest.fixture
async def ei(easyink_sandbox: EasyInkSandbox, backend: str) -> AsyncIterator[EasyInk]:
    async with EasyInk(
        base_url=easyink_sandbox.url, token=easyink_sandbox.token, backend=backend
    ) as client:
        yield client


async def _wait_until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(120):  # a safety net against hanging, not a performance bound
        while not condition():  # noqa: ASYNC110 - the sandbox's request log has no event to await
            await anyio.sleep(0.01)


def _entries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _count(sandbox: EasyInkSandbox, method: str, path: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == method and r.path == path)


@pytest.mark.easyink_sandbox(processing_delay=600.0, token_ttl=86_400.0)
async def test_wait_for_documents_processed_on_a_real_draft(
    easyink_sandbox: EasyInkSandbox, ei: EasyInk
) -> None:
    draft = await new_draft(ei)
    await upload(ei, draft)
    await upload(ei, draft)
    path = f"/api/signingSessionDrafts/{draft}"
    result: list[SigningConfiguration] = []

    async def waiter() -> None:
        result.append(await wait_for_documents_processed(ei, draft, timeout=60, poll=FAST))

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        # It polls while the documents are processing.
        await _wait_until(lambda: _count(easyink_sandbox, "GET", path) >= 2)
        assert not result
        easyink_sandbox.advance_time(600)  # processing finishes
    (config,) = result
    assert config.documents and len(config.documents) == 2
    assert all(d.status == "ProcessingReady" for d in config.documents)
    # The waiter saw Processing first, then stopped polling once ready.
    first = await get_draft.asyncio(draft, client=ei.client)
    assert isinstance(first, SigningConfiguration)
    polls = _count(easyink_sandbox, "GET", path)
    await anyio.sleep(0.1)
    assert _count(easyink_sandbox, "GET", path) == polls


async def test_wait_for_session_and_download_signed_pdfs(
    easyink_sandbox: EasyInkSandbox, ei: EasyInk, tmp_path: Path
) -> None:
    session, document, signers = await started_session(ei, signers=2)
    views = []

    async def waiter() -> None:
        views.append(
            await wait_for_session(ei, session, timeout=60, poll=FAST, documents_ready=True)
        )

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        for pid in signers:
            await anyio.sleep(0.05)
            assert not views
            easyink_sandbox.sign(session, pid)
    (view,) = views
    assert view.status == "Finished"
    assert isinstance(view.signed_documents, list) and len(view.signed_documents) == 2

    for signed in view.signed_documents:
        dest = tmp_path / f"{signed.signed_document_id}.pdf"
        result = await download_signed_document(ei, session, signed.signed_document_id, dest)
        assert result.bytes_written == dest.stat().st_size > 0
        assert result.etag and result.etag.startswith('"')
        assert result.content_type == "application/pdf"
        assert result.filename and result.filename.endswith(".pdf")
        assert len(PdfReader(dest).pages) >= 1

    buffer = io.BytesIO()
    result = await download_all_in_one_document(ei, session, buffer)
    assert buffer.getvalue().startswith(b"%PDF-")
    assert result.bytes_written == len(buffer.getvalue())
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    assert len(reader.pages) >= 2  # signed pages and the audit trail

    original = await download_session_document(ei, session, document, tmp_path / "orig.pdf")
    assert original.path == tmp_path / "orig.pdf"


async def test_wait_for_finished_raises_when_declined(
    easyink_sandbox: EasyInkSandbox, ei: EasyInk
) -> None:
    session, _, signers = await started_session(ei, signers=1)
    easyink_sandbox.decline(session, signers[0])
    with pytest.raises(SessionEndedError) as info:
        await wait_for_session(ei, session, until={"Finished"}, timeout=60, poll=FAST)
    assert info.value.status == "Declined"


async def test_download_of_a_missing_document_raises_not_found(ei: EasyInk, tmp_path: Path) -> None:
    missing = UUID("00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotFoundError):
        await download_draft_document(ei, missing, missing, tmp_path / "x.pdf")
    assert _entries(tmp_path) == []


async def test_dropped_download_resumes_over_a_real_connection(
    easyink_sandbox: EasyInkSandbox, ei: EasyInk, tmp_path: Path
) -> None:
    draft = await new_draft(ei)
    size = 3 * 1024 * 1024 + 11
    document = easyink_sandbox.call(lambda sandbox: sandbox.add_large_document(str(draft), size))
    dest = tmp_path / "large.pdf"
    with easyink_sandbox.faults(drop_body_after_bytes=1_000_000, drop_body_times=2):
        result = await download_draft_document(ei, draft, document, dest)
    assert (result.resumed, result.restarted, result.bytes_written) == (2, 0, size)
    path = f"/api/signingSessionDrafts/{draft}/documents/{document}"
    log = easyink_sandbox.call(
        lambda sandbox: [(r.status, r.fault) for r in sandbox.request_log if r.path == path]
    )
    assert log == [(200, "drop_body"), (206, "drop_body"), (206, None)]
    assert dest.stat().st_size == size
    assert len(PdfReader(dest).pages) == 1


async def test_cancelled_download_leaves_no_file_and_frees_the_connection(
    easyink_sandbox: EasyInkSandbox, ei: EasyInk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = await new_draft(ei)
    size = 8 * 1024 * 1024
    document = easyink_sandbox.call(lambda sandbox: sandbox.add_large_document(str(draft), size))
    first_write = anyio.Event()
    real_write = downloads_module._TempFileSink.write

    async def write_then_hang(self: Any, data: bytes) -> None:
        await real_write(self, data)
        first_write.set()
        await anyio.sleep_forever()

    monkeypatch.setattr(downloads_module._TempFileSink, "write", write_then_hang)
    async with anyio.create_task_group() as tg:
        tg.start_soon(download_draft_document, ei, draft, document, tmp_path / "big.pdf")
        await first_write.wait()
        assert len(_entries(tmp_path)) == 1  # the temporary file, partly written
        tg.cancel_scope.cancel()
    assert _entries(tmp_path) == []
    monkeypatch.undo()
    # The cancelled answer's connection was closed or returned: the client still works.
    details = await get_draft.asyncio(draft, client=ei.client)
    assert isinstance(details, SigningConfiguration)


async def test_batch_with_a_ledger_against_the_sandbox(
    easyink_sandbox: EasyInkSandbox, ei: EasyInk, tmp_path: Path
) -> None:
    ledger = tmp_path / "drafts.sqlite"
    subjects = [f"Batch agreement {n}" for n in range(12)]

    async def create(subject: str) -> UUID:
        if subject.endswith(" 5"):
            raise RuntimeError("refused by the caller")
        return await new_draft(ei, subject)

    first = await run_batch(subjects, create, ledger=ledger, key=lambda s: s, serialize_result=str)
    assert sum(r.ok for r in first) == 11
    posts = _count(easyink_sandbox, "POST", "/api/signingSessionDrafts")
    assert posts == 11

    again = await run_batch(subjects, create, ledger=ledger, key=lambda s: s, serialize_result=str)
    assert not any(r.here for r in again)
    assert (
        _count(easyink_sandbox, "POST", "/api/signingSessionDrafts") == posts
    )  # nothing sent again
    opened = SQLiteLedger(ledger)
    await opened.open()
    try:
        recorded = await opened.records(subjects)
    finally:
        await opened.aclose()
    failed = recorded["Batch agreement 5"]
    assert (failed.state, failed.clean) == ("failed", False)
    assert failed.error == "RuntimeError: refused by the caller"
    assert recorded["Batch agreement 0"].session_id == str(first[0].value)
