"""Several processes opening one new SQLite ledger at the same moment all get it.

Two connections setting up a new file (switching it to WAL, creating the tables) can both hold a
read lock and both want the write lock; SQLite then answers one "database is locked" at once,
without its busy timeout. ``easyink batch`` workers started together hit it (one exited 1 with
"cannot open ledger ...: database is locked").
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from easyink_ext.ledger import LedgerError, SQLiteLedger, _sqlite

_OPEN = textwrap.dedent(
    """
    import sys, time, anyio
    from easyink_ext.ledger import SQLiteLedger

    async def main() -> None:
        ledger = SQLiteLedger(sys.argv[1])
        while time.time() < float(sys.argv[2]):
            pass
        await ledger.open()
        await ledger.register([("row", "digest", 0, "Subject")])
        await ledger.aclose()
        print("opened")

    anyio.run(main)
    """
)


def test_processes_opening_a_new_ledger_together_all_open_it(tmp_path: Path) -> None:
    failures = []
    for round_ in range(4):
        path = tmp_path / f"ledger-{round_}.sqlite"
        start = time.time() + 1.0  # every process waits for the same moment
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN, str(path), repr(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(6)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            if proc.returncode != 0 or out.strip() != "opened":
                failures.append(err.strip().splitlines()[-1:] or out)
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT count(*) FROM easyink_batch_rows").fetchone() == (1,)
    assert failures == []


async def test_a_busy_answer_while_opening_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = SQLiteLedger(tmp_path / "ledger.sqlite")
    real = ledger._connect_once
    answers = [sqlite3.OperationalError("database is locked")] * 3

    def connect_once() -> None:
        if answers:
            raise answers.pop()
        real()

    monkeypatch.setattr(ledger, "_connect_once", connect_once)
    await ledger.open()
    assert answers == []
    await ledger.register([("row", "digest", 0, "Subject")])
    await ledger.aclose()


async def test_other_errors_and_a_lock_held_too_long_are_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = SQLiteLedger(tmp_path / "ledger.sqlite")
    calls = []

    def corrupt() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("file is not a database")

    monkeypatch.setattr(ledger, "_connect_once", corrupt)
    with pytest.raises(LedgerError, match="file is not a database"):
        await ledger.open()
    assert calls == [1]

    monkeypatch.setattr(_sqlite, "_BUSY_TIMEOUT_MS", 50)

    def locked() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ledger, "_connect_once", locked)
    began = time.monotonic()
    with pytest.raises(LedgerError, match="database is locked"):
        await ledger.open()
    assert 1 < len(calls) < 30 and time.monotonic() - began < 5
