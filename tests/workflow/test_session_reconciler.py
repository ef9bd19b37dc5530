"""SessionReconciler: what a stale batch row left on the server, read back and cleaned up."""

from __future__ import annotations

import time
from uuid import UUID

import pytest

from easyink_client.api.signing_session_drafts import create_draft
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_ext import EasyInk
from easyink_ext.ledger import RowRecord
from easyink_ext.reconcile import ReconcileError, SessionReconciler
from easyink_ext.workflow import Signer, WorkflowError, send_for_signature
from easyink_sandbox import Sandbox

from .conftest import FaultyTransport


def _record(**fields: object) -> RowRecord:
    return RowRecord("row 1", "digest", 0, "sending", **fields)  # type: ignore[arg-type]


async def _draft(ei: EasyInk, subject: str) -> UUID:
    draft = await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject=subject))
    assert isinstance(draft, UUID)
    return draft


async def _sent(ei: EasyInk, pdf: bytes, subject: str) -> UUID:
    sent = await send_for_signature(
        ei, documents=[pdf], signers=[Signer("Ann Lee", "ann@example.com")], subject=subject
    )
    return sent.session_id


async def test_a_started_session_is_recorded(ei: EasyInk, pdf: bytes) -> None:
    session = await _sent(ei, pdf, "Lease 1")
    found = await SessionReconciler(ei)(_record(draft_id=str(session)), set())
    assert found == str(session)


async def test_an_orphan_draft_is_deleted_and_a_converted_one_voided(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    draft = await _draft(ei, "Lease 1")
    assert await SessionReconciler(ei)(_record(draft_id=str(draft)), set()) is None
    assert str(draft) not in sandbox.store.sessions
    transport.fail("POST", r"/start$", "bad_request", times=20)
    with pytest.raises(WorkflowError, match="start") as failed:
        await _sent(ei, pdf, "Lease 2")  # start was sent: the workflow leaves the session alone
    assert failed.value.cleanup == "started"
    converted = next(s for s in sandbox.store.sessions.values() if s.subject == "Lease 2")
    assert converted.status == "ReadyToStart"
    assert await SessionReconciler(ei)(_record(draft_id=converted.id), set()) is None
    assert converted.status == "Voided"  # converted, never started: voided by the reconciler
    assert await SessionReconciler(ei)(_record(draft_id=converted.id), set()) is None
    missing = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert await SessionReconciler(ei)(_record(draft_id=missing), set()) is None


async def test_a_session_voided_after_its_start_is_started_never_sendable(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    session = await _sent(ei, pdf, "Lease 7")
    owner = sandbox.store.sessions[str(session)].owner
    sandbox.store.void(owner, str(session), "changed mind")
    assert sandbox.store.sessions[str(session)].status == "Voided"
    found = await SessionReconciler(ei)(_record(draft_id=str(session)), set())
    assert found == str(session)


async def test_a_ready_to_start_session_is_voided(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    transport.fail("POST", r"/start$", "bad_request", times=20)
    with pytest.raises(Exception, match="start"):
        await send_for_signature(
            ei,
            documents=[pdf],
            signers=[Signer("Ann Lee", "ann@example.com")],
            subject="Lease 3",
            keep_draft_on_failure=True,
        )
    kept = next(s for s in sandbox.store.sessions.values() if s.subject == "Lease 3")
    assert kept.status == "ReadyToStart"
    assert await SessionReconciler(ei)(_record(draft_id=kept.id), set()) is None
    assert sandbox.store.sessions[kept.id].status == "Voided"


async def test_without_a_draft_id_empty_unowned_drafts_with_the_subject_go(
    ei: EasyInk, sandbox: Sandbox, pdf: bytes
) -> None:
    since = time.time()
    orphan = await _draft(ei, "Lease 4")
    owned = await _draft(ei, "Lease 4")  # another row's draft (its id is in the ledger)
    other = await _draft(ei, "Lease 5")
    busy = await _sent(ei, pdf, "Lease 4")  # not empty: not an orphan of this row
    record = _record(step="create draft", hint="Lease 4", since=since)
    assert await SessionReconciler(ei)(record, {str(owned)}) is None
    assert str(orphan) not in sandbox.store.sessions
    assert {str(owned), str(other), str(busy)} <= set(sandbox.store.sessions)


async def test_a_row_that_sent_nothing_is_sendable_and_a_blind_one_is_an_error(
    ei: EasyInk,
) -> None:
    assert await SessionReconciler(ei)(_record(step="begin"), set()) is None
    with pytest.raises(ReconcileError, match="no draft id or subject"):
        await SessionReconciler(ei)(_record(step="upload documents"), set())


async def test_a_server_that_keeps_failing_is_a_reconcile_error(
    ei: EasyInk, transport: FaultyTransport
) -> None:
    draft = await _draft(ei, "Lease 6")
    transport.fail("GET", r"/signingSessions/", "drop_before", times=100)
    with pytest.raises(ReconcileError, match="cannot read the server"):
        await SessionReconciler(ei.with_options(max_retries=0))(_record(draft_id=str(draft)), set())
