"""Fixtures of the sandbox tests: clients of the in-process app (tests/conftest.py), drafts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from easyink_sandbox import Sandbox, SandboxApp, simple_pdf

from ..conftest import SANDBOX_URL

BASE = SANDBOX_URL


def make_client(app: SandboxApp, token: str | None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE, headers=headers)


@pytest.fixture
async def client(app: SandboxApp, sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, sandbox.issue_token()) as c:
        yield c
    assert sandbox.response_violations == []


@pytest.fixture
async def anon(app: SandboxApp) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, None) as c:
        yield c


PLACEMENT = {"page": 1, "positionX": 100, "positionY": 200, "sizeX": 200, "sizeY": 50}


def field_body(participant_id: str | None, document_id: str, **overrides: Any) -> dict[str, Any]:
    field: dict[str, Any] = {
        "type": "Signature",
        "placement": dict(PLACEMENT),
        "options": {"isRequired": True, "forType": "Signature"},
    }
    field.update(overrides)
    return {"participantId": participant_id, "documentId": document_id, "field": field}


def person(first: str = "John", last: str = "Smith", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "firstName": first,
        "lastName": last,
        "email": f"{first.lower()}.{last.lower()}@example.com",
        "deliveryMethods": ["Email"],
    }
    body.update(extra)
    return body


class Drafts:
    """Small helpers building drafts through the API."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.c = client

    async def create(self, subject: str = "Agreement") -> str:
        r = await self.c.post("/api/signingSessionDrafts", json={"subject": subject})
        assert r.status_code == 200, r.text
        return str(r.json())

    async def upload(self, sid: str, pdf: bytes | None = None, name: str = "contract.pdf") -> str:
        data = pdf if pdf is not None else simple_pdf(["Contract"])
        r = await self.c.post(
            f"/api/signingSessionDrafts/{sid}/documents",
            files={"fileContent": (name, data, "application/pdf")},
        )
        assert r.status_code == 200, r.text
        return str(r.json())

    async def participant(self, sid: str, **kwargs: Any) -> str:
        r = await self.c.post(
            f"/api/signingSessionDrafts/{sid}/participants", json=person(**kwargs)
        )
        assert r.status_code == 200, r.text
        return str(r.json())

    async def field(self, sid: str, pid: str | None, did: str, **overrides: Any) -> str:
        r = await self.c.post(
            f"/api/signingSessionDrafts/{sid}/signatureFields",
            json=field_body(pid, did, **overrides),
        )
        assert r.status_code == 200, r.text
        return str(r.json())

    async def ready(self, signers: int = 1) -> tuple[str, str, list[str]]:
        """A configured draft: ``(session id, document id, participant ids)``."""
        sid = await self.create()
        did = await self.upload(sid)
        pids = []
        for n in range(signers):
            pid = await self.participant(sid, first=f"Signer{n}", last="Person")
            await self.field(sid, pid, did)
            pids.append(pid)
        return sid, did, pids

    async def started(self, signers: int = 1) -> tuple[str, str, list[str]]:
        sid, did, pids = await self.ready(signers)
        assert (await self.c.post(f"/api/signingSessionDrafts/{sid}/convert")).status_code == 200
        assert (await self.c.post(f"/api/signingSessions/{sid}/start")).status_code == 200
        return sid, did, pids


@pytest.fixture
def drafts(client: httpx.AsyncClient) -> Drafts:
    return Drafts(client)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    return error
