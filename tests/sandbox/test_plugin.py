"""The pytest plugin's fixtures in this suite (easyink_sandbox/testing): settings, participants,
faults, the account's request log and isolation. tests/sandbox/test_plugin_projects.py runs
them as a user's project does."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from easyink_client.api.signing_session_drafts import get_draft
from easyink_client.models.signing_configuration import SigningConfiguration
from easyink_ext import EasyInk
from easyink_ext.pagination import iter_sessions
from easyink_ext.workflow import Signer, send_for_signature
from easyink_sandbox import Sandbox
from easyink_sandbox.testing import ApiRequest, EasyInkSandbox, plugin
from easyink_sandbox.testing._sandbox import SessionSandbox

from .._sandbox_flow import new_draft, upload

pytestmark = pytest.mark.integration


@pytest.fixture
def http(easyink_sandbox: EasyInkSandbox) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {easyink_sandbox.token}"}
    with httpx.Client(base_url=easyink_sandbox.url, headers=headers) as client:
        yield client


async def _document_statuses(ei: EasyInk, draft: Any) -> list[str]:
    config = await get_draft.asyncio(draft, client=ei.client)
    assert isinstance(config, SigningConfiguration) and isinstance(config.documents, list)
    return [str(d.status) for d in config.documents]


async def _sent(ei: EasyInk, sandbox: EasyInkSandbox, *, sequential: bool) -> tuple[str, list[str]]:
    sent = await send_for_signature(
        ei,
        documents=[("deal.pdf", sandbox.sample_pdf())],
        signers=[Signer("Ann Lee", email="ann@x.example"), Signer("Bo Ray", email="bo@x.example")],
        subject="Deal",
        sequential=sequential,
    )
    return str(sent.session_id), [str(p) for p in sent.participant_ids]


def _session(sandbox: EasyInkSandbox, session_id: str) -> tuple[str, list[str], list[str]]:
    """``(status, participant statuses in order of addition, audit-trail texts)``."""

    def read(state: Sandbox) -> tuple[str, list[str], list[str]]:
        session = state.store.sessions[session_id]
        people = [p.status for p in session.participants.values()]
        return session.status, people, [e.text for e in session.events]

    return sandbox.call(read)


@pytest.mark.easyink_sandbox(processing_delay=3600.0)
async def test_a_marker_sets_the_processing_delay_and_finish_processing_ends_it(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    draft = await new_draft(easyink)
    await upload(easyink, draft)
    assert await _document_statuses(easyink, draft) == ["Processing"]
    easyink_sandbox.finish_processing()
    assert await _document_statuses(easyink, draft) == ["ProcessingReady"]


@pytest.mark.easyink_sandbox(token_ttl=60.0)
def test_tokens_expire_as_the_clock_advances(
    easyink_sandbox: EasyInkSandbox, http: httpx.Client
) -> None:
    assert http.get("/api/signingSessions").status_code == 200
    easyink_sandbox.advance_time(61)
    assert http.get("/api/signingSessions").status_code == 401
    fresh = {"Authorization": f"Bearer {easyink_sandbox.new_token()}"}
    assert http.get("/api/signingSessions", headers=fresh).status_code == 200
    # The expired token still names this account: its 401 is in the log.
    assert [r.status for r in easyink_sandbox.requests] == [200, 401, 200]
    with pytest.raises(ValueError, match="forward"):
        easyink_sandbox.advance_time(-1)


@pytest.mark.parametrize("easyink_sandbox", [{"code_ttl": 5.0}], indirect=True)
def test_settings_as_an_indirect_parameter(easyink_sandbox: EasyInkSandbox) -> None:
    assert easyink_sandbox.call(lambda state: state.config.code_ttl) == 5.0


def test_settings_and_faults_are_restored_and_unknown_settings_refused(
    _easyink_session_sandbox: SessionSandbox,
) -> None:
    def delay(sandbox: EasyInkSandbox) -> float:
        return sandbox.call(lambda state: state.config.processing_delay)

    with _easyink_session_sandbox.account({"processing_delay": 7.0}) as sandbox:
        assert delay(sandbox) == 7.0
    with _easyink_session_sandbox.account({}) as sandbox:
        assert delay(sandbox) == 0.0
        sandbox.call(lambda state: setattr(state.faults, "latency_ms", 5.0))  # not through faults()
    with _easyink_session_sandbox.account({}) as sandbox:
        assert sandbox.call(lambda state: state.faults.latency_ms) == 0.0
    with (
        pytest.raises(TypeError, match="unknown sandbox settings"),
        _easyink_session_sandbox.account({"processing_dely": 7.0}),
    ):
        pass


def test_each_account_sees_only_its_own_sessions_and_requests(
    easyink_sandbox: EasyInkSandbox, http: httpx.Client, _easyink_session_sandbox: SessionSandbox
) -> None:
    draft = http.post("/api/signingSessionDrafts", json={"subject": "Mine"}).json()
    with _easyink_session_sandbox.account({}) as other:
        assert other.token != easyink_sandbox.token and other.user != easyink_sandbox.user
        headers = {"Authorization": f"Bearer {other.token}"}
        assert http.get(f"/api/signingSessionDrafts/{draft}", headers=headers).status_code == 404
        found = http.get("/api/signingSessions", headers=headers).json()
        assert found["totalItemsCount"] == 0, found
        with pytest.raises(ValueError, match="not found"):
            other.sign(draft)
        assert [r.status for r in other.requests] == [404, 200]
    assert easyink_sandbox.requests == [
        ApiRequest("POST", "/api/signingSessionDrafts", "createDraft", 200)
    ]


async def test_sign_without_a_participant_signs_everyone_in_order(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    session, people = await _sent(easyink, easyink_sandbox, sequential=True)
    with pytest.raises(ValueError, match="turn"):
        easyink_sandbox.sign(session, people[1])  # one by one: not the second signer's turn
    easyink_sandbox.sign(session)
    status, statuses, events = _session(easyink_sandbox, session)
    assert (status, statuses) == ("Finished", ["Signed", "Signed"])
    signed = [e for e in events if e.endswith(" signed")]
    assert signed == ["Ann Lee signed", "Bo Ray signed"]
    with pytest.raises(ValueError, match="left to sign"):
        easyink_sandbox.sign(session)


async def test_open_and_decline_act_for_whoever_has_the_turn(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    session, people = await _sent(easyink, easyink_sandbox, sequential=True)
    easyink_sandbox.open(session)
    assert _session(easyink_sandbox, session)[1] == ["Opened", "Waiting"]
    easyink_sandbox.decline(session, reason="Wrong company name")
    status, statuses, events = _session(easyink_sandbox, session)
    assert (status, statuses) == ("Declined", ["Declined", "Waiting"])
    assert "Ann Lee declined to sign: Wrong company name" in events
    with pytest.raises(ValueError, match="Declined status"):
        easyink_sandbox.open(session, people[1])


async def test_sign_and_open_one_participant(
    easyink: EasyInk, easyink_sandbox: EasyInkSandbox
) -> None:
    session, people = await _sent(easyink, easyink_sandbox, sequential=False)
    easyink_sandbox.open(session, people[1])
    easyink_sandbox.sign(session, people[0])
    assert _session(easyink_sandbox, session)[:2] == ("InProgress", ["Signed", "Opened"])
    easyink_sandbox.sign(session)
    assert _session(easyink_sandbox, session)[0] == "Finished"


def test_faults_are_restored_when_the_block_raises(
    easyink_sandbox: EasyInkSandbox, http: httpx.Client
) -> None:
    def fail_rate() -> float:
        return easyink_sandbox.call(lambda state: state.faults.fail_rate)

    with pytest.raises(RuntimeError), easyink_sandbox.faults(fail_rate=1.0) as faults:
        assert faults.fail_rate == fail_rate() == 1.0
        raise RuntimeError
    assert fail_rate() == 0.0
    with pytest.raises(TypeError), easyink_sandbox.faults(fail_rat=1.0):
        pass


def test_a_dropped_connection_is_logged_without_a_status(
    easyink_sandbox: EasyInkSandbox, http: httpx.Client
) -> None:
    with easyink_sandbox.faults(drop_rate=1.0), pytest.raises(httpx.RemoteProtocolError):
        http.get("/api/signingSessions")
    draft = http.post("/api/signingSessionDrafts", json={"subject": "HEAD"}).json()
    assert http.head(f"/api/signingSessionDrafts/{draft}").status_code == 200
    assert http.post(f"/sandbox/signingSessions/{draft}/expire").status_code == 400
    assert easyink_sandbox.requests == [  # the sandbox-only route is not an /api request
        ApiRequest("GET", "/api/signingSessions", "searchSessions", None),
        ApiRequest("POST", "/api/signingSessionDrafts", "createDraft", 200),
        ApiRequest("HEAD", f"/api/signingSessionDrafts/{draft}", "draftExists", 200),
    ]


def test_sample_pdf_has_the_pages_asked_for() -> None:
    reader = PdfReader(io.BytesIO(EasyInkSandbox.sample_pdf(pages=3)))
    assert len(reader.pages) == 3
    assert float(reader.pages[0].mediabox.width) == 612
    with pytest.raises(ValueError, match="at least 1"):
        EasyInkSandbox.sample_pdf(pages=0)


def test_the_sandbox_shows_what_code_under_test_needs(easyink_sandbox: EasyInkSandbox) -> None:
    assert easyink_sandbox.url.startswith("http://127.0.0.1:")
    assert easyink_sandbox.user.startswith("pytest-")
    assert (easyink_sandbox.client_id, easyink_sandbox.client_secret) == (
        "easyink-sandbox",
        "sandbox-secret",
    )
    assert easyink_sandbox.token not in repr(easyink_sandbox)


@pytest.mark.asyncio(loop_scope="module")
async def test_the_client_opens_in_the_loop_of_a_module_scoped_test(easyink: EasyInk) -> None:
    # pytest-asyncio sets the fixture up in the loop its ``_loop_scope`` names.
    assert plugin._easyink_in_asyncio._loop_scope == "module"  # type: ignore[attr-defined]
    assert [item async for item in iter_sessions(easyink.client)] == []


async def test_the_client_opens_in_the_loop_of_a_function_scoped_test(easyink: EasyInk) -> None:
    assert plugin._easyink_in_asyncio._loop_scope == "function"  # type: ignore[attr-defined]
    assert [item async for item in iter_sessions(easyink.client)] == []
