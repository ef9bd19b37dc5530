"""``easyink batch`` with a ledger: real processes, real uvicorn, SIGKILL, and a PostgreSQL fleet.

Every test counts the sessions on the sandbox at the end: each row of the manifest started
exactly once, and no draft (or converted, never started session) left behind.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from easyink_sandbox import FaultConfig, Sandbox, SandboxConfig, SandboxThread, simple_pdf

from .conftest import Cli, Server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HEADER = "key,file,subject,signer_name,signer_email"
NOT_STARTED = frozenset({"Draft", "ReadyToStart", "Voided"})
LEASE = "2"  # seconds: a killed worker's claims come back quickly
WAIT = 180.0  # seconds any one process may take before the test gives up


@contextmanager
def _sandbox(faults: FaultConfig | None = None) -> Iterator[Server]:
    config = SandboxConfig(faults=faults if faults is not None else FaultConfig())
    with SandboxThread(config) as thread:
        yield Server(thread.url, thread.sandbox, thread.sandbox.issue_token())


def _write_manifest(folder: Path, rows: list[str], header: str = HEADER) -> Path:
    (folder / "docs").mkdir(exist_ok=True)
    pdf = folder / "docs" / "contract.pdf"
    if not pdf.exists():
        pdf.write_bytes(simple_pdf(["Contract"]))
    path = folder / "manifest.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _rows(count: int, prefix: str = "Lease") -> list[str]:
    return [f"r{n},docs/contract.pdf,{prefix} {n},Ann Lee,ann{n}@example.com" for n in range(count)]


def _start(server: Server, manifest: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYINK_")}
    env["EASYINK_CONFIG"] = str(manifest.parent / "config.toml")
    command = [sys.executable, "-m", "easyink_ext.cli", *server.flags, "batch", str(manifest)]
    return subprocess.Popen(
        [*command, "--lease", LEASE, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=WAIT)
    return proc.returncode, out, err


def _run(server: Server, manifest: Path, *args: str) -> tuple[int, str, str]:
    return _finish(_start(server, manifest, *args))


def _started_once(sandbox: Sandbox, subjects: list[str]) -> None:
    """Every subject has exactly one started session; no draft or unstarted session is left."""
    sessions = list(sandbox.store.sessions.values())
    started = Counter(s.subject for s in sessions if s.status not in NOT_STARTED)
    assert started == Counter(subjects), {k: v for k, v in started.items() if v != 1}
    leftovers = [(s.subject, s.status) for s in sessions if s.status in ("Draft", "ReadyToStart")]
    assert leftovers == []


def _wait_until(predicate: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        assert proc.poll() is None, "the worker finished before it could be killed"
        assert time.monotonic() < deadline, "the ledger never showed rows started"
        time.sleep(0.02)


def _sqlite_started(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            found = conn.execute(
                "SELECT count(*) FROM easyink_batch_rows WHERE state = 'started'"
            ).fetchone()
    except sqlite3.OperationalError:  # the tables are not created yet
        return 0
    return int(found[0])


# -- one machine, SQLite ------------------------------------------------------------------


def test_two_processes_share_one_sqlite_ledger(tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, _rows(60))
    ledger = str(tmp_path / "ledger.sqlite")
    with _sandbox() as server:
        workers = [_start(server, manifest, "--ledger", ledger, "-c", "6") for _ in range(2)]
        outcomes = [_finish(w) for w in workers]
        assert [code for code, _, _ in outcomes] == [0, 0], outcomes
        _started_once(server.sandbox, [f"Lease {n}" for n in range(60)])
        sent = len(server.sandbox.request_log)

        code, out, err = _run(server, manifest, "--ledger", ledger)
        assert (code, err) == (0, ""), out
        assert "60 rows: 60 started, 0 failed" in out
        assert len(server.sandbox.request_log) == sent  # not one request
        assert len(server.sandbox.store.sessions) == 60


def test_changed_keyed_row_is_refused_and_an_inserted_keyless_row_is_sent_alone(
    run: Cli, tmp_path: Path
) -> None:
    ledger = str(tmp_path / "ledger.sqlite")
    with _sandbox() as server:
        rows = _rows(3)
        manifest = _write_manifest(tmp_path, rows)
        assert run(*server.flags, "batch", str(manifest), "--ledger", ledger).exit_code == 0
        rows[1] = rows[1].replace("ann1@example.com", "ann.lee@example.com")
        _write_manifest(tmp_path, rows)
        refused = run(*server.flags, "batch", str(manifest), "--ledger", ledger)
        assert refused.exit_code == 3
        assert "refused  r1 (row 3, 'Lease 1'): row 'r1' changed since it was first sent" in (
            refused.stdout
        )
        assert refused.stderr.strip() == (
            "easyink: 1 row(s) refused: changed rows were refused: give them new keys"
        )
        _started_once(server.sandbox, ["Lease 0", "Lease 1", "Lease 2"])

        header = "file,subject,signer_name,signer_email"
        keyless = [r.split(",", 1)[1] for r in _rows(3, "Keyless")]
        manifest = _write_manifest(tmp_path, keyless, header)
        assert run(*server.flags, "batch", str(manifest), "--ledger", ledger).exit_code == 0
        inserted = ["docs/contract.pdf,Keyless new,Bo Chen,bo@example.com", *keyless]
        _write_manifest(tmp_path, inserted, header)
        again = run(*server.flags, "batch", str(manifest), "--ledger", ledger)
        assert again.exit_code == 0, again.output
        assert again.stdout.count("started  content:") == 1
        _started_once(
            server.sandbox,
            ["Lease 0", "Lease 1", "Lease 2", "Keyless new"] + [f"Keyless {n}" for n in range(3)],
        )


def test_sigkill_mid_run_then_reconcile_sends_every_row_once(tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, _rows(80))
    ledger = tmp_path / "ledger.sqlite"
    with _sandbox(FaultConfig(latency_ms=60)) as server:
        victim = _start(server, manifest, "--ledger", str(ledger), "-c", "8")
        _wait_until(lambda: _sqlite_started(ledger) >= 8, victim)
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=WAIT)

        status = _run(server, manifest, "--ledger", str(ledger), "--status")
        assert status[0] != 0  # rows are unknown or in progress, not all started

        code, out, err = _run(server, manifest, "--ledger", str(ledger), "--reconcile")
        assert (code, err) == (0, ""), out
        assert "80 rows: 80 started" in out
        _started_once(server.sandbox, [f"Lease {n}" for n in range(80)])


# -- many machines, PostgreSQL ------------------------------------------------------------


def _pg_started(dsn: str) -> int:
    import psycopg

    with psycopg.connect(dsn) as conn:
        exists = conn.execute("SELECT to_regclass('easyink_batch_rows')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        found = conn.execute(
            "SELECT count(*) FROM easyink_batch_rows WHERE state = 'started'"
        ).fetchone()
    return int(found[0]) if found else 0


def test_a_fleet_on_postgresql_with_faults_and_a_killed_worker(tmp_path: Path, pg_dsn: str) -> None:
    manifest = _write_manifest(tmp_path, _rows(150, "Fleet"))
    faults = FaultConfig(
        fail_rate=0.05,
        rate_limit_rate=0.05,
        drop_rate=0.02,
        fault_after_processing=True,
        retry_after=0.05,
        seed=14,
    )
    with _sandbox(faults) as server:
        workers = [_start(server, manifest, "--ledger", pg_dsn, "-c", "6") for _ in range(3)]
        _wait_until(lambda: _pg_started(pg_dsn) >= 20, workers[0])
        workers[0].send_signal(signal.SIGKILL)
        for worker in workers:
            worker.communicate(timeout=WAIT)
        assert {w.returncode for w in workers[1:]} <= {0, 3, 4}

        codes = []
        with_password = pg_dsn.replace("postgres@", "postgres:s3cret-pw@")  # trust: unused
        for _ in range(4):  # a few times at most: faults can hit the reconcile run itself
            code, out, err = _run(
                server, manifest, "--ledger", with_password, "--reconcile", "--retry-failed"
            )
            codes.append(code)
            if code == 0:
                break
        assert codes[-1] == 0, (codes, out, err)
        assert "150 rows: 150 started" in out
        assert "s3cret-pw" not in out + err
        server.sandbox.faults = FaultConfig()
        _started_once(server.sandbox, [f"Fleet {n}" for n in range(150)])
