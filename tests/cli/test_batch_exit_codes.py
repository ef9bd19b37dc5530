"""``easyink batch`` exit codes follow the table of docs/batches.md for every state of the rows,
and are the same with and without ``--status`` and ``--skip-invalid``."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from easyink_ext.ledger import SQLiteLedger
from easyink_ext.manifest import ManifestRow, read_manifest
from easyink_sandbox import simple_pdf

from .conftest import Cli, Server

pytestmark = pytest.mark.integration

HEADER = "key,file,subject,signer_name,signer_email"
_FINAL: dict[str, dict[str, object]] = {
    "started": {"state": "started", "session_id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
    "refused": {"state": "started", "session_id": "0f8fad5b-d9cb-469f-a165-70867728950e"},
    "failed": {"state": "failed", "error": "ValidationError: refused", "clean": True},
    "unknown": {"state": "unknown", "error": "interrupted", "step": "start"},
}

# (the states of three rows, the exit status, what the last line of stderr starts with)
TABLE = [
    (("started", "started", "started"), 0, None),
    (("started", "invalid", "started"), 3, "1 "),
    (("refused", "started", "started"), 3, "1 row(s) refused"),
    (("started", "failed", "started"), 3, "1 row(s) failed"),
    (("unknown", "started", "started"), 4, "1 row(s) unknown: run with --reconcile"),
    (("failed", "unknown", "invalid"), 3, "1 "),
    (("unknown", "failed", "started"), 3, "1 row(s) failed"),
    (("in_progress", "started", "started"), 5, "1 row(s) in progress"),
    (("pending", "started", "started"), 5, "1 row(s) pending"),
    (("unknown", "in_progress", "pending"), 4, "1 row(s) unknown"),
]


def _manifest(tmp_path: Path, states: tuple[str, ...]) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "contract.pdf").write_bytes(simple_pdf(["Contract"]))
    rows = [
        f"r{n},docs/contract.pdf,Lease {n},Ann Lee,"
        + ("not-an-email" if state == "invalid" else f"ann{n}@example.com")
        for n, state in enumerate(states)
    ]
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def _prepare(path: Path, rows: tuple[ManifestRow, ...], states: dict[str, str]) -> None:
    """A ledger holding each row in its state, as earlier runs would have left it."""
    ledger = SQLiteLedger(path)
    await ledger.open()
    try:
        specs = [
            (r.key, "an-older-content" if states[r.key] == "refused" else r.digest, i, r.subject)
            for i, r in enumerate(rows)
        ]
        await ledger.register(specs)
        for row in rows:
            state = states[row.key]
            if state in _FINAL:
                await ledger.claim([row.key], "earlier", 60, changes={"state": "sending"})
                assert await ledger.update(row.key, "earlier", _FINAL[state])
            elif state == "in_progress":
                await ledger.claim([row.key], "elsewhere", 600, changes={"state": "sending"})
                await ledger.heartbeat("elsewhere", 600)
    finally:
        await ledger.aclose()


@pytest.mark.parametrize(("states", "code", "line"), TABLE)
def test_exit_status_is_the_same_with_and_without_status_and_skip_invalid(  # noqa: PLR0917
    run: Cli, server: Server, tmp_path: Path, states: tuple[str, ...], code: int, line: str | None
) -> None:
    manifest = _manifest(tmp_path, states)
    checked = read_manifest(manifest)
    by_key = {f"r{n}": state for n, state in enumerate(states)}
    ledger = tmp_path / "ledger.sqlite"
    anyio.run(_prepare, ledger, checked.rows, by_key)

    modes: list[list[str]] = [["--status"]]
    if not {"pending", "in_progress"} & set(states):  # a run would send or wait for those
        modes += [[], ["--skip-invalid"]]
    sent = len(server.sandbox.request_log)
    for mode in modes:
        result = run(*server.flags, "batch", str(manifest), "--ledger", str(ledger), *mode)
        assert result.exit_code == code, (mode, result.output)
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else None
        if mode == [] and states[0] == "unknown":
            assert (
                "unknown  r0 (row 2, 'Lease 0'): whether it was sent is unknown at step 'start': "
                "interrupted; run again with --reconcile to read it back from the server"
            ) in result.stdout
        if line is None:
            assert last is None, (mode, result.stderr)
        else:
            assert last is not None and last.startswith(f"easyink: {line}"), (mode, last)
    assert len(server.sandbox.request_log) == sent  # no state here sends anything
