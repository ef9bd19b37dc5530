"""Outcome-unknown failures are reconciled by reading the draft back, never by blind repeats."""

from __future__ import annotations

import anyio
import pytest

from easyink_client.api.signing_session_drafts import create_draft, upload_draft_document
from easyink_client.models.create_draft_request import CreateDraftRequest
from easyink_client.models.upload_draft_document_body import UploadDraftDocumentBody
from easyink_client.types import File
from easyink_ext import EasyInk
from easyink_ext.workflow import SentSession, Signer, WorkflowError, send_for_signature
from easyink_sandbox import Sandbox

from .conftest import BASE, FaultyTransport, Mode, statuses

SIGNERS = [Signer("Ada Lovelace", "ada@example.com"), Signer("Alan Turing", "alan@example.com")]

_STEPS = {
    "createDraft": ("POST", r"/api/signingSessionDrafts$"),
    "uploadDraftDocument": ("POST", r"/documents$"),
    "addDraftParticipant": ("POST", r"/participants$"),
    "addDraftSignatureField": ("POST", r"/signatureFields$"),
    "convertDraft": ("POST", r"/convert$"),
    "startSession": ("POST", r"/start$"),
}


async def _send(ei: EasyInk, pdf: bytes, subject: str = "Ambiguous") -> SentSession:
    return await send_for_signature(
        ei, documents=[("Contract.pdf", pdf)], signers=SIGNERS, subject=subject, recheck_delay=0.01
    )


def _posts(transport: FaultyTransport, path_end: str) -> int:
    return sum(1 for m, p in transport.requests if m == "POST" and p.endswith(path_end))


@pytest.mark.parametrize("mode", ["drop_after", "drop_before"])
@pytest.mark.parametrize("operation", sorted(_STEPS))
async def test_ambiguous_post_is_reconciled(  # noqa: PLR0917 - pytest fixtures
    ei: EasyInk,
    sandbox: Sandbox,
    transport: FaultyTransport,
    pdf: bytes,
    operation: str,
    mode: Mode,
) -> None:
    method, path = _STEPS[operation]
    rule = transport.fail(method, path, mode)
    sent = await _send(ei, pdf)
    assert rule.hits == 1
    assert statuses(sandbox) == ["Pending"]
    session = sandbox.store.sessions[str(sent.session_id)]
    assert len(session.documents) == 1
    assert len(session.participants) == 2
    assert len(session.fields) == 2
    assert [p.email for p in session.participants.values()] == [s.email for s in SIGNERS]


async def test_create_draft_taking_effect_is_not_repeated(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    transport.fail("POST", r"/api/signingSessionDrafts$", "drop_after")
    await _send(ei, pdf)
    assert _posts(transport, "/api/signingSessionDrafts") == 1
    assert any(m == "GET" and p == "/api/signingSessions" for m, p in transport.requests)


async def test_create_draft_without_effect_is_sent_again(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    transport.fail("POST", r"/api/signingSessionDrafts$", "drop_before")
    await _send(ei, pdf)
    assert _posts(transport, "/api/signingSessionDrafts") == 2
    assert len(sandbox.store.sessions) == 1


async def test_participant_taking_effect_is_not_added_twice(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    transport.fail("POST", r"/participants$", "drop_after")
    sent = await _send(ei, pdf)
    assert _posts(transport, "/participants") == 2  # one per signer, none repeated
    assert len(sandbox.store.sessions[str(sent.session_id)].participants) == 2


async def test_non_empty_draft_with_same_subject_is_not_claimed(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    other = await create_draft.asyncio(client=ei.client, body=CreateDraftRequest(subject="Same"))
    body = UploadDraftDocumentBody(file_content=File(payload=__import__("io").BytesIO(pdf)))
    await upload_draft_document.asyncio(other, client=ei.client, body=body)  # type: ignore[arg-type]
    transport.fail("POST", r"/api/signingSessionDrafts$", "drop_before")
    sent = await _send(ei, pdf, subject="Same")
    assert sent.session_id != other
    assert statuses(sandbox) == ["Draft", "Pending"]
    assert len(sandbox.store.sessions[str(other)].documents) == 1


async def test_concurrent_same_subject_workflows_each_get_their_own_draft(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    transport.fail("POST", r"/api/signingSessionDrafts$", "drop_after", times=3)
    transport.fail("POST", r"/api/signingSessionDrafts$", "drop_before", times=2)
    results: list[SentSession] = []

    async def one() -> None:
        results.append(await _send(ei, pdf, subject="Shared subject"))

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(one)
    assert len({r.session_id for r in results}) == 8
    assert statuses(sandbox) == ["Pending"] * 8
    for session in sandbox.store.sessions.values():
        assert len(session.documents) == 1 and len(session.participants) == 2


async def test_repeated_ambiguity_gives_up_and_cleans_up(
    ei: EasyInk, sandbox: Sandbox, transport: FaultyTransport, pdf: bytes
) -> None:
    transport.fail("POST", r"/convert$", "drop_before", times=100)
    with pytest.raises(WorkflowError) as caught:
        await _send(ei, pdf)
    assert caught.value.step == "convert"
    assert caught.value.cleanup == "deleted"
    assert statuses(sandbox) == []


async def test_claims_belong_to_one_client_and_its_views_not_to_a_shared_budget() -> None:
    import httpx

    from easyink_ext import RetryBudget
    from easyink_ext.workflow import _claims_for

    budget = RetryBudget()
    transport = httpx.MockTransport(lambda request: httpx.Response(404))
    async with (
        EasyInk(base_url="http://a.test", token="t", retry_budget=budget, transport=transport) as a,
        EasyInk(base_url="http://b.test", token="t", retry_budget=budget, transport=transport) as b,
    ):
        assert _claims_for(a) is not _claims_for(b)
        assert _claims_for(a.with_options(timeout=5)) is _claims_for(a)


@pytest.mark.parametrize(("max_retries", "sends"), [(0, 1), (1, 2)])
async def test_a_post_proven_without_effect_is_resent_only_as_a_retry_of_the_client(
    sandbox: Sandbox, transport: FaultyTransport, pdf: bytes, max_retries: int, sends: int
) -> None:
    """The re-send after a read-back counts against max_retries, like the transport's retries."""
    transport.fail("POST", r"/api/signingSessionDrafts$", "unavailable", times=5)
    async with EasyInk(
        base_url=BASE,
        token=sandbox.issue_token(),
        transport=transport,
        backoff_base=0.0,
        max_retries=max_retries,
    ) as ei:
        with pytest.raises(WorkflowError) as caught:
            await _send(ei, pdf)
    assert caught.value.step == "create draft"
    assert _posts(transport, "/signingSessionDrafts") == sends
    assert statuses(sandbox) == []


def test_claims_expire_after_an_hour_in_claim_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from uuid import uuid4

    from easyink_ext.workflow import _claims

    now = [1000.0]
    monkeypatch.setattr(_claims.time, "monotonic", lambda: now[0])
    claims = _claims.DraftClaims()
    early = [uuid4() for _ in range(3000)]
    assert all(claims.claim(d) for d in early)  # more than any batch window: all kept
    now[0] += 1800
    late = uuid4()
    assert claims.claim(late)
    assert not claims.claim(early[0]) and not claims.claim(late)  # claimed: never twice
    assert all(claims.is_claimed(d) for d in early)
    now[0] += 1800  # the early claims are an hour old now, the late one half an hour
    assert claims.claim(uuid4())
    assert not any(claims.is_claimed(d) for d in early)
    assert claims.is_claimed(late) and len(claims._claimed) == 2
