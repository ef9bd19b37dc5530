"""What the SDK checks of a PDF before uploading it: its header and, when it can tell, its pages.

:func:`page_count` reads the page tree's root (``/Type /Pages`` without ``/Parent``) in the
file and in its Flate-compressed object streams, without a PDF library. It answers ``None``
whenever it cannot be sure (no root found, a stream it cannot decode, too much data): callers
then leave the question to the server, they never refuse a file on a guess.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["MAX_SCANNED_BYTES", "PDF_MAGIC", "is_pdf", "page_count"]

PDF_MAGIC = b"%PDF-"
MAX_SCANNED_BYTES = 64 * 1024 * 1024
"""Files (and decompressed object streams, all together) larger than this are not scanned."""

_PAGES = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d{1,9})\b")
_PARENT = re.compile(rb"/Parent\s")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_STREAM = re.compile(rb"stream\r?\n")


def is_pdf(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a PDF (``%PDF-`` header)."""
    return head.startswith(PDF_MAGIC)


def _dictionary_around(data: bytes, at: int) -> bytes | None:
    """The ``<< ... >>`` dictionary that contains offset ``at`` (nested ones counted)."""
    depth, start = 0, at
    while True:
        opening, closing = data.rfind(b"<<", 0, start), data.rfind(b">>", 0, start)
        if opening < 0:
            return None
        if closing > opening:
            depth, start = depth + 1, closing
        elif depth:
            depth, start = depth - 1, opening
        else:
            break
    begin, depth, end = opening, 0, opening
    while True:
        opening, closing = data.find(b"<<", end), data.find(b">>", end)
        if closing < 0:
            return None
        if 0 <= opening < closing:
            depth, end = depth + 1, opening + 2
        else:
            depth, end = depth - 1, closing + 2
            if depth == 0:
                return data[begin:end]


def _root_counts(data: bytes) -> list[int]:
    counts: list[int] = []
    for match in _PAGES.finditer(data):
        found = _dictionary_around(data, match.start())
        if found is None or _PARENT.search(found):
            continue
        count = _COUNT.search(found)
        if count is not None:
            counts.append(int(count.group(1)))
    return counts


def _object_streams(data: bytes) -> list[bytes] | None:
    """The decompressed object streams (``None`` when one cannot be read within the bound)."""
    found: list[bytes] = []
    budget = MAX_SCANNED_BYTES
    for match in _OBJECT_STREAM.finditer(data):
        header = _dictionary_around(data, match.start())
        body = _STREAM.search(data, match.end())
        if header is None or body is None or b"/FlateDecode" not in header:
            return None
        end = data.find(b"endstream", body.end())
        decoder = zlib.decompressobj()
        try:
            chunk = decoder.decompress(data[body.end() : end], budget + 1)
        except zlib.error:
            return None
        if len(chunk) > budget:
            return None
        budget -= len(chunk)
        found.append(chunk)
    return found


def page_count(data: bytes) -> int | None:
    """The number of pages of the PDF ``data``, or ``None`` when it cannot be told for sure."""
    if not is_pdf(data) or len(data) > MAX_SCANNED_BYTES:
        return None
    streams = _object_streams(data)
    if streams is None:
        return None
    counts = _root_counts(data)
    for stream in streams:
        counts.extend(_root_counts(stream))
    # An edited file keeps its earlier page trees: the largest root is never too small.
    return max(counts) if counts else None
