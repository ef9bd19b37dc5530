"""Multipart uploads of the generated client keep every document byte-identical.

The upstream openapi-python-client template framed every multipart body with the fixed boundary
``+++``, so a document containing ``\\r\\n--+++`` was cut short or split into extra form fields.
These tests send such documents through ``upload_draft_document`` and parse what arrives with
python-multipart, the parser the sandbox server uses.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

import httpx
import pytest
from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from easyink_client import AuthenticatedClient
from easyink_client.api.signing_session_drafts import upload_draft_document
from easyink_client.models import UploadDraftDocumentBody
from easyink_client.types import File

_BASE_URL = "http://127.0.0.1:9"
_DRAFT_ID = uuid.UUID("0b9a3f0e-8f43-4d51-9a8e-3f1f0c6a7d21")
_DOCUMENT_ID = uuid.UUID("5f0c3c1e-2a59-4c55-b0f4-8d8a4a6fbd07")
_UPSTREAM_BOUNDARY = b"+++"


@dataclass
class _Part:
    """One part of a multipart/form-data body: its raw headers and its data."""

    headers: dict[str, bytes] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)

    @property
    def disposition(self) -> tuple[bytes, dict[bytes, bytes]]:
        """The parsed Content-Disposition header (value, parameters)."""
        return parse_options_header(self.headers["content-disposition"])


def _parse_multipart(body: bytes, boundary: bytes) -> list[_Part]:
    """Split a multipart body into parts with python-multipart's streaming parser."""
    parts: list[_Part] = []
    header_field = bytearray()
    header_value = bytearray()

    def on_part_begin() -> None:
        parts.append(_Part())

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].data += data[start:end]

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        parts[-1].headers[bytes(header_field).decode("latin-1").lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
        },
    )
    # Feed in uneven chunks so that delimiters straddle chunk edges, as on a real socket.
    chunk_sizes = random.Random(len(body)).choices(range(1, 700), k=len(body))
    offset = 0
    for size in chunk_sizes:
        if offset >= len(body):
            break
        parser.write(body[offset : offset + size])
        offset += size
    parser.finalize()
    return parts


def _boundary_of(request: httpx.Request) -> bytes:
    """The boundary named by the request's multipart/form-data Content-Type header."""
    content_type, params = parse_options_header(request.headers["content-type"])
    assert content_type == b"multipart/form-data"
    return params[b"boundary"]


def _pdf_with_delimiters() -> bytes:
    """A PDF-like document whose bytes contain the upstream fixed-boundary delimiters."""
    return (
        b"%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n"
        b"1 0 obj\r\n<< /Type /Catalog >>\r\nendobj\r\n"
        b"\r\n--+++\r\n"
        b'Content-Disposition: form-data; name="fileContent"; filename="evil.pdf"\r\n\r\n'
        b"stream\r\n--+++\r\n\r\n--+++--\r\n"
        b"trailer\r\n<< /Root 1 0 R >>\r\n"
        b"\r\n--+++--"
        b"\r\n%%EOF\r\n"
    )


def _random_pdf() -> bytes:
    """A PDF header followed by 64 KiB of seeded random bytes and the delimiters once more."""
    noise = random.Random(20240611).randbytes(64 * 1024)
    return b"%PDF-1.4\n" + noise + b"\r\n--+++\r\n" + noise[:512] + b"\r\n--+++--\r\n"


_PAYLOADS = {
    "delimiters": _pdf_with_delimiters(),
    "random": _random_pdf(),
    "empty-lines": b"\r\n\r\n--\r\n--+++\r\n--++\r\n",
}


@dataclass
class _Recorder:
    """Answers every upload with a fresh document id and keeps the requests it saw."""

    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(
            200,
            content=json.dumps(str(_DOCUMENT_ID)).encode(),
            headers={"Content-Type": "application/json"},
        )


def _client(recorder: Callable[[httpx.Request], httpx.Response]) -> AuthenticatedClient:
    """A generated client whose requests go to `recorder` instead of the network."""
    return AuthenticatedClient(
        base_url=_BASE_URL,
        token="test-token",
        httpx_args={"transport": httpx.MockTransport(recorder)},
    )


def _body(payload: bytes) -> UploadDraftDocumentBody:
    """An upload body carrying `payload` as a PDF named contract.pdf."""
    return UploadDraftDocumentBody(
        file_content=File(
            payload=BytesIO(payload), file_name="contract.pdf", mime_type="application/pdf"
        )
    )


def _assert_single_file_part(request: httpx.Request, payload: bytes) -> None:
    """The request carries exactly one `fileContent` part holding exactly `payload`."""
    boundary = _boundary_of(request)
    assert boundary != _UPSTREAM_BOUNDARY
    assert b"--" + boundary not in payload
    parts = _parse_multipart(request.content, boundary)
    assert len(parts) == 1
    (part,) = parts
    disposition, params = part.disposition
    assert disposition == b"form-data"
    assert params[b"name"] == b"fileContent"
    assert params[b"filename"] == b"contract.pdf"
    assert part.headers["content-type"] == b"application/pdf"
    assert bytes(part.data) == payload


@pytest.mark.parametrize("payload", list(_PAYLOADS.values()), ids=list(_PAYLOADS))
def test_sync_upload_arrives_byte_identical(payload: bytes) -> None:
    recorder = _Recorder()
    with _client(recorder) as client:
        response = upload_draft_document.sync_detailed(
            _DRAFT_ID, client=client, body=_body(payload)
        )

    assert response.parsed == _DOCUMENT_ID
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.path == f"/api/signingSessionDrafts/{_DRAFT_ID}/documents"
    _assert_single_file_part(request, payload)


@pytest.mark.parametrize("payload", list(_PAYLOADS.values()), ids=list(_PAYLOADS))
async def test_async_upload_arrives_byte_identical(payload: bytes) -> None:
    recorder = _Recorder()
    async with _client(recorder) as client:
        document_id = await upload_draft_document.asyncio(
            _DRAFT_ID, client=client, body=_body(payload)
        )

    assert document_id == _DOCUMENT_ID
    (request,) = recorder.requests
    _assert_single_file_part(request, payload)


async def test_each_request_gets_its_own_boundary() -> None:
    recorder = _Recorder()
    payload = _PAYLOADS["delimiters"]
    async with _client(recorder) as client:
        for _ in range(2):
            await upload_draft_document.asyncio(_DRAFT_ID, client=client, body=_body(payload))

    first, second = (_boundary_of(request) for request in recorder.requests)
    assert first != second
    for request in recorder.requests:
        _assert_single_file_part(request, payload)


def test_fixed_upstream_boundary_would_corrupt_the_payload() -> None:
    """The delimiter payload really breaks a `+++`-framed body, so the tests above can fail."""
    payload = _PAYLOADS["delimiters"]
    request = httpx.Request(
        "POST",
        _BASE_URL,
        files=_body(payload).to_multipart(),
        headers={"Content-Type": "multipart/form-data; boundary=+++"},
    )
    assert _boundary_of(request) == _UPSTREAM_BOUNDARY

    parts = _parse_multipart(request.read(), _UPSTREAM_BOUNDARY)

    assert len(parts) != 1 or bytes(parts[0].data) != payload
