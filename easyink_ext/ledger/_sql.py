"""The SQL both database ledgers share: tables, conditions, statements (``:name`` parameters).

``{now}`` stands for the ledger clock in seconds since the epoch: a parameter computed by the
process for SQLite (one machine), the database server's clock for PostgreSQL (many machines).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from ._protocol import FIELDS, RowRecord, RowSpec, RowState

ROWS = "easyink_batch_rows"
WORKERS = "easyink_batch_workers"
META = "easyink_batch_meta"

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {ROWS} (
    key TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    position INTEGER NOT NULL,
    state TEXT NOT NULL,
    worker TEXT,
    lease_until DOUBLE PRECISION,
    step TEXT,
    draft_id TEXT,
    session_id TEXT,
    error TEXT,
    clean BOOLEAN NOT NULL DEFAULT FALSE,
    hint TEXT,
    since DOUBLE PRECISION,
    updated DOUBLE PRECISION NOT NULL
)""",
    f"CREATE INDEX IF NOT EXISTS {ROWS}_worker ON {ROWS} (worker, state)",
    f"""CREATE TABLE IF NOT EXISTS {WORKERS} (
    id TEXT PRIMARY KEY,
    seen DOUBLE PRECISION NOT NULL,
    lease DOUBLE PRECISION NOT NULL
)""",
    f"""CREATE TABLE IF NOT EXISTS {META} (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
)

BIND = f"INSERT INTO {META} (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING"
BOUND = f"SELECT name, value FROM {META}"

COLUMNS = (
    "key, digest, position, state, worker, COALESCE(lease_until > {now}, FALSE) AS live, "
    "step, draft_id, session_id, error, clean, hint, since"
)
CLAIMABLE = "(state = 'pending' OR (state = 'claimed' AND lease_until < {now}))"
STALE = (
    "(state = 'unknown' OR (state = 'sending' AND lease_until < {now})"
    " OR (state = 'failed' AND NOT clean))"
)
HELD = "state IN ('claimed', 'sending')"

INSERT = (
    f"INSERT INTO {ROWS} (key, digest, position, hint, state, updated) "
    "VALUES (:key, :digest, :position, :hint, 'pending', {now}) ON CONFLICT (key) DO NOTHING"
)
RESET = (
    f"UPDATE {ROWS} SET digest = :digest, state = 'pending', worker = NULL, lease_until = NULL,"
    " step = NULL, draft_id = NULL, session_id = NULL, error = NULL, clean = FALSE,"
    " hint = :hint, since = NULL, updated = {now}"
    " WHERE key = :key"
    " AND ((state = 'failed' AND clean) OR (state = 'pending' AND NOT :failed_only))"
)
EXTEND = f"UPDATE {ROWS} SET lease_until = {{now}} + :lease WHERE worker = :worker AND {HELD}"
SEEN = (
    f"INSERT INTO {WORKERS} (id, seen, lease) VALUES (:worker, {{now}}, :lease)"
    " ON CONFLICT (id) DO UPDATE SET seen = excluded.seen, lease = excluded.lease"
)
FORGET_DEAD = f"DELETE FROM {WORKERS} WHERE seen + lease < {{now}} - 3600"
LIVE_WORKERS = f"SELECT count(*) FROM {WORKERS} WHERE seen + lease > {{now}}"
UNCLAIM = (
    f"UPDATE {ROWS} SET state = 'pending', worker = NULL, lease_until = NULL, updated = {{now}}"
    " WHERE worker = :worker AND state = 'claimed'"
)
FORGET_WORKER = f"DELETE FROM {WORKERS} WHERE id = :worker"


def claim_parts(
    stale: bool, changes: Mapping[str, object] | None = None
) -> tuple[str, str, dict[str, object]]:
    """What a claim takes (the WHERE condition), its SET clause and the SET's parameters:
    ``claimed`` plus ``changes``, or ``sending``/``reconcile`` for a stale row."""
    lease = "worker = :worker, lease_until = {now} + :lease, updated = {now}"
    if stale:
        return STALE, f"state = 'sending', step = 'reconcile', {lease}", {}
    sets, params = _assignments({"state": "claimed", "step": None, **(changes or {})})
    return CLAIMABLE, f"{sets}, {lease}", params


def _assignments(changes: Mapping[str, object]) -> tuple[str, dict[str, object]]:
    unknown = set(changes) - FIELDS
    if unknown:
        raise ValueError(f"unknown ledger fields: {sorted(unknown)}")
    names = sorted(changes)
    return ", ".join(f"{name} = :{name}" for name in names), {n: changes[n] for n in names}


def update_statement(changes: Mapping[str, object]) -> tuple[str, dict[str, object]]:
    """``UPDATE`` of the given fields while ``:worker`` holds ``:key``, and its parameters."""
    sets, params = _assignments(changes)
    if changes.get("state") not in (None, "claimed", "sending"):
        sets += ", lease_until = NULL"
    sql = (
        f"UPDATE {ROWS} SET {sets}, updated = {{now}}"
        f" WHERE key = :key AND worker = :worker AND {HELD}"
    )
    return sql, params


def spec(row: RowSpec) -> dict[str, object]:
    """The parameters of :data:`INSERT` for one row."""
    key, digest, position, hint = row
    return {"key": key, "digest": digest, "position": position, "hint": hint}


def record(row: Sequence[Any]) -> RowRecord:
    """A :class:`RowRecord` from a row selected with :data:`COLUMNS`."""
    return RowRecord(
        key=row[0],
        digest=row[1],
        position=int(row[2]),
        state=cast(RowState, row[3]),
        worker=row[4],
        live=bool(row[5]),
        step=row[6],
        draft_id=row[7],
        session_id=row[8],
        error=row[9],
        clean=bool(row[10]),
        hint=row[11],
        since=row[12],
    )


_NAMED = re.compile(r"(?<!:):([a-z_]+)")


def pyformat(sql: str) -> str:
    """``:name`` parameters as ``%(name)s`` (psycopg's style)."""
    return _NAMED.sub(r"%(\1)s", sql)
