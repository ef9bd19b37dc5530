"""Downloads: stored and generated blobs, and streamed responses honouring ``Range``/``If-Range``.

Every download answers with a strong ``ETag`` (quoted sha256 of the bytes; for generated large
PDFs a sha256 of the generation parameters, which determine the bytes), ``Accept-Ranges: bytes``,
``Content-Length`` and ``Content-Disposition: attachment``. A single ``Range: bytes=a-b``,
``bytes=a-`` or ``bytes=-n`` gives ``206`` with ``Content-Range``; an unsatisfiable one ``416``.
A multi-range or malformed header is ignored (full ``200``), as RFC 9110 allows. ``If-Range``
with a different validator also gives the full representation.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from typing import Protocol
from urllib.parse import quote

import attrs
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ._errors import error_body

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Blob(Protocol):
    """Downloadable bytes of a known size, readable by range."""

    @property
    def size(self) -> int:
        """Number of bytes."""

    @property
    def etag(self) -> str:
        """Strong entity tag, quoted."""

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes ``[start, end)`` in chunks."""


@attrs.frozen
class BytesBlob:
    """A blob held in memory."""

    data: bytes
    etag: str = attrs.field(init=False)

    @etag.default
    def _etag(self) -> str:
        return '"' + hashlib.sha256(self.data).hexdigest() + '"'

    @property
    def size(self) -> int:
        """Number of bytes."""
        return len(self.data)

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes ``[start, end)`` in chunks of :data:`CHUNK_SIZE`."""
        view = memoryview(self.data)
        for offset in range(start, end, CHUNK_SIZE):
            yield bytes(view[offset : min(end, offset + CHUNK_SIZE)])


_BLOCK = 4096
_FILL = (b"EasyInk sandbox large document filler. " * 110)[: _BLOCK - 15]


def _block(number: int) -> bytes:
    """Filler block ``number``: a PDF comment line naming its own position."""
    return b"%%%012x %s\n" % (number, _FILL)


def _pdf_parts(filler: int) -> tuple[bytes, bytes]:
    """Head and tail of a one-page PDF whose content stream ends with ``filler`` bytes."""
    objects = [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources"
        b" << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>\nendobj\n",
        b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n",
    ]
    text = b"BT /F1 18 Tf 72 720 Td (EasyInk sandbox large document) Tj ET\n"
    offsets = {}
    position = 0
    for number, obj in zip((None, 1, 2, 3, 5), objects, strict=True):
        if number is not None:
            offsets[number] = position
        position += len(obj)
    offsets[4] = position
    stream_head = b"4 0 obj\n<< /Length %010d >>\nstream\n" % (len(text) + filler) + text
    head = b"".join(objects) + stream_head
    after_stream = b"\nendstream\nendobj\n"
    xref_at = len(head) + filler + len(after_stream)
    xref = b"xref\n0 6\n0000000000 65535 f \n" + b"".join(
        b"%010d 00000 n \n" % offsets[n] for n in range(1, 6)
    )
    trailer = b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return head, after_stream + xref + trailer


@attrs.frozen
class LargePdfBlob:
    """A valid one-page PDF of exactly ``size_bytes`` bytes, generated on demand.

    Its bulk is one content stream made of 4 KiB comment lines numbered by position, so a
    download resumed at a wrong offset is detectable; nothing is held in memory.
    """

    size_bytes: int
    _head: bytes = attrs.field(init=False)
    _tail: bytes = attrs.field(init=False)
    _filler: int = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        head, tail = _pdf_parts(0)
        filler = self.size_bytes - len(head) - len(tail)
        for _ in range(5):
            if filler < 0:
                break
            head, tail = _pdf_parts(filler)
            new = self.size_bytes - len(head) - len(tail)
            if new == filler:
                break
            filler = new
        if filler < 0 or len(head) + filler + len(tail) != self.size_bytes:
            raise ValueError(f"a generated PDF needs at least {len(head) + len(tail)} bytes")
        object.__setattr__(self, "_head", head)
        object.__setattr__(self, "_tail", tail)
        object.__setattr__(self, "_filler", filler)

    @property
    def size(self) -> int:
        """Number of bytes."""
        return self.size_bytes

    @property
    def etag(self) -> str:
        """Strong entity tag derived from the generation parameters (they fix the bytes)."""
        digest = hashlib.sha256(b"easyink-sandbox-large-pdf:v1:%d" % self.size_bytes)
        return '"' + digest.hexdigest() + '"'

    def _filler_range(self, start: int, end: int) -> Iterator[bytes]:
        blocks_per_chunk = CHUNK_SIZE // _BLOCK
        position = start
        while position < end:
            first = position // _BLOCK
            count = min(blocks_per_chunk, (end - 1) // _BLOCK - first + 1)
            data = b"".join(_block(n) for n in range(first, first + count))
            skip = position - first * _BLOCK
            piece = data[skip : skip + (end - position)]
            yield piece
            position += len(piece)

    def iter_range(self, start: int, end: int) -> Iterator[bytes]:
        """The bytes ``[start, end)`` in chunks of at most :data:`CHUNK_SIZE`."""
        head_end = len(self._head)
        tail_start = head_end + self._filler
        if start < head_end:
            yield self._head[start : min(end, head_end)]
        lo, hi = max(start, head_end) - head_end, min(end, tail_start) - head_end
        if lo < hi:
            yield from self._filler_range(lo, hi)
        if end > tail_start:
            yield self._tail[max(start, tail_start) - tail_start : end - tail_start]


class _Unsatisfiable(Exception):
    pass


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """``(start, end_exclusive)`` of a single byte range, ``None`` to ignore the header."""
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise _Unsatisfiable
        return max(0, size - suffix), size
    start = int(first)
    end = size if not last else int(last) + 1
    if last and end <= start:
        return None
    if start >= size:
        raise _Unsatisfiable
    return start, min(end, size)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and, when needed, an RFC 5987 ``filename*``."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("\\", "_")
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename)}"
    return value


async def _stream(blob: Blob, start: int, end: int) -> AsyncIterator[bytes]:
    for chunk in blob.iter_range(start, end):
        yield chunk


def download_response(request: Request, blob: Blob, filename: str) -> Response:
    """Stream ``blob`` as ``application/pdf``, honouring ``Range`` and ``If-Range``."""
    headers = {
        "ETag": blob.etag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(filename),
    }
    size = blob.size
    start, end, status = 0, size, 200
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and (if_range is None or if_range.strip() == blob.etag):
        try:
            parsed = _parse_range(range_header, size)
        except _Unsatisfiable:
            body = error_body("RangeNotSatisfiable", f"The range is not satisfiable: {size} bytes")
            return Response(
                body,
                status_code=416,
                media_type="application/json",
                headers={"Content-Range": f"bytes */{size}", "ETag": blob.etag},
            )
        if parsed is not None:
            start, end = parsed
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    return StreamingResponse(
        _stream(blob, start, end), status_code=status, media_type="application/pdf", headers=headers
    )
