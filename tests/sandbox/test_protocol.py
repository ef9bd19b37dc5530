"""HTTP details the spec and the sandbox agree on: HEAD bodies, 405 ``Allow``, required reasons."""

from __future__ import annotations

import httpx
import pytest

from easyink_client import AuthenticatedClient
from easyink_client.api.signing_session_drafts import draft_exists
from easyink_client.api.signing_sessions import session_exists
from easyink_sandbox import Sandbox, SandboxApp
from easyink_sandbox._errors import VOID_REASON_REQUIRED

from .conftest import BASE, Drafts, error_of


@pytest.mark.parametrize("operation", [draft_exists, session_exists])
async def test_a_plain_generated_client_reads_a_head_400_without_a_body(
    app: SandboxApp, sandbox: Sandbox, operation: object
) -> None:
    client = AuthenticatedClient(base_url=BASE, token=sandbox.issue_token())
    client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url=BASE,
            transport=httpx.ASGITransport(app=app),
            headers={"Authorization": f"Bearer {sandbox.issue_token()}"},
        )
    )
    async with client:
        response = await operation.asyncio_detailed("not-a-uuid", client=client)  # type: ignore[attr-defined]
    assert response.status_code == 400
    assert response.content == b"" and response.parsed is None


async def test_trace_is_refused_with_the_allowed_methods(client: httpx.AsyncClient) -> None:
    draft = await client.request("TRACE", "/api/signingSessionDrafts")
    assert draft.status_code == 405
    assert draft.headers["Allow"] == "POST"
    token = await client.request("TRACE", "/connect/token")
    assert token.status_code == 405
    assert "POST" in token.headers["Allow"]


@pytest.mark.parametrize("body", [{}, {"reason": None}, {"reason": ""}])
async def test_voiding_needs_a_reason(
    client: httpx.AsyncClient, drafts: Drafts, body: dict[str, object]
) -> None:
    sid, _, _ = await drafts.started()
    response = await client.post(f"/api/signingSessions/{sid}/voided", json=body)
    assert response.status_code == 400
    assert error_of(response)["message"] == VOID_REASON_REQUIRED
    recreate = await client.post(f"/api/signingSessions/{sid}/recreate", json={"subject": "x"})
    assert recreate.status_code == 400
    assert error_of(recreate)["message"] == VOID_REASON_REQUIRED


async def test_a_signing_order_lists_each_participant_once(
    client: httpx.AsyncClient, drafts: Drafts
) -> None:
    sid, _, pids = await drafts.ready(signers=2)
    response = await client.put(
        f"/api/signingSessionDrafts/{sid}/signingOrder/oneByOne",
        json={"participantsOrder": [pids[0], pids[0], pids[1]]},
    )
    assert response.status_code == 400


async def test_a_client_gone_before_its_body_arrived_is_no_error_of_the_sandbox(
    app: SandboxApp, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """An interrupted client (Ctrl-C, a cancelled call) disconnects mid-request: no answer is
    sent, nothing is created, and no "unhandled error" is logged."""
    token = sandbox.issue_token()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/signingSessionDrafts",
        "raw_path": b"/api/signingSessionDrafts",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"sandbox"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", b"100"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("sandbox", 80),
    }
    messages = [
        {"type": "http.request", "body": b'{"subject": "half', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    with caplog.at_level("DEBUG", logger="easyink_sandbox"):
        await app(scope, receive, send)  # type: ignore[arg-type]
    assert sent == []
    assert [r for r in caplog.records if r.levelno >= 30] == []
    assert "client disconnected during POST /api/signingSessionDrafts" in caplog.text
    assert sandbox.store.sessions == {}
    assert [(r.path, r.status) for r in sandbox.request_log] == [
        ("/api/signingSessionDrafts", None)
    ]
