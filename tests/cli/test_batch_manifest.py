"""``easyink batch``: what docs/batches.md says is caught before sending is caught, with its line.

Every case is refused before the first request: no request reaches the sandbox.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from easyink_ext.manifest import read_manifest
from easyink_sandbox import simple_pdf

from .conftest import Cli, Server

pytestmark = pytest.mark.integration

HEADER = "file,subject,signer_name,signer_email"
GOOD = "docs/contract.pdf,Lease {n},Ann Lee,ann{n}@example.com"


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "contract.pdf").write_bytes(simple_pdf(["Contract"]))
    return tmp_path / "manifest.csv"


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = _folder(tmp_path)
    path.write_bytes(text.encode(encoding))
    return path


_ROW_CASES = {
    "a quoted line break": ('docs/contract.pdf,"Lease\n1",Ann Lee,ann@example.com', "'subject'"),
    "a tab": ("docs/contract.pdf,Lease\t1,Ann Lee,ann@example.com", "'subject'"),
    "an escape": ("docs/contract.pdf,Lease 1,Ann \x1b[2JLee,ann@example.com", "'signer_name'"),
    "a cell beyond the header": (
        "docs/contract.pdf,Lease 1,Ann Lee,ann@example.com,bo@example.com",
        "5 cells but the header has 4 columns",
    ),
}


@pytest.mark.parametrize("case", list(_ROW_CASES))
def test_a_bad_row_is_invalid_with_its_line_and_nothing_is_sent(
    run: Cli, server: Server, tmp_path: Path, case: str
) -> None:
    row, problem = _ROW_CASES[case]
    text = "\n".join([HEADER, GOOD.format(n=0), row, GOOD.format(n=2)]) + "\n"
    manifest = _write(tmp_path, text)
    result = run(*server.flags, "batch", str(manifest))
    assert result.exit_code != 0
    invalid = [line for line in result.stdout.splitlines() if line.startswith("invalid")]
    assert len(invalid) == 1, result.stdout
    assert invalid[0].startswith("invalid  row 3: ") and problem in invalid[0], invalid
    assert server.sandbox.request_log == []
    # The row after a record spanning two lines is known by its own line.
    lines = {r.number for r in read_manifest(manifest).rows}
    assert lines == ({2, 5} if "\n" in row else {2, 4})


def test_a_nul_is_refused_with_its_line(run: Cli, server: Server, tmp_path: Path) -> None:
    row = "docs/contract.pdf,Lease\x001,Ann Lee,ann@example.com"
    manifest = _write(tmp_path, "\n".join([HEADER, GOOD.format(n=0), row]) + "\n")
    result = run(*server.flags, "batch", str(manifest))
    assert result.exit_code != 0
    assert "row 3" in result.stdout or "line 3" in result.stderr  # csv refuses NUL before 3.11
    assert server.sandbox.request_log == []


def _huge(tmp_path: Path) -> str:
    return "\n".join([HEADER, f"docs/contract.pdf,{'x' * 10_000_000},Ann,a@example.com"]) + "\n"


_FILE_CASES = {
    "a header naming a column twice": (
        lambda _: (
            "file,subject,signer_name,signer_email,signer_email\n"
            "docs/contract.pdf,S,Ann Lee,ann@example.com,bo@example.com\n"
        ),
        "utf-8",
        "line 1: the header names 'signer_email' more than once",
    ),
    "a quote never closed": (
        lambda _: (
            "\n".join(
                [HEADER, GOOD.format(n=0), 'docs/contract.pdf,"Lease 1,Ann,a@example.com']
                + [GOOD.format(n=n) for n in range(2, 29)]
            )
            + "\n"
        ),
        "utf-8",
        "a quote opened at or before line 30 is never closed",
    ),
    "a 10 MB cell": (_huge, "utf-8", "line 2: a cell is larger than 131072 characters"),
    "Latin-1": (
        lambda _: f"{HEADER}\ndocs/contract.pdf,Bail café,Zoé Lee,zoe@example.com\n",
        "latin-1",
        "is not UTF-8 text (line 2): save it as UTF-8",
    ),
    "UTF-16": (
        lambda _: f"{HEADER}\n{GOOD.format(n=0)}\n",
        "utf-16",
        "is UTF-16 text: save it as UTF-8",
    ),
}


@pytest.mark.parametrize("case", list(_FILE_CASES))
def test_an_unusable_manifest_is_one_line_naming_the_file(
    run: Cli, server: Server, tmp_path: Path, case: str
) -> None:
    make, encoding, problem = _FILE_CASES[case]
    manifest = _write(tmp_path, make(tmp_path), encoding)
    result = run(*server.flags, "batch", str(manifest))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"easyink: manifest {manifest}")
    assert problem in lines[0], lines[0]
    assert "unexpected error" not in lines[0] and "codec" not in lines[0]
    assert server.sandbox.request_log == []
