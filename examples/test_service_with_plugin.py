"""Testing the FastAPI service of ``service.py`` with the sandbox's pytest plugin.

The ``sandbox`` extra registers the plugin with pytest: no conftest, no ``-p`` flag. Each test
gets its own sandbox account (``easyink_sandbox``) on a server started once per test session,
and an SDK client on it (``easyink``)::

    pip install 'easyink[sandbox]' fastapi pytest pytest-asyncio
    pytest test_service_with_plugin.py
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from service import create_app

from easyink_client.api.signing_sessions import get_session
from easyink_client.models.signing_view import SigningView
from easyink_ext import EasyInk
from easyink_sandbox.testing import EasyInkSandbox


@pytest.fixture
async def service(easyink_sandbox: EasyInkSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The service, configured like in production but with the sandbox's URL and token."""
    app = create_app(base_url=easyink_sandbox.url, token=easyink_sandbox.token)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service.test"
        ) as client,
    ):
        yield client


def contract(sandbox: EasyInkSandbox) -> dict[str, object]:
    return {
        "subject": "Lease 12",
        "document_base64": base64.b64encode(sandbox.sample_pdf()).decode(),
        "signers": [
            {"name": "Ann Lee", "email": "ann@example.com"},
            {"name": "Bo Ray", "email": "bo@example.com"},
        ],
    }


@pytest.mark.asyncio
async def test_a_posted_contract_is_sent_and_can_be_signed(
    service: httpx.AsyncClient, easyink_sandbox: EasyInkSandbox, easyink: EasyInk
) -> None:
    created = await service.post("/contracts", json=contract(easyink_sandbox))
    assert created.status_code == 201, created.text
    contract_id = created.json()["id"]

    # What the service sent, as the sandbox received it.
    sent = [r.operation_id for r in easyink_sandbox.requests]
    assert sent[0] == "createDraft" and sent[-1] == "startSession"
    assert all(r.status == 200 for r in easyink_sandbox.requests)

    # Both signers sign in the signing portal; the service reads the new status.
    easyink_sandbox.sign(contract_id)
    read = await service.get(f"/contracts/{contract_id}")
    assert read.json()["status"] == "Finished"

    # The test checks the session itself with the SDK.
    view = await get_session.asyncio(contract_id, client=easyink.client)
    assert isinstance(view, SigningView) and isinstance(view.participants, list)
    assert sorted(str(p.email) for p in view.participants) == ["ann@example.com", "bo@example.com"]


@pytest.mark.asyncio
async def test_the_service_answers_502_when_easyink_fails(
    service: httpx.AsyncClient, easyink_sandbox: EasyInkSandbox
) -> None:
    # Every request fails with 503 in this block (retry_after=0: the client retries at once).
    with easyink_sandbox.faults(fail_rate=1.0, fail_statuses=(503,), retry_after=0):
        answer = await service.post("/contracts", json=contract(easyink_sandbox))
    assert answer.status_code == 502
    assert answer.json()["detail"]["error"] == "OutcomeUnknownServerError"
