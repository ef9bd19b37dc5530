"""``easyink batch`` without a ``key`` column: a row is what it means, not how it is written.

Harmless edits of a keyless manifest (another column, ``no`` for an empty ``sequential``,
``./doc.pdf`` for ``doc.pdf``, the rows reordered, spacing and case) send nothing; a row whose
content really changed but whose subject belongs to a row already sent is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli, Server
from .test_batch_ledger import _write_manifest

pytestmark = pytest.mark.integration

HEADER = "file,subject,signer_name,signer_email,signer_phone,sequential"
ROWS = [
    "docs/contract.pdf,Lease 0,Ann Lee,ann0@example.com,5551234560,",
    "docs/contract.pdf,Lease 1,Ann Lee;Bo Chen,ann1@example.com;bo@example.com,,yes",
    "docs/contract.pdf,Lease 2,Cy Dee,cy@example.com,,",
]


def _write(folder: Path, rows: list[str], header: str = HEADER) -> Path:
    return _write_manifest(folder, rows, header)


_EDITS = {
    "a notes column": (HEADER + ",notes", [r + ",call first" for r in ROWS]),
    "'no' for an empty sequential": (
        HEADER,
        [r + "no" if r.endswith(",") else r for r in ROWS],
    ),
    "./ before the path": (HEADER, [r.replace("docs/", "./docs/") for r in ROWS]),
    "the rows reordered": (HEADER, list(reversed(ROWS))),
    "spacing, case and phone format": (
        HEADER,
        [
            ROWS[0]
            .replace("Ann Lee", " Ann  Lee ")
            .replace("ann0@", "ANN0@")
            .replace("5551234560", "555-123-4560"),
            *ROWS[1:],
        ],
    ),
    "columns in another order": (
        "sequential,signer_phone,signer_email,signer_name,subject,file",
        [",".join(reversed(r.split(","))) for r in ROWS],
    ),
}


@pytest.mark.parametrize("edit", list(_EDITS))
def test_a_harmless_edit_of_a_keyless_manifest_sends_nothing(
    run: Cli, server: Server, tmp_path: Path, edit: str
) -> None:
    ledger = str(tmp_path / "ledger.sqlite")
    manifest = _write(tmp_path, ROWS)
    first = run(*server.flags, "batch", str(manifest), "--ledger", ledger)
    assert first.exit_code == 0, first.output
    sent = len(server.sandbox.request_log)

    header, rows = _EDITS[edit]
    _write(tmp_path, rows, header)
    again = run(*server.flags, "batch", str(manifest), "--ledger", ledger)
    assert again.exit_code == 0, again.output
    assert "3 rows: 3 started, 0 failed" in again.stdout
    assert len(server.sandbox.request_log) == sent  # not one request
    assert len(server.sandbox.store.sessions) == 3
    warnings = [line for line in again.stderr.splitlines() if "warning" in line]
    if edit == "a notes column":
        assert warnings == [
            f"easyink: warning: column(s) 'notes' of {manifest} are not manifest columns: ignored"
        ]
    else:
        assert warnings == []


def test_an_edited_keyless_row_is_refused_naming_both_rows(
    run: Cli, server: Server, tmp_path: Path
) -> None:
    ledger = str(tmp_path / "ledger.sqlite")
    manifest = _write(tmp_path, ROWS)
    assert run(*server.flags, "batch", str(manifest), "--ledger", ledger).exit_code == 0
    first_keys = {
        line.split()[1]
        for line in run(
            *server.flags, "batch", str(manifest), "--ledger", ledger, "--status"
        ).stdout.splitlines()
        if line.startswith("started")
    }
    sent = len(server.sandbox.request_log)

    edited = [ROWS[0], ROWS[1], ROWS[2].replace("cy@example.com", "cy.dee@example.com")]
    _write(tmp_path, edited)
    result = run(*server.flags, "batch", str(manifest), "--ledger", ledger)
    assert result.exit_code == 3, result.output
    refused = [line for line in result.stdout.splitlines() if line.startswith("refused")]
    assert len(refused) == 1, result.stdout
    line = refused[0]
    assert "(row 4, 'Lease 2')" in line  # the edited row: its line and subject
    assert "is the subject of row 'content:" in line and "(started in the ledger)" in line
    assert "add a 'key' column to name the rows, or change the subject" in line
    assert not first_keys or line.split()[1] not in first_keys
    assert result.stderr.strip().endswith("give them new keys")
    assert len(server.sandbox.request_log) == sent  # nothing sent
    assert len(server.sandbox.store.sessions) == 3

    status = run(*server.flags, "batch", str(manifest), "--ledger", ledger, "--status")
    assert status.exit_code == 3
    assert "1 refused" in status.stdout
