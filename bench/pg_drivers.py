"""asyncpg vs psycopg 3 for the ledger's statements (why the PostgreSQL ledger uses asyncpg).

Starts a throwaway PostgreSQL (``tests/_postgres.py``), creates a table shaped like the
ledger's, and runs ``--rows`` rows through what a batch worker does per row: one claim
(``UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)``) and three single-row
``UPDATE``s, from ``--concurrency`` tasks sharing a pool of ``--pool`` connections, on 127.0.0.1.
Prints statements per second and client CPU per statement for each driver.

Usage::

    python bench/pg_drivers.py [--rows 2000] [--concurrency 32] [--pool 4] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests._postgres import TempPostgres  # noqa: E402

SCHEMA = """
DROP TABLE IF EXISTS bench_rows;
CREATE TABLE bench_rows (key text PRIMARY KEY, position int NOT NULL, state text NOT NULL,
                         worker text, lease_until double precision, step text);
"""
CLAIM = """
UPDATE bench_rows r SET state = 'claimed', worker = $1, lease_until = 1e12
FROM (SELECT key FROM bench_rows WHERE state = 'pending' ORDER BY position
      LIMIT 1 FOR UPDATE SKIP LOCKED) c
WHERE r.key = c.key RETURNING r.key
"""
STEP = "UPDATE bench_rows SET state = 'sending', step = $3 WHERE key = $1 AND worker = $2"

Claim = Callable[[], Awaitable[str | None]]
Step = Callable[[str, str], Awaitable[None]]


async def _drive(rows: int, concurrency: int, claim: Claim, step: Step) -> tuple[float, float]:
    async def worker() -> None:
        while (key := await claim()) is not None:
            for name in ("sending", "draft", "started"):
                await step(key, name)

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    statements = rows * 4 + concurrency
    return statements / wall, 1e6 * cpu / statements


async def _asyncpg(dsn: str, args: argparse.Namespace) -> tuple[float, float]:
    import asyncpg

    pool = await asyncpg.create_pool(dsn, min_size=args.pool, max_size=args.pool)
    try:
        await pool.execute(SCHEMA)
        await pool.executemany(
            "INSERT INTO bench_rows VALUES ($1, $2, 'pending')",
            [(f"row {n}", n) for n in range(args.rows)],
        )

        async def claim() -> str | None:
            key: str | None = await pool.fetchval(CLAIM, "w1")
            return key

        async def step(key: str, name: str) -> None:
            await pool.execute(STEP, key, "w1", name)

        return await _drive(args.rows, args.concurrency, claim, step)
    finally:
        await pool.close()


async def _psycopg(dsn: str, args: argparse.Namespace) -> tuple[float, float]:
    from psycopg_pool import AsyncConnectionPool

    claim_sql, step_sql = CLAIM.replace("$1", "%s"), STEP.replace("$1", "%s")
    step_sql = step_sql.replace("$2", "%s").replace("$3", "%s")
    pool = AsyncConnectionPool(
        dsn, min_size=args.pool, max_size=args.pool, kwargs={"autocommit": True}, open=False
    )
    await pool.open(wait=True)
    try:
        async with pool.connection() as conn:
            await conn.execute(SCHEMA)
            async with conn.cursor() as cur:
                await cur.executemany(
                    "INSERT INTO bench_rows VALUES (%s, %s, 'pending')",
                    [(f"row {n}", n) for n in range(args.rows)],
                )

        async def claim() -> str | None:
            async with pool.connection() as conn:
                row = await (await conn.execute(claim_sql, ("w1",))).fetchone()
                return None if row is None else str(row[0])

        async def step(key: str, name: str) -> None:
            async with pool.connection() as conn:
                await conn.execute(step_sql, (key, "w1", name))

        return await _drive(args.rows, args.concurrency, claim, step)
    finally:
        await pool.close()


def main() -> None:
    """Run both drivers against one throwaway server and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--pool", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    drivers = {"asyncpg": _asyncpg, "psycopg": _psycopg}
    with TempPostgres() as pg:
        for round_ in range(args.rounds):  # alternate, so warm-up and load hit both alike
            for name in sorted(drivers, reverse=bool(round_ % 2)):
                rate, cpu = asyncio.run(drivers[name](pg.dsn, args))
                print(f"{name:8} {rate:8.0f} statements/s {cpu:6.0f} us client CPU per statement")


if __name__ == "__main__":
    main()
