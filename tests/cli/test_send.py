"""``easyink send`` checks its files before the first request."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli, Server

pytestmark = pytest.mark.integration

SIGNER = "Jane Doe <jane@example.com>"


def _requests(server: Server) -> list[object]:
    return list(server.sandbox.request_log)


def test_a_file_that_is_not_a_pdf_is_refused_before_any_request(
    run: Cli, server: Server, pdf_file: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_text("just text, named .pdf")
    before = _requests(server)
    result = run(*server.flags, "send", str(pdf_file), str(notes), "--signer", SIGNER)
    assert result.exit_code == 2
    assert f"{notes} is not a PDF" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _requests(server) == before


def test_a_field_past_the_last_page_is_refused_before_any_request(
    run: Cli, server: Server, pdf_file: Path
) -> None:
    before = _requests(server)
    result = run(*server.flags, "send", str(pdf_file), "--signer", SIGNER, "--field", "9:72:72")
    assert result.exit_code == 2
    assert "field 1 is on page 9 but Contract.pdf has 2 page(s)" in result.stderr
    assert _requests(server) == before


def test_a_field_on_the_last_page_is_sent(run: Cli, server: Server, pdf_file: Path) -> None:
    result = run(*server.flags, "send", str(pdf_file), "--signer", SIGNER, "--field", "2:72:72")
    assert result.exit_code == 0, result.output
    assert "Started session" in result.stdout
