"""``easyink_ext._pdf``: the PDF header and the page count read without a PDF library."""

from __future__ import annotations

import zlib

import pytest

from easyink_ext._pdf import is_pdf, page_count
from easyink_sandbox import simple_pdf


@pytest.mark.parametrize("pages", [1, 2, 9])
def test_page_count_of_a_plain_pdf(pages: int) -> None:
    assert page_count(simple_pdf(["Page"], pages=pages)) == pages


def _with_object_stream(objects: bytes, filter_name: bytes = b"/FlateDecode") -> bytes:
    body = zlib.compress(objects) if filter_name == b"/FlateDecode" else objects
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"5 0 obj\n<< /Type /ObjStm /N 2 /First 10 /Filter "
        + filter_name
        + b" /Length "
        + str(len(body)).encode()
        + b" >>\nstream\n"
        + body
        + b"\nendstream\nendobj\n%%EOF\n"
    )


def test_page_count_inside_a_compressed_object_stream() -> None:
    objects = (
        b"2 0 3 60 << /Type /Pages /Kids [3 0 R 4 0 R] /Count 7 "
        b"/Resources << /Font << >> >> >> "
        b"<< /Type /Pages /Parent 2 0 R /Kids [] /Count 3 >>"
    )
    assert page_count(_with_object_stream(objects)) == 7  # the root, not the inner node


def test_unknown_when_a_stream_cannot_be_read() -> None:
    objects = b"<< /Type /Pages /Kids [] /Count 7 >>"
    assert page_count(_with_object_stream(objects, b"/LZWDecode")) is None


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 a zip file", b"%PDF-1.4 no page tree", b"%PDF-1.4 << /Type /Pages /Kids [] >>"],
)
def test_unknown_rather_than_a_guess(data: bytes) -> None:
    assert page_count(data) is None


def test_the_header_decides_what_is_a_pdf() -> None:
    assert is_pdf(b"%PDF-1.7\n")
    assert not is_pdf(b"\xd0\xcf\x11\xe0 a Word file")
