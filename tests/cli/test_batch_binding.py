"""The ledger knows where it points: one server and account; never created by ``--status``;
kept in memory for the embedded sandbox; a ledger file lost during a run is noticed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from easyink_ext.ledger import account_of, server_of
from easyink_sandbox import FaultConfig, SandboxConfig, SandboxThread

from .conftest import Cli, Server
from .test_batch_ledger import (
    _finish,
    _pg_started,
    _rows,
    _run,
    _sandbox,
    _sqlite_started,
    _start,
    _started_once,
    _wait_until,
    _write_manifest,
)

pytestmark = pytest.mark.integration


def test_server_and_account_spellings() -> None:
    assert server_of("HTTPS://API.example.com/v1/") == "https://api.example.com/v1"
    assert account_of("not-a-jwt") == ""
    assert account_of("e30.eyJzdWIiOiAiYWxpY2UifQ.sig") == "alice"  # {"sub": "alice"}


def test_a_ledger_of_one_server_is_refused_against_another(
    run: Cli, server: Server, tmp_path: Path
) -> None:
    manifest = _write_manifest(tmp_path, _rows(3))
    ledger = str(tmp_path / "ledger.sqlite")
    assert run(*server.flags, "batch", str(manifest), "--ledger", ledger).exit_code == 0
    with SandboxThread(SandboxConfig()) as other:
        flags = ["--base-url", other.url, "--token", other.sandbox.issue_token()]
        result = run(*flags, "batch", str(manifest), "--ledger", ledger)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert server.url.lower() in lines[0] and other.url.lower() in lines[0]
        assert "refused, nothing sent" in lines[0]
        assert other.sandbox.request_log == []  # not one request
    # The same server as another account: refused too.
    flags = ["--base-url", server.url, "--token", server.sandbox.issue_token("mallory")]
    sent = len(server.sandbox.request_log)
    result = run(*flags, "batch", str(manifest), "--ledger", ledger)
    assert result.exit_code == 2
    assert "'mallory'" in result.stderr
    assert len(server.sandbox.request_log) == sent


def test_without_a_base_url_the_ledger_is_in_memory(run: Cli, tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, _rows(2))
    result = run("batch", str(manifest))
    assert result.exit_code == 0, result.output
    assert "the ledger is kept in memory" in result.stderr
    assert "(ledger in memory)" in result.stdout
    assert not (tmp_path / "manifest.csv.ledger.sqlite").exists()


def test_status_never_creates_a_ledger(run: Cli, server: Server, tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, _rows(2))
    mistyped = tmp_path / "ledgr.sqlite"
    result = run(*server.flags, "batch", str(manifest), "--ledger", str(mistyped), "--status")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"easyink: no ledger at {mistyped} (nothing was created): check --ledger"
    )
    assert not mistyped.exists()


@pytest.mark.slow
def test_a_ledger_deleted_during_a_run_stops_it_and_is_written_back(tmp_path: Path) -> None:
    manifest = _write_manifest(tmp_path, _rows(120, "Lost"))
    ledger = tmp_path / "ledger.sqlite"
    with _sandbox(FaultConfig(latency_ms=30)) as server:
        proc = _start(server, manifest, "--ledger", str(ledger), "-c", "8")
        _wait_until(lambda: _sqlite_started(ledger) >= 10, proc)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ledger}{suffix}").unlink(missing_ok=True)
        code, out, err = _finish(proc)
        assert code == 4, (out, err)
        assert err.strip().splitlines() == [
            f"easyink: ledger {ledger} was deleted during the run: stopped claiming rows and "
            f"finished those in flight; its records were written back to {ledger}: run again "
            "with --reconcile"
        ], err
        with sqlite3.connect(ledger) as conn:
            started = {
                row[0]
                for row in conn.execute(
                    "SELECT session_id FROM easyink_batch_rows WHERE state = 'started'"
                )
            }
        assert len(started) >= 10
        on_server = {s.id for s in server.sandbox.store.sessions.values() if s.status == "Pending"}
        assert started == on_server  # every row started so far is in the rewritten ledger

        code, out, err = _run(server, manifest, "--ledger", str(ledger), "--reconcile")
        assert (code, err) == (0, ""), out
        _started_once(server.sandbox, [f"Lost {n}" for n in range(120)])


@pytest.mark.slow
def test_a_keyword_dsn_is_postgresql_creates_no_file_and_prints_no_password(
    tmp_path: Path, pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = urlsplit(pg_dsn)
    keywords = (
        f"host={url.hostname} port={url.port} dbname={url.path.lstrip('/')} "
        f"user={url.username} password=s3cret-pw"  # trust authentication: not checked
    )
    manifest = _write_manifest(tmp_path, _rows(3, "Keyword"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with _sandbox() as server:
        code, out, err = _run(server, manifest, "--ledger", keywords)
        assert (code, err) == (0, ""), out
        status = _run(server, manifest, "--ledger", keywords, "--status")
        assert status[0] == 0, status
    assert "s3cret-pw" not in out + err + status[1] + status[2]
    assert "password=[REDACTED]" in out
    assert list(work.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "docs",
        "manifest.csv",
        "work",
    ]
    assert _pg_started(pg_dsn) == 3
