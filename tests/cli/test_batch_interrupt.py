"""``easyink batch`` stopped the way operators stop it: Ctrl-C, a PostgreSQL ledger that dies.

A session whose start was sent is never undone: after the interruptions a run with
``--reconcile --retry-failed`` leaves every subject with exactly one started session, and no
session was voided after it had been started (its signer would have had an invitation, a void
notice and a second invitation).
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from easyink_sandbox import FaultConfig, Sandbox

from .._postgres import PostgresUnavailable, TempPostgres
from ..conftest import postgres_unavailable
from .conftest import Server
from .test_batch_ledger import (
    _finish,
    _pg_started,
    _rows,
    _run,
    _sandbox,
    _sqlite_started,
    _start,
    _wait_until,
    _write_manifest,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROWS = 200
STARTED = "Signing session started"


def _every_subject_started_once(sandbox: Sandbox, subjects: list[str]) -> None:
    """One started session per subject; none voided after its start; no draft left over."""
    sessions = list(sandbox.store.sessions.values())
    started = Counter(s.subject for s in sessions if any(e.text == STARTED for e in s.events))
    assert started == Counter(subjects), {k: v for k, v in started.items() if v != 1}
    undone = [s.subject for s in sessions if s.status == "Voided" and s.signed_documents]
    assert undone == []
    leftovers = [(s.subject, s.status) for s in sessions if s.status in ("Draft", "ReadyToStart")]
    assert leftovers == []


def _interrupt(proc: subprocess.Popen[str], times: int) -> tuple[int, str, str]:
    """SIGINT ``times`` times (the later ones during the cleanup), then wait for the exit."""
    for _ in range(times):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)
    return _finish(proc)


def _reconcile_until_done(server: Server, manifest: Path, ledger: str) -> str:
    out = err = ""
    codes = []
    for _ in range(3):
        code, out, err = _run(server, manifest, "--ledger", ledger, "--reconcile", "--retry-failed")
        codes.append(code)
        if code == 0:
            break
    assert codes[-1] == 0, (codes, out, err)
    return out


def test_sigint_at_three_points_then_reconcile_starts_every_row_once(tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, _rows(ROWS, "Ctrl-C"))
    ledger = tmp_path / "ledger.sqlite"
    with _sandbox(FaultConfig(latency_ms=40)) as server:
        for threshold, times, extra in ((10, 1, ()), (50, 2, ("--reconcile",)), (90, 3, ())):
            proc = _start(server, manifest, "--ledger", str(ledger), "-c", "16", *extra)
            _wait_until(lambda: _sqlite_started(ledger) >= threshold, proc)  # noqa: B023
            code, out, err = _interrupt(proc, times)
            assert code in (4, 5), (code, out, err)  # unknown rows, or rows not sent yet
            assert "Traceback" not in err, err
            assert err.startswith("easyink: interrupted: stopping"), err
            assert code == 5 or "--reconcile" in err.splitlines()[-1], err
        out = _reconcile_until_done(server, manifest, str(ledger))
        assert f"{ROWS} rows: {ROWS} started" in out
        _every_subject_started_once(server.sandbox, [f"Ctrl-C {n}" for n in range(ROWS)])


def test_postgresql_stopped_and_restarted_mid_run(tmp_path: Path) -> None:
    try:
        # Durable commits, as any real ledger has: without them ``-m immediate`` loses the
        # last commits (synchronous_commit=off) and the ledger forgets rows it had recorded.
        server_pg = TempPostgres(durable=True)
    except PostgresUnavailable as exc:
        postgres_unavailable(exc)
    with server_pg as pg:
        manifest = _write_manifest(tmp_path, _rows(ROWS, "PG"))
        with _sandbox(FaultConfig(latency_ms=40)) as server:
            proc = _start(server, manifest, "--ledger", pg.dsn, "-c", "16")
            _wait_until(lambda: _pg_started(pg.dsn) >= 30, proc)
            pg.crash()
            code, out, err = _finish(proc)
            assert code == 4, (code, out, err)
            lines = err.strip().splitlines()
            assert len(lines) == 1, err  # the pool's own logging stays quiet
            assert lines[0].startswith("easyink: ledger postgresql://")
            assert lines[0].endswith("once it is back, run again with --reconcile"), lines
            pg.restart()
            out = _reconcile_until_done(server, manifest, pg.dsn)
            assert f"{ROWS} rows: {ROWS} started" in out
            _every_subject_started_once(server.sandbox, [f"PG {n}" for n in range(ROWS)])
