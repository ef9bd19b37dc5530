"""The ledger under test: every implementation passes the same tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from easyink_ext.ledger import Ledger, MemoryLedger, PostgresLedger, SQLiteLedger


@pytest.fixture(params=["memory", "sqlite", "postgres"])
async def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Ledger]:
    opened: Ledger
    if request.param == "memory":
        opened = MemoryLedger()
    elif request.param == "sqlite":
        opened = SQLiteLedger(tmp_path / "ledger.sqlite")
    else:
        opened = PostgresLedger(request.getfixturevalue("pg_dsn"))
    await opened.open()
    try:
        yield opened
    finally:
        await opened.aclose()
