"""``easyink batch`` against a per-account request quota, without ``--rate``: no row is lost.

The sandbox answers ``429 RateLimited`` beyond 40 requests/s (burst 10) per account; the
workers run as real processes. Every row must end started exactly once, nothing may be left as
a draft, and 429 answers must stay at most 5 % of all requests. (How much of the quota the
batch uses is a benchmark's business: ``bench/quota.py``.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from easyink_sandbox import FaultConfig, SandboxConfig, SandboxThread, simple_pdf

from .conftest import Server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

QUOTA = FaultConfig(quota_rate=40, quota_burst=10)
USER = "quota-user"
WAIT = 180.0
NOT_STARTED = frozenset({"Draft", "ReadyToStart", "Voided"})


@contextmanager
def _sandbox() -> Iterator[Server]:
    with SandboxThread(SandboxConfig(faults=QUOTA)) as thread:
        yield Server(thread.url, thread.sandbox, thread.sandbox.issue_token(USER))


def _manifest(folder: Path, count: int) -> Path:
    (folder / "docs").mkdir()
    (folder / "docs" / "contract.pdf").write_bytes(simple_pdf(["Contract"]))
    rows = [f"q{n},docs/contract.pdf,Quota {n},Ann Lee,ann{n}@example.com" for n in range(count)]
    path = folder / "manifest.csv"
    lines = ["key,file,subject,signer_name,signer_email", *rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _workers(server: Server, manifest: Path, count: int, *args: str) -> list[tuple[int, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYINK_")}
    env["EASYINK_CONFIG"] = str(manifest.parent / "config.toml")
    command = [sys.executable, "-m", "easyink_ext.cli", *server.flags, "batch", str(manifest)]
    procs = [
        subprocess.Popen(
            [*command, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    outcomes = []
    for proc in procs:
        out, err = proc.communicate(timeout=WAIT)
        outcomes.append((proc.returncode, out + err))
    return outcomes


def _check(server: Server, rows: int, outcomes: list[tuple[int, str]]) -> None:
    assert [code for code, _ in outcomes] == [0] * len(outcomes), outcomes
    sessions = list(server.sandbox.store.sessions.values())
    started = Counter(s.subject for s in sessions if s.status not in NOT_STARTED)
    assert started == Counter(f"Quota {n}" for n in range(rows))  # each exactly once
    assert [s.subject for s in sessions if s.status in ("Draft", "ReadyToStart")] == []
    stats = server.sandbox.quota.stats[USER]
    total = stats.ok + stats.limited + stats.other
    assert stats.limited > 0, "the quota was never reached: the test would prove nothing"
    assert stats.limited <= 0.05 * total, (stats, total)


@pytest.mark.parametrize(
    ("workers", "concurrency", "rows"),
    [(1, 64, 80), (3, 32, 90)],
    ids=["one worker at 64 tasks", "three workers share a sqlite ledger"],
)
def test_sqlite_ledger(tmp_path: Path, workers: int, concurrency: int, rows: int) -> None:
    manifest = _manifest(tmp_path, rows)
    with _sandbox() as server:
        ledger = str(tmp_path / "ledger.sqlite")
        outcomes = _workers(server, manifest, workers, "--ledger", ledger, "-c", str(concurrency))
        _check(server, rows, outcomes)


def test_three_workers_share_a_postgresql_ledger(tmp_path: Path, pg_dsn: str) -> None:
    manifest = _manifest(tmp_path, 90)
    with _sandbox() as server:
        outcomes = _workers(server, manifest, 3, "--ledger", pg_dsn, "-c", "32")
        _check(server, 90, outcomes)
