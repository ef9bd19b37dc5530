"""Range/ETag downloads and the generated large PDF."""

from __future__ import annotations

import hashlib
import io

import httpx
from pypdf import PdfReader

from easyink_sandbox import Sandbox
from easyink_sandbox._downloads import LargePdfBlob

from .conftest import Drafts


async def test_range_requests(client: httpx.AsyncClient, drafts: Drafts) -> None:
    sid = await drafts.create()
    did = await drafts.upload(sid)
    url = f"/api/signingSessionDrafts/{sid}/documents/{did}"
    full = await client.get(url)
    data = full.content
    assert full.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["content-length"] == str(len(data))
    assert full.headers["content-disposition"] == 'attachment; filename="contract.pdf"'
    r = await client.get(url, headers={"Range": "bytes=10-19"})
    assert r.status_code == 206 and r.content == data[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{len(data)}"
    r = await client.get(url, headers={"Range": "bytes=100-"})
    assert r.status_code == 206 and r.content == data[100:]
    r = await client.get(url, headers={"Range": "bytes=-7"})
    assert r.status_code == 206 and r.content == data[-7:]
    r = await client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(data)}"
    r = await client.get(url, headers={"Range": "bytes=5-9", "If-Range": full.headers["etag"]})
    assert r.status_code == 206 and r.content == data[5:10]
    assert r.headers["content-range"] == f"bytes 5-9/{len(data)}"
    assert r.headers["etag"] == full.headers["etag"]
    r = await client.get(url, headers={"Range": "bytes=5-9", "If-Range": '"stale"'})
    assert r.status_code == 200 and r.content == data


def test_large_blob_is_a_pdf_and_sliceable() -> None:
    blob = LargePdfBlob(300_000)
    data = b"".join(blob.iter_range(0, blob.size))
    assert len(data) == 300_000
    reader = PdfReader(io.BytesIO(data))
    assert "EasyInk sandbox large document" in reader.pages[0].extract_text()
    for start, end in ((0, 10), (4000, 9000), (123_456, 300_000), (299_990, 300_000)):
        assert b"".join(blob.iter_range(start, end)) == data[start:end]
    assert blob.etag == LargePdfBlob(300_000).etag != LargePdfBlob(300_001).etag


async def test_large_document_download(
    client: httpx.AsyncClient, sandbox: Sandbox, drafts: Drafts
) -> None:
    sid = await drafts.create()
    size = 5 * 1024 * 1024 + 17
    did = sandbox.add_large_document(sid, size)
    async with client.stream("GET", f"/api/signingSessions/{sid}/documents/{did}") as r:
        assert r.status_code == 200 and r.headers["content-length"] == str(size)
        total = 0
        async for chunk in r.aiter_bytes():
            total += len(chunk)
    assert total == size
    tail = await client.get(
        f"/api/signingSessions/{sid}/documents/{did}", headers={"Range": "bytes=-6"}
    )
    assert tail.content == b"%%EOF\n"
    sid2, _, (pid,) = await drafts.started()
    signed = sandbox.add_large_signed_document(sid2, pid, 100_000)
    r = await client.get(
        f"/api/signingSessions/{sid2}/signedDocuments/{signed}", headers={"Range": "bytes=0-4"}
    )
    assert r.status_code == 206 and r.content == b"%PDF-"
