"""Streaming downloads against a mock server: resume, restart, verification, errors."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from easyink_ext._retry import RetryBudget
from easyink_ext.downloads import (
    DownloadError,
    download,
    download_all_in_one_document,
    download_draft_attachment,
    download_draft_document,
    download_session_attachment,
    download_session_document,
    download_signed_document,
)
from easyink_ext.errors import APIConnectionError, NotFoundError

from ..conftest import DOC_ID, DRAFT_ID, SESSION_ID, mock_client

PATH = f"/api/signingSessions/{SESSION_ID}/allInOneDocument"
DATA = bytes(range(256)) * 1000  # 256 000 bytes
DISPOSITION = "attachment; filename=\"signed.pdf\"; filename*=UTF-8''sign%C3%A9.pdf"


class _CutStream(httpx.AsyncByteStream):
    """Yields ``data`` in pieces, then fails like a dropped connection after ``cut`` bytes."""

    def __init__(self, data: bytes, cut: int | None, piece: int = 10_000) -> None:
        self._data, self._cut, self._piece = data, cut, piece

    async def __aiter__(self) -> AsyncIterator[bytes]:
        limit = len(self._data) if self._cut is None else self._cut
        for start in range(0, limit, self._piece):
            yield self._data[start : min(limit, start + self._piece)]
        if self._cut is not None:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


class FileServer:
    """Serves ``data`` with ETag/Range/If-Range; cuts the first bodies after ``cuts`` bytes."""

    def __init__(
        self,
        data: bytes = DATA,
        *,
        cuts: list[int] | None = None,
        etag: str | None = '"v1"',
        accept_ranges: bool = True,
        short_bodies: list[int] | None = None,
    ) -> None:
        self.data = data
        self.etag = etag
        self.cuts = list(cuts or [])
        self.short_bodies = list(short_bodies or [])
        self.accept_ranges = accept_ranges
        self.requests: list[httpx.Request] = []
        self.override: list[httpx.Response] = []

    def headers(self) -> dict[str, str]:
        headers = {
            "Content-Type": "application/pdf",
            "Content-Disposition": DISPOSITION,
        }
        if self.etag is not None:
            headers["ETag"] = self.etag
        if self.accept_ranges:
            headers["Accept-Ranges"] = "bytes"
        return headers

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.override:
            return self.override.pop(0)
        headers = self.headers()
        start, status = 0, 200
        range_header = request.headers.get("range")
        if_range = request.headers.get("if-range")
        if range_header and self.accept_ranges and (if_range is None or if_range == self.etag):
            start = int(range_header.removeprefix("bytes=").rstrip("-"))
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(self.data) - 1}/{len(self.data)}"
        body = self.data[start:]
        headers["Content-Length"] = str(len(body))
        if self.short_bodies:
            body = body[: self.short_bodies.pop(0)]  # ends early without an error
            return httpx.Response(status, headers=headers, stream=_CutStream(body, None))
        cut = self.cuts.pop(0) if self.cuts else None
        return httpx.Response(status, headers=headers, stream=_CutStream(body, cut))


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def _entries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


async def test_plain_download_to_a_path(tmp_path: Path) -> None:
    server = FileServer()
    dest = tmp_path / "out.pdf"
    async with mock_client(server) as ei:
        result = await download(ei, PATH, dest, backoff=0)
    assert dest.read_bytes() == DATA
    assert result.path == dest
    assert result.bytes_written == len(DATA)
    assert (result.resumed, result.restarted) == (0, 0)
    assert result.etag == '"v1"'
    assert result.content_type == "application/pdf"
    assert result.filename == "signé.pdf"  # filename* preferred
    assert _leftovers(tmp_path) == []
    assert server.requests[0].headers["accept-encoding"] == "identity"
    assert "range" not in server.requests[0].headers
    assert server.requests[0].headers["authorization"].startswith("Bearer ")


async def test_dropped_body_resumes_with_range_and_if_range(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000, 50_000])
    dest = tmp_path / "out.pdf"
    async with mock_client(server) as ei:
        result = await download(ei, PATH, str(dest), backoff=0)
    assert dest.read_bytes() == DATA
    assert (result.resumed, result.restarted) == (2, 0)
    assert [r.headers.get("range") for r in server.requests] == [
        None,
        "bytes=100000-",
        "bytes=150000-",
    ]
    assert all(r.headers.get("if-range") == '"v1"' for r in server.requests[1:])
    assert _leftovers(tmp_path) == []


async def test_weak_etag_restarts_from_zero(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000], etag='W/"v1"')
    dest = tmp_path / "out.pdf"
    async with mock_client(server) as ei:
        result = await download(ei, PATH, dest, backoff=0)
    assert dest.read_bytes() == DATA
    assert (result.resumed, result.restarted) == (0, 1)
    assert [r.headers.get("range") for r in server.requests] == [None, None]


async def test_no_accept_ranges_restarts_from_zero(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000], accept_ranges=False)
    async with mock_client(server) as ei:
        result = await download(ei, PATH, tmp_path / "o.pdf", backoff=0)
    assert (result.resumed, result.restarted) == (0, 1)
    assert (tmp_path / "o.pdf").read_bytes() == DATA


async def test_changed_document_answers_200_and_restarts(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000])
    new_data = b"%PDF-new" + DATA[::-1]

    def handler(request: httpx.Request) -> httpx.Response:
        if len(server.requests) == 1:  # the document changes after the first attempt
            server.data, server.etag = new_data, '"v2"'
        return server(request)

    dest = tmp_path / "out.pdf"
    async with mock_client(handler) as ei:
        result = await download(ei, PATH, dest, backoff=0)
    assert server.requests[1].headers["range"] == "bytes=100000-"
    assert dest.read_bytes() == new_data
    assert (result.resumed, result.restarted) == (0, 1)
    assert result.etag == '"v2"'


async def test_206_at_the_wrong_offset_restarts_with_a_plain_request(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000])
    wrong = httpx.Response(
        206,
        headers={**server.headers(), "Content-Range": f"bytes 0-99/{len(DATA)}"},
        content=DATA[:100],
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if len(server.requests) == 1:
            server.override.append(wrong)
        return server(request)

    dest = tmp_path / "out.pdf"
    async with mock_client(handler) as ei:
        result = await download(ei, PATH, dest, backoff=0)
    assert dest.read_bytes() == DATA
    assert [r.headers.get("range") for r in server.requests] == [None, "bytes=100000-", None]
    assert result.restarted == 1


async def test_short_body_without_error_is_detected_and_resumed(tmp_path: Path) -> None:
    server = FileServer(short_bodies=[1000])
    dest = tmp_path / "out.pdf"
    async with mock_client(server) as ei:
        result = await download(ei, PATH, dest, backoff=0)
    assert dest.read_bytes() == DATA
    assert result.resumed == 1


async def test_gives_up_after_max_attempts_and_leaves_no_partial_file(tmp_path: Path) -> None:
    server = FileServer(cuts=[10_000] * 10)
    dest = tmp_path / "out.pdf"
    dest.write_bytes(b"previous complete file")
    async with mock_client(server) as ei:
        with pytest.raises(APIConnectionError) as info:
            await download(ei, PATH, dest, max_attempts=3, backoff=0)
    assert len(server.requests) == 3
    assert "3 attempts" in str(info.value)
    assert dest.read_bytes() == b"previous complete file"  # never replaced by a partial file
    assert _leftovers(tmp_path) == []


async def test_resumes_follow_the_clients_retry_policy_and_budget(tmp_path: Path) -> None:
    server = FileServer(cuts=[10_000] * 10)
    async with mock_client(server, max_retries=1) as ei:
        with pytest.raises(APIConnectionError, match="2 attempts"):
            await download(ei, PATH, tmp_path / "a.pdf")  # max_retries + 1 attempts
    assert len(server.requests) == 2

    server = FileServer(cuts=[10_000] * 10)
    async with mock_client(server, retry_budget=RetryBudget(capacity=0)) as ei:
        with pytest.raises(APIConnectionError, match="1 attempts"):
            await download(ei, PATH, tmp_path / "b.pdf")  # the budget pays for no resume
    assert len(server.requests) == 1


async def test_error_status_raises_typed_error_and_creates_nothing(tmp_path: Path) -> None:
    body = {"error": {"code": "NotFound", "message": "no such session", "innerErrors": None}}
    dest = tmp_path / "out.pdf"
    async with mock_client(lambda r: httpx.Response(404, json=body)) as ei:
        with pytest.raises(NotFoundError) as info:
            await download(ei, PATH, dest, backoff=0)
    assert info.value.message == "no such session"
    assert not dest.exists()
    assert _entries(tmp_path) == []


async def test_download_without_easyink_transport_still_raises_typed_errors(
    tmp_path: Path,
) -> None:
    from easyink_client import Client

    body = {"error": {"code": "NotFound", "message": "gone", "innerErrors": None}}
    client = Client(base_url="http://api.test")
    client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url="http://api.test",
            transport=httpx.MockTransport(lambda r: httpx.Response(404, json=body)),
        )
    )

    class Holder:
        def __init__(self) -> None:
            self.client = client

    with pytest.raises(NotFoundError):
        await download(Holder(), PATH, tmp_path / "x.pdf")  # type: ignore[arg-type]
    await client.get_async_httpx_client().aclose()


async def test_more_bytes_than_announced_is_an_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Length": "10", "Content-Type": "application/pdf"},
            stream=_CutStream(DATA[:100], None),
        )

    async with mock_client(handler) as ei:
        with pytest.raises(DownloadError):
            await download(ei, PATH, tmp_path / "o.pdf", backoff=0)
    assert _entries(tmp_path) == []


async def test_cancellation_removes_the_temporary_file(tmp_path: Path) -> None:
    started = anyio.Event()

    class _Hang(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield DATA[:1000]
            started.set()
            await anyio.sleep_forever()
            yield b""  # pragma: no cover

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(len(DATA))}, stream=_Hang())

    dest = tmp_path / "out.pdf"
    async with mock_client(handler) as ei, anyio.create_task_group() as tg:
        tg.start_soon(download, ei, PATH, dest)
        await started.wait()
        assert len(_leftovers(tmp_path)) == 1  # the partial data is in the temporary file
        tg.cancel_scope.cancel()
    assert _entries(tmp_path) == []


async def test_cancellation_while_the_temporary_file_is_created_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    real_open = os.open

    def slow_open(path: Any, flags: int, mode: int = 0o777) -> int:
        entered.set()
        release.wait(10)
        return real_open(path, flags, mode)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(len(DATA))}, content=DATA)

    async with mock_client(handler) as ei, anyio.create_task_group() as tg:
        monkeypatch.setattr(os, "open", slow_open)
        tg.start_soon(download, ei, PATH, tmp_path / "out.pdf")
        await anyio.to_thread.run_sync(entered.wait, 10)
        tg.cancel_scope.cancel()
        release.set()
    monkeypatch.undo()
    assert _entries(tmp_path) == []


async def test_to_a_seekable_file_object_with_restart(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000], etag=None)
    buffer = io.BytesIO()
    buffer.write(b"HEADER")
    async with mock_client(server) as ei:
        result = await download(ei, PATH, buffer, backoff=0)
    assert buffer.getvalue() == b"HEADER" + DATA  # restarted at the starting position
    assert result.path is None
    assert result.restarted == 1


async def test_to_a_file_object_with_resume(tmp_path: Path) -> None:
    server = FileServer(cuts=[100_000])
    target = tmp_path / "f.pdf"
    with target.open("wb") as handle:
        async with mock_client(server) as ei:
            result = await download(ei, PATH, handle, backoff=0)
    assert target.read_bytes() == DATA
    assert result.resumed == 1


class _Pipe(io.RawIOBase):
    """A write-only, non-seekable sink (like a pipe or socket)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.data += bytes(b)
        return len(b)


async def test_non_seekable_file_object_resumes_but_cannot_restart() -> None:
    pipe = _Pipe()
    async with mock_client(FileServer(cuts=[100_000])) as ei:
        result = await download(ei, PATH, pipe, backoff=0)  # type: ignore[arg-type]
    assert bytes(pipe.data) == DATA
    assert result.resumed == 1

    pipe = _Pipe()
    async with mock_client(FileServer(cuts=[100_000], etag=None)) as ei:
        with pytest.raises(DownloadError, match="not seekable"):
            await download(ei, PATH, pipe, backoff=0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda ei, d: download_draft_document(ei, DRAFT_ID, DOC_ID, d),
            f"/api/signingSessionDrafts/{DRAFT_ID}/documents/{DOC_ID}",
        ),
        (
            lambda ei, d: download_draft_attachment(ei, DRAFT_ID, DOC_ID, d),
            f"/api/signingSessionDrafts/{DRAFT_ID}/attachments/{DOC_ID}",
        ),
        (
            lambda ei, d: download_session_document(ei, SESSION_ID, DOC_ID, d),
            f"/api/signingSessions/{SESSION_ID}/documents/{DOC_ID}",
        ),
        (
            lambda ei, d: download_session_attachment(ei, SESSION_ID, DOC_ID, d),
            f"/api/signingSessions/{SESSION_ID}/attachments/{DOC_ID}",
        ),
        (
            lambda ei, d: download_signed_document(ei, SESSION_ID, DOC_ID, d),
            f"/api/signingSessions/{SESSION_ID}/signedDocuments/{DOC_ID}",
        ),
        (
            lambda ei, d: download_all_in_one_document(ei, SESSION_ID, d),
            f"/api/signingSessions/{SESSION_ID}/allInOneDocument",
        ),
    ],
)
async def test_endpoint_helpers_use_the_documented_paths(call: Any, expected: str) -> None:
    server = FileServer(data=b"%PDF-1.4 tiny")
    buffer = io.BytesIO()
    async with mock_client(server) as ei:
        await call(ei, buffer)
    assert [r.url.path for r in server.requests] == [expected]
    assert buffer.getvalue() == b"%PDF-1.4 tiny"


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("attachment; filename=\"signed.pdf\"; filename*=UTF-8''sign%C3%A9.pdf", "signé.pdf"),
        ("attachment; filename*=utf-8'en'%E2%82%AC.pdf", "€.pdf"),
        ('attachment; filename="a \\"b\\".pdf"', 'a "b".pdf'),
        ("attachment; filename=plain.pdf; size=3", "plain.pdf"),
        ("inline", None),
        (None, None),
    ],
)
def test_filename_from_content_disposition(header: str | None, name: str | None) -> None:
    from easyink_ext.downloads import _parse_filename

    assert _parse_filename(header) == name


async def test_a_path_destination_gets_its_missing_folders(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "2026" / "signed.pdf"
    async with mock_client(FileServer()) as ei:
        result = await download_signed_document(ei, SESSION_ID, DOC_ID, dest)
    assert dest.read_bytes() == DATA
    assert result.path == dest
    assert _leftovers(dest.parent) == []


async def test_file_system_errors_name_the_destination_not_the_temporary_file(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "signed.pdf"
    dest.mkdir()  # a folder where the file should go: the final rename fails
    async with mock_client(FileServer()) as ei:
        with pytest.raises(IsADirectoryError) as caught:
            await download(ei, PATH, dest, backoff=0)
    assert caught.value.filename == str(dest)
    assert ".part" not in str(caught.value)
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
async def test_an_unwritable_folder_is_named_in_the_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    dest = folder / "signed.pdf"
    async with mock_client(FileServer()) as ei:
        with pytest.raises(PermissionError) as caught:
            await download(ei, PATH, dest, backoff=0)
    assert caught.value.filename == str(dest)
