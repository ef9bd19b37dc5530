"""A SQLite ledger notices a file deleted or replaced under it, and rescues its records; the
built-in ledgers record the server they are bound to and find rows by their hint."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from easyink_ext.ledger import (
    Ledger,
    LedgerBindingError,
    LedgerError,
    SQLiteLedger,
    bind_ledger,
)

ROWS = [(f"row {n}", f"digest {n}", n, f"Subject {n % 2}") for n in range(4)]


async def _opened(path: Path) -> SQLiteLedger:
    ledger = SQLiteLedger(path)
    await ledger.open()
    await ledger.register(ROWS)
    await ledger.claim(["row 0"], "w", 60, changes={"state": "sending"})
    assert await ledger.update("row 0", "w", {"state": "started", "session_id": "s-0"})
    return ledger


def _delete(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _replace(path: Path) -> None:
    """Another file (another inode) at the path."""
    other = path.with_name("other.sqlite")
    sqlite3.connect(other).close()
    os.replace(other, path)


def _started(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        query = "SELECT key, session_id FROM easyink_batch_rows WHERE state = 'started'"
        return list(conn.execute(query))


async def test_a_deleted_file_is_noticed_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = await _opened(path)
    try:
        assert await ledger.lost() is None
        _delete(path)
        assert await ledger.lost() == "deleted"
        assert await ledger.rescue() == path
    finally:
        await ledger.aclose()
    assert _started(path) == [("row 0", "s-0")]


async def test_a_replaced_file_is_noticed_and_rescued_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger = await _opened(path)
    try:
        _replace(path)
        assert await ledger.lost() == "replaced by another file"
        target = await ledger.rescue()
    finally:
        await ledger.aclose()
    assert target != path and target.name.startswith("ledger.sqlite.recovered-")
    assert _started(target) == [("row 0", "s-0")]


async def test_a_ledger_that_must_exist_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(LedgerError, match="no ledger at"):
        await SQLiteLedger(path, create=False).open()
    assert not path.exists()


async def test_rows_by_hint_and_the_binding(ledger: Ledger) -> None:
    await ledger.register(ROWS)
    found = await ledger.records_by_hint(["Subject 1"])  # type: ignore[attr-defined]
    assert sorted(r.key for r in found) == ["row 1", "row 3"]
    await bind_ledger(ledger, "https://api.example.com/", "alice", name="L")
    await bind_ledger(ledger, "HTTPS://API.example.com", "alice", name="L")  # the same server
    with pytest.raises(LedgerBindingError, match=re.escape("https://api.example.com as 'alice'")):
        await bind_ledger(ledger, "https://api-staging.example.com", "alice", name="L")
    with pytest.raises(LedgerBindingError, match="as 'bob'"):
        await bind_ledger(ledger, "https://api.example.com", "bob", name="L")
