"""Batch ledgers: where :func:`easyink_ext.run_batch` records every row, across processes,
machines and crashes.

``run_batch(..., ledger=...)`` takes a file path or ``sqlite:///PATH`` (:class:`SQLiteLedger`,
the embedded default: the processes of one machine), a PostgreSQL DSN, ``postgresql://`` URL or
libpq ``host=... dbname=...`` keywords (:class:`PostgresLedger`, extra ``easyink[postgres]``:
any number of processes on any number of machines), or any object implementing the
:class:`Ledger` protocol (see :mod:`easyink_ext.ledger._dsn`). States, claims and leases: see
:mod:`easyink_ext.ledger._protocol`; row keys and digests: :mod:`easyink_ext.ledger._identity`.
"""

from __future__ import annotations

from pathlib import Path

from ._binding import LedgerBindingError, account_of, bind_ledger, server_of
from ._dsn import LedgerSpec, describe, is_dsn, redact_dsn, sqlite_path
from ._identity import content_digest, file_digest, item_digest, key_from_digest
from ._memory import MemoryLedger
from ._postgres import PostgresLedger
from ._protocol import STATES, Ledger, LedgerError, RowRecord, RowSpec, RowState
from ._sqlite import SQLiteLedger

__all__ = [
    "STATES",
    "Ledger",
    "LedgerBindingError",
    "LedgerError",
    "LedgerSpec",
    "MemoryLedger",
    "PostgresLedger",
    "RowRecord",
    "RowSpec",
    "RowState",
    "SQLiteLedger",
    "account_of",
    "bind_ledger",
    "content_digest",
    "describe",
    "file_digest",
    "item_digest",
    "key_from_digest",
    "open_ledger",
    "redact_dsn",
    "server_of",
]


def open_ledger(spec: Ledger | LedgerSpec | None, *, create: bool = True) -> Ledger:
    """The ledger ``spec`` names (not opened yet): a path, a DSN, a Ledger, or None (memory).

    ``create=False``: opening it fails (:class:`LedgerError`) when there is no ledger there
    yet, instead of creating an empty one."""
    if spec is None:
        return MemoryLedger()
    if isinstance(spec, Ledger) and not isinstance(spec, (str, Path)):
        return spec
    if is_dsn(spec):
        return PostgresLedger(str(spec), create=create)
    return SQLiteLedger(sqlite_path(spec), create=create)
