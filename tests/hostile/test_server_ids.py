"""Ids a server returns are checked where the SDK relies on them; inputs are checked first."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from easyink_ext import EasyInk
from easyink_ext.downloads import download
from easyink_ext.errors import InconsistentResponseError
from easyink_ext.workflow import FieldSpec, Signer, WorkflowError, send_for_signature
from easyink_sandbox import SandboxConfig, create_app, simple_pdf

from ._server import HostileServer, answer

Tamper = Callable[[httpx.Request, httpx.Response], Awaitable[httpx.Response]]
BASE = "http://sandbox.test"
_PARTICIPANTS = re.compile(r"/participants$")


class Tampering(httpx.AsyncBaseTransport):
    """The sandbox, with some answers rewritten on their way back."""

    def __init__(self, tamper: Tamper) -> None:
        self.app = create_app(SandboxConfig(processing_delay=0.0))
        self._inner = httpx.ASGITransport(app=self.app)
        self._tamper = tamper

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        await response.aread()
        return await self._tamper(request, response)


def _json(response: httpx.Response, doc: object) -> httpx.Response:
    return httpx.Response(response.status_code, json=doc, headers={"X-Tampered": "1"})


async def _send(transport: Tampering, signers: int = 2) -> None:
    token = transport.app.sandbox.issue_token()
    async with EasyInk(base_url=BASE, token=token, transport=transport) as ei:
        await send_for_signature(
            ei,
            documents=[("a.pdf", simple_pdf(["A"]))],
            signers=[Signer(f"Ann Lee{n}", email=f"ann{n}@example.com") for n in range(signers)],
            subject="Ids",
        )


async def test_the_same_participant_id_twice_is_refused() -> None:
    first: list[object] = []

    async def same_participant(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.method == "POST" and _PARTICIPANTS.search(request.url.path):
            first.append(json.loads(response.content))
            return _json(response, first[0])
        return response

    transport = Tampering(same_participant)
    with pytest.raises(WorkflowError) as caught:
        await _send(transport)
    assert caught.value.step == "add participants"
    assert isinstance(caught.value.cause, InconsistentResponseError)
    assert not any(
        r[1].endswith("/signingOrder/oneByOne") for r in transport.app.sandbox.request_log
    )


async def test_a_processed_draft_without_the_uploaded_document_is_refused() -> None:
    async def other_document(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        path = request.url.path
        if request.method == "GET" and path.count("/") == 3 and "Drafts/" in path:
            doc = json.loads(response.content)
            for document in doc.get("documents") or []:
                document["id"] = str(uuid.uuid4())
            return _json(response, doc)
        return response

    with pytest.raises(WorkflowError) as caught:
        await _send(Tampering(other_document), signers=1)
    assert caught.value.step == "wait for processing"
    assert isinstance(caught.value.cause, InconsistentResponseError)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (FieldSpec(page=1, x=math.nan, y=10), "finite"),
        (FieldSpec(page=1, x=10, y=math.inf), "finite"),
    ],
)
async def test_non_finite_fields_are_refused_before_any_request(
    field: FieldSpec, message: str
) -> None:
    transport = httpx.MockTransport(lambda r: pytest.fail("no request expected"))
    async with EasyInk(base_url=BASE, token="t", transport=transport) as ei:
        with pytest.raises(ValueError, match=message):
            await send_for_signature(
                ei,
                documents=[("a.pdf", simple_pdf(["A"]))],
                signers=[Signer("Ann Lee", email="ann@example.com")],
                subject="S",
                fields=[field],
            )


@pytest.mark.parametrize(
    ("subject", "name"),
    [("NUL\x00", "Ann Lee"), ("ok", "Ann\x1b[8m Lee"), ("\u202eevil", "Ann Lee")],
)
async def test_control_characters_are_refused_before_any_request(subject: str, name: str) -> None:
    transport = httpx.MockTransport(lambda r: pytest.fail("no request expected"))
    async with EasyInk(base_url=BASE, token="t", transport=transport) as ei:
        with pytest.raises(ValueError, match="control characters"):
            await send_for_signature(
                ei,
                documents=[("a.pdf", simple_pdf(["A"]))],
                signers=[Signer(name, email="ann@example.com")],
                subject=subject,
            )


async def test_download_names_are_short_and_server_file_names_sanitised(
    hostile: HostileServer, tmp_path: Path
) -> None:
    headers = {
        "Content-Type": "application/pdf",
        "Content-Disposition": 'attachment; filename="../../etc/\x1b[31mx.pdf"',
    }
    hostile.behave(answer(200, b"%PDF-1.4 tiny", headers))
    dest = tmp_path / ("L" * 250 + ".pdf")
    async with EasyInk(base_url=hostile.url, token="t") as ei:
        result = await download(ei, "/api/anything", dest)
    assert dest.read_bytes() == b"%PDF-1.4 tiny"
    assert result.filename == "[31mx.pdf"


async def test_a_draft_answered_with_another_drafts_id_is_refused() -> None:
    other = str(uuid.uuid4())

    async def other_draft(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        path = request.url.path
        if request.method == "GET" and path.count("/") == 3 and "Drafts/" in path:
            doc = json.loads(response.content)
            doc["signingSessionId"] = other
            return _json(response, doc)
        return response

    transport = Tampering(other_draft)
    with pytest.raises(WorkflowError) as caught:
        await _send(transport, signers=1)
    cause = caught.value.cause
    assert isinstance(cause, InconsistentResponseError)
    asked = str(caught.value.draft_id)
    assert asked != other and asked in str(cause) and cause.operation == "getDraft"


async def test_waiters_refuse_a_session_answered_with_another_id() -> None:
    from easyink_ext.waiters import wait_for_session

    transport = Tampering(_renamed_session)
    token = transport.app.sandbox.issue_token()
    asked = uuid.uuid4()
    async with EasyInk(base_url=BASE, token=token, transport=transport) as ei:
        with pytest.raises(InconsistentResponseError, match=str(asked)):
            await wait_for_session(ei, asked, until=["Finished"], timeout=5)


async def _renamed_session(request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """Any getSession answers with a made-up session about another id."""
    if request.method == "GET" and request.url.path.startswith("/api/signingSessions/"):
        view = {"signingSessionId": str(uuid.uuid4()), "status": "Pending"}
        return httpx.Response(200, json=view)
    return response
