"""The shared ledger: PostgreSQL, for many processes on many machines (``easyink[postgres]``).

Every operation is one autocommit statement (or one short transaction) on a small connection
pool. A claim is one statement::

    UPDATE rows SET state = 'claimed', worker = ..., lease_until = now + lease
    FROM (SELECT key FROM rows WHERE key = ANY(keys) AND <claimable>
          ORDER BY position LIMIT 1 FOR UPDATE SKIP LOCKED) c
    WHERE rows.key = c.key RETURNING ...

so concurrent workers skip each other's locked rows instead of waiting for them, and never
claim the same row. Leases and heartbeats use the database server's clock, so the machines'
clocks need not agree.

**Driver: psycopg 3** (with ``psycopg_pool``), chosen by measuring against asyncpg with
``bench/pg_drivers.py`` (the ledger's claim plus three single-row updates per row, 32 tasks,
4 pooled connections, PostgreSQL 15 on 127.0.0.1; 2-CPU machine shared with other work, 4
alternating rounds): psycopg 3 3,682-5,428 statements/s at 123-156 us client CPU per
statement, asyncpg 3,385-4,002 statements/s at 120-183 us. The two are within the noise of
each other on CPU and psycopg was never slower, so asyncpg's reputation for speed is no reason
to prefer it here (a batch row needs three statements, far below either driver's capacity).
What decides is that psycopg goes through libpq: the DSN takes every libpq option
(``sslmode``, ``service``, ``passfile``, ``PG*`` environment variables). See BENCHMARKS.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import _sql
from ._dsn import redact_dsn, scrub
from ._protocol import LedgerError, RowRecord, RowSpec

__all__ = ["PostgresLedger"]

_NOW = "extract(epoch from now())::double precision"  # one instant per transaction
_POOL_SIZE = 8


def _pg(sql: str) -> str:
    return _sql.pyformat(sql.replace("{now}", _NOW))


class PostgresLedger:
    """A :class:`~easyink_ext.ledger.Ledger` in the PostgreSQL database ``dsn``."""

    def __init__(self, dsn: str, *, pool_size: int = _POOL_SIZE, create: bool = True) -> None:
        self.dsn = dsn
        self.create = create  # False: open an existing ledger only (LedgerError when missing)
        self._pool_size = pool_size
        self._pool: Any = None

    def __repr__(self) -> str:
        return f"PostgresLedger({redact_dsn(self.dsn)!r})"

    async def _execute(self, sql: str, params: Mapping[str, object] | None = None) -> Any:
        import psycopg

        if self._pool is None:
            raise LedgerError(f"ledger {redact_dsn(self.dsn)} is not open")
        try:
            async with self._pool.connection() as conn:
                return await conn.execute(sql, params)
        except psycopg.Error as exc:
            raise LedgerError(f"ledger {redact_dsn(self.dsn)}: {_one_line(exc, self.dsn)}") from exc

    async def open(self) -> None:
        """Connect (a pool of a few connections) and create the tables when missing."""
        try:
            import psycopg
            from psycopg_pool import AsyncConnectionPool
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise LedgerError(
                "a postgresql:// ledger needs psycopg: pip install 'easyink[postgres]'"
            ) from exc
        try:
            # One direct connection first: a wrong DSN fails now, not after the pool's retries.
            conn = await psycopg.AsyncConnection.connect(self.dsn)
            async with conn, conn.transaction():
                # One creator at a time: CREATE TABLE IF NOT EXISTS races with itself.
                await conn.execute("SELECT pg_advisory_xact_lock(724150417)")
                if not self.create:
                    found = await conn.execute(f"SELECT to_regclass('{_sql.ROWS}')")
                    if (await found.fetchone() or (None,))[0] is None:
                        raise LedgerError(
                            f"no ledger in {redact_dsn(self.dsn)} (nothing was created): "
                            "check --ledger"
                        )
                for statement in _sql.SCHEMA:
                    await conn.execute(statement)
        except (psycopg.Error, OSError) as exc:
            raise LedgerError(
                f"cannot open ledger {redact_dsn(self.dsn)}: {_one_line(exc, self.dsn)}"
            ) from exc
        pool = AsyncConnectionPool(
            self.dsn,
            min_size=1,
            max_size=self._pool_size,
            kwargs={"autocommit": True},
            open=False,
            timeout=30.0,
        )
        try:
            await pool.open(wait=True, timeout=30.0)
        except (psycopg.Error, OSError, TimeoutError) as exc:
            await pool.close()
            raise LedgerError(
                f"cannot open ledger {redact_dsn(self.dsn)}: {_one_line(exc, self.dsn)}"
            ) from exc
        except BaseException:
            await pool.close()
            raise
        self._pool = pool

    async def aclose(self) -> None:
        """Close the pool."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    async def register(self, rows: Sequence[RowSpec]) -> None:
        """Add missing rows as ``pending``."""
        import psycopg

        if self._pool is None:
            raise LedgerError(f"ledger {redact_dsn(self.dsn)} is not open")
        try:
            async with self._pool.connection() as conn, conn.cursor() as cursor:
                await cursor.executemany(_pg(_sql.INSERT), [_sql.spec(row) for row in rows])
        except psycopg.Error as exc:
            raise LedgerError(f"ledger {redact_dsn(self.dsn)}: {_one_line(exc, self.dsn)}") from exc

    async def records(self, keys: Sequence[str]) -> dict[str, RowRecord]:
        """Current records of ``keys``."""
        sql = _pg(f"SELECT {_sql.COLUMNS} FROM {_sql.ROWS} WHERE key = ANY(:keys)")
        cursor = await self._execute(sql, {"keys": list(keys)})
        return {r.key: r for r in map(_sql.record, await cursor.fetchall())}

    async def bind(self, values: Mapping[str, str]) -> dict[str, str]:
        """Record ``values`` where none is recorded yet; return every recorded value."""
        for name, value in values.items():
            await self._execute(_pg(_sql.BIND), {"name": name, "value": value})
        cursor = await self._execute(_sql.BOUND)
        return {str(n): str(v) for n, v in await cursor.fetchall()}

    async def records_by_hint(self, hints: Sequence[str]) -> list[RowRecord]:
        """The records whose hint (subject) is one of ``hints``."""
        sql = _pg(f"SELECT {_sql.COLUMNS} FROM {_sql.ROWS} WHERE hint = ANY(:hints)")
        cursor = await self._execute(sql, {"hints": list(hints)})
        return list(map(_sql.record, await cursor.fetchall()))

    async def reset(
        self, key: str, digest: str, hint: str | None = None, *, failed_only: bool = False
    ) -> bool:
        """Make a row that left nothing on the server ``pending`` again."""
        params = {"key": key, "digest": digest, "hint": hint, "failed_only": failed_only}
        cursor = await self._execute(_pg(_sql.RESET), params)
        return bool(cursor.rowcount == 1)

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
        sql = _pg(
            f"UPDATE {_sql.ROWS} SET {sets} FROM ("
            f"SELECT key AS chosen FROM {_sql.ROWS} WHERE key = ANY(:keys) AND {condition} "
            "ORDER BY position LIMIT 1 FOR UPDATE SKIP LOCKED) c "
            f"WHERE key = c.chosen RETURNING {_sql.COLUMNS}"
        )
        params = {**values, "keys": list(keys), "worker": worker, "lease": lease}
        cursor = await self._execute(sql, params)
        row = await cursor.fetchone()
        return None if row is None else _sql.record(row)

    async def update(self, key: str, worker: str, changes: Mapping[str, object]) -> bool:
        """Change a row ``worker`` holds."""
        sql, params = _sql.update_statement(changes)
        cursor = await self._execute(_pg(sql), {**params, "key": key, "worker": worker})
        return bool(cursor.rowcount == 1)

    async def heartbeat(self, worker: str, lease: float) -> int:
        """Extend ``worker``'s leases; return the live workers."""
        statements = (_sql.EXTEND, _sql.SEEN, _sql.FORGET_DEAD, _sql.LIVE_WORKERS)
        row = await self._transaction(statements, {"worker": worker, "lease": lease})
        return int(row[0]) if row else 1

    async def release(self, worker: str) -> None:
        """Give back ``worker``'s claimed rows."""
        await self._transaction((_sql.UNCLAIM, _sql.FORGET_WORKER), {"worker": worker})

    async def _transaction(self, statements: Sequence[str], params: Mapping[str, object]) -> Any:
        """Run ``statements`` in one transaction; the first row of the last one's answer."""
        import psycopg

        if self._pool is None:
            raise LedgerError(f"ledger {redact_dsn(self.dsn)} is not open")
        try:
            async with self._pool.connection() as conn, conn.transaction():
                for sql in statements:
                    cursor = await conn.execute(_pg(sql), _used(sql, params))
                return await cursor.fetchone() if cursor.description else None
        except psycopg.Error as exc:
            raise LedgerError(f"ledger {redact_dsn(self.dsn)}: {_one_line(exc, self.dsn)}") from exc


def _used(sql: str, params: Mapping[str, object]) -> dict[str, object]:
    return {name: value for name, value in params.items() if f":{name}" in sql}


def _one_line(exc: BaseException, dsn: str) -> str:
    """The error in one bounded line, without the DSN's password."""
    text = " ".join(scrub(str(exc), dsn).split())
    return text[:500]
