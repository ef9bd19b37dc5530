"""The embedded ledger: one SQLite file shared by the processes of one machine.

The standard library's ``sqlite3`` runs in a worker thread (``anyio.to_thread``, one statement
group at a time per ledger), never on the event loop. The file is in WAL mode (readers do not
block the writer) with ``synchronous=FULL`` (a row is on disk as ``sending`` before its first
request goes out) and a busy timeout, so several processes can share it. Every write runs in a
``BEGIN IMMEDIATE`` transaction: the write lock is taken before a claim chooses its row, so two
processes never choose the same row. Writes queued while one commits share the next
transaction (group commit: one fsync for all of them). Leases use this machine's clock.

A network file system is not a safe place for the file (SQLite's locking relies on the local
one): use PostgreSQL for workers on several machines.

**The file stays the one opened.** :meth:`SQLiteLedger.lost` tells when the path no longer
leads to the file opened (deleted, or replaced: another device or inode); the open connection
still holds the old file, and :meth:`SQLiteLedger.rescue` writes it back to the path (or, when
another file took the path, to a recovery file beside it), so no record is lost.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import anyio

from . import _sql
from ._protocol import LedgerError, RowRecord, RowSpec

__all__ = ["SQLiteLedger"]

_T = TypeVar("_T")
_BUSY_TIMEOUT_MS = 30_000


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock asked for."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return code & 0xFF in (5, 6)
    text = str(exc)
    return "database is locked" in text or "database table is locked" in text or "busy" in text


class SQLiteLedger:
    """A :class:`~easyink_ext.ledger.Ledger` in the SQLite file ``path``."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        self.create = create  # False: open an existing ledger only (LedgerError when missing)
        self._identity: tuple[int, int] | None = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(1)
        self._writer = anyio.Lock()
        self._queue: list[_Job[Any]] = []

    def __repr__(self) -> str:
        return f"SQLiteLedger({str(self.path)!r})"

    # -- plumbing ----------------------------------------------------------------------------

    def _connect(self) -> None:
        """Open the file, retrying while another process is setting it up.

        Two processes opening a new file at once can both hold a read lock and both want the
        write lock (to switch to WAL, to create the tables): SQLite answers one of them "database
        is locked" at once, without waiting for its busy timeout (waiting could deadlock). That
        process starts over, after a short pause, until the busy timeout has passed.
        """
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        pause = 0.005
        while True:
            try:
                self._connect_once()
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause * random.uniform(0.5, 1.5))  # in a worker thread
            pause = min(pause * 2, 0.25)

    def _connect_once(self) -> None:
        if not self.create and not self.path.is_file():
            raise LedgerError(f"no ledger at {self.path} (nothing was created): check --ledger")
        conn = sqlite3.connect(
            self.path,
            timeout=_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            with _transaction(conn):
                for statement in _sql.SCHEMA:
                    conn.execute(statement)
            stat = self.path.stat()
        except BaseException:
            conn.close()
            raise
        self._identity = (stat.st_dev, stat.st_ino)
        self._conn = conn

    async def _run(self, fn: Callable[[sqlite3.Connection, float], _T]) -> _T:
        def call() -> _T:
            with self._lock:
                if self._conn is None:
                    raise LedgerError(f"ledger {self.path} is not open")
                return fn(self._conn, time.time())

        try:
            return await anyio.to_thread.run_sync(call, limiter=self._limiter)
        except sqlite3.Error as exc:
            raise LedgerError(f"ledger {self.path}: {exc}") from exc

    async def _write(self, fn: Callable[[sqlite3.Connection, float], _T]) -> _T:
        """Run ``fn`` in a ``BEGIN IMMEDIATE`` transaction shared with the writes queued
        meanwhile (group commit: one commit, one fsync, for all of them)."""
        job: _Job[_T] = _Job(fn)
        self._queue.append(job)
        async with self._writer:
            if not job.done:
                group, self._queue = self._queue, []
                await self._run(lambda conn, now: _commit_group(conn, now, group))
        if job.error is not None:
            raise LedgerError(f"ledger {self.path}: {job.error}") from job.error
        return job.result  # type: ignore[return-value]

    # -- the protocol ------------------------------------------------------------------------

    async def open(self) -> None:
        """Open (or create) the file and its tables."""
        try:
            await anyio.to_thread.run_sync(self._connect, limiter=self._limiter)
        except (sqlite3.Error, OSError) as exc:
            raise LedgerError(f"cannot open ledger {self.path}: {exc}") from exc

    async def lost(self) -> str | None:
        """How the path lost the file opened (``None`` while it still leads to it)."""
        try:
            stat = await anyio.Path(self.path).stat()
        except FileNotFoundError:
            return "deleted"
        if (stat.st_dev, stat.st_ino) != self._identity:
            return "replaced by another file"
        return None

    async def rescue(self) -> Path:
        """Write the records of the file opened back to the path, or, when another file took
        the path, to a new recovery file beside it; return where they went."""

        def run() -> Path:
            target = self.path
            if target.exists():
                stamp = time.strftime("%Y%m%d-%H%M%S")
                target = self.path.with_name(f"{self.path.name}.recovered-{stamp}")
            with self._lock:
                if self._conn is None:
                    raise LedgerError(f"ledger {self.path} is not open")
                copy = sqlite3.connect(target)
                try:
                    self._conn.backup(copy)
                finally:
                    copy.close()
            return target

        try:
            return await anyio.to_thread.run_sync(run, limiter=self._limiter)
        except (sqlite3.Error, OSError) as exc:
            raise LedgerError(
                f"cannot write the records of ledger {self.path} back: {exc}"
            ) from exc

    async def bind(self, values: Mapping[str, str]) -> dict[str, str]:
        """Record ``values`` where none is recorded yet; return every recorded value."""

        def run(conn: sqlite3.Connection, now: float) -> dict[str, str]:
            for name, value in values.items():
                conn.execute(_sql.BIND, {"name": name, "value": value})
            return dict(conn.execute(_sql.BOUND).fetchall())

        return await self._write(run)

    async def aclose(self) -> None:
        """Close the connection."""

        def close() -> None:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(close, limiter=self._limiter)

    async def register(self, rows: Sequence[RowSpec]) -> None:
        """Add missing rows as ``pending``."""

        def run(conn: sqlite3.Connection, now: float) -> None:
            sql = _sqlite(_sql.INSERT, now)
            with _transaction(conn):
                conn.executemany(sql, [_sql.spec(row) for row in rows])

        await self._run(run)

    async def records(self, keys: Sequence[str]) -> dict[str, RowRecord]:
        """Current records of ``keys``."""

        def run(conn: sqlite3.Connection, now: float) -> dict[str, RowRecord]:
            sql = _sqlite(
                f"SELECT {_sql.COLUMNS} FROM {_sql.ROWS} "
                "WHERE key IN (SELECT value FROM json_each(:keys))",
                now,
            )
            found = conn.execute(sql, {"keys": json.dumps(list(keys))}).fetchall()
            return {r.key: r for r in map(_sql.record, found)}

        return await self._run(run)

    async def records_by_hint(self, hints: Sequence[str]) -> list[RowRecord]:
        """The records whose hint (subject) is one of ``hints``."""

        def run(conn: sqlite3.Connection, now: float) -> list[RowRecord]:
            sql = _sqlite(
                f"SELECT {_sql.COLUMNS} FROM {_sql.ROWS} "
                "WHERE hint IN (SELECT value FROM json_each(:hints))",
                now,
            )
            found = conn.execute(sql, {"hints": json.dumps(list(hints))}).fetchall()
            return list(map(_sql.record, found))

        return await self._run(run)

    async def reset(
        self, key: str, digest: str, hint: str | None = None, *, failed_only: bool = False
    ) -> bool:
        """Make a row that left nothing on the server ``pending`` again."""

        def run(conn: sqlite3.Connection, now: float) -> bool:
            params = {"key": key, "digest": digest, "hint": hint, "failed_only": failed_only}
            return conn.execute(_sqlite(_sql.RESET, now), params).rowcount == 1

        return await self._write(run)

    async def claim(
        self,
        keys: Sequence[str],
        worker: str,
        lease: float,
        *,
        stale: bool = False,
        changes: Mapping[str, object] | None = None,
    ) -> RowRecord | None:
        """Claim the first claimable (or, with ``stale``, stale) row of ``keys``."""
        condition, sets, values = _sql.claim_parts(stale, changes)

        def run(conn: sqlite3.Connection, now: float) -> RowRecord | None:
            found = conn.execute(
                _sqlite(
                    f"SELECT r.key FROM {_sql.ROWS} r JOIN json_each(:keys) j "
                    f"ON r.key = j.value WHERE {condition} ORDER BY r.position LIMIT 1",
                    now,
                ),
                {"keys": json.dumps(list(keys))},
            ).fetchone()
            if found is None:
                return None
            params = {**values, "key": found[0], "worker": worker, "lease": lease}
            take = f"UPDATE {_sql.ROWS} SET {sets} WHERE key = :key"
            conn.execute(_sqlite(take, now), params)
            row = conn.execute(
                _sqlite(f"SELECT {_sql.COLUMNS} FROM {_sql.ROWS} WHERE key = :key", now), params
            ).fetchone()
            return _sql.record(row)

        return await self._write(run)

    async def update(self, key: str, worker: str, changes: Mapping[str, object]) -> bool:
        """Change a row ``worker`` holds."""
        sql, params = _sql.update_statement(changes)

        def run(conn: sqlite3.Connection, now: float) -> bool:
            cursor = conn.execute(_sqlite(sql, now), {**params, "key": key, "worker": worker})
            return cursor.rowcount == 1

        return await self._write(run)

    async def heartbeat(self, worker: str, lease: float) -> int:
        """Extend ``worker``'s leases; return the live workers."""

        def run(conn: sqlite3.Connection, now: float) -> int:
            params = {"worker": worker, "lease": lease}
            conn.execute(_sqlite(_sql.EXTEND, now), params)
            conn.execute(_sqlite(_sql.SEEN, now), params)
            conn.execute(_sqlite(_sql.FORGET_DEAD, now))
            live: int = conn.execute(_sqlite(_sql.LIVE_WORKERS, now)).fetchone()[0]
            return live

        return await self._write(run)

    async def share_rate(self, worker: str, rate: float) -> list[float]:
        """Publish ``worker``'s send rate; return the rates of the live workers."""

        def run(conn: sqlite3.Connection, now: float) -> list[float]:
            conn.execute(_sqlite(_sql.PUBLISH_RATE, now), {"worker": worker, "rate": rate})
            conn.execute(_sqlite(_sql.FORGET_RATES, now))
            return [float(r[0]) for r in conn.execute(_sqlite(_sql.FLEET_RATES, now))]

        return await self._write(run)

    async def release(self, worker: str) -> None:
        """Give back ``worker``'s claimed rows."""

        def run(conn: sqlite3.Connection, now: float) -> None:
            conn.execute(_sqlite(_sql.UNCLAIM, now), {"worker": worker})
            conn.execute(_sqlite(_sql.FORGET_WORKER, now), {"worker": worker})
            conn.execute(_sqlite(_sql.FORGET_RATES, now))

        with anyio.CancelScope(shield=True):
            await self._write(run)


class _Job(Generic[_T]):
    """One write waiting for the next group commit."""

    def __init__(self, fn: Callable[[sqlite3.Connection, float], _T]) -> None:
        self.fn = fn
        self.done = False
        self.result: _T | None = None
        self.error: sqlite3.Error | None = None


def _commit_group(conn: sqlite3.Connection, now: float, group: list[_Job[Any]]) -> None:
    """All of ``group`` in one transaction; if one fails, each alone (each gets its answer)."""
    try:
        try:
            with _transaction(conn):
                for job in group:
                    job.result = job.fn(conn, now)
        except sqlite3.Error:
            if len(group) == 1:
                raise
            for job in group:
                try:
                    with _transaction(conn):
                        job.result = job.fn(conn, now)
                except sqlite3.Error as exc:
                    job.error = exc
    except sqlite3.Error as exc:
        group[0].error = exc
    finally:
        for job in group:
            job.done = True


def _sqlite(sql: str, now: float) -> str:
    # ``now`` is a float from time.time(), never text from elsewhere.
    return sql.replace("{now}", repr(now))


class _transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection.

    Every transaction writes, so each takes the write lock up front: the busy timeout then
    applies, where a deferred one upgrading its lock could fail at once with "locked".
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: Any, *exc: object) -> None:
        self._conn.execute("ROLLBACK" if kind is not None else "COMMIT")
