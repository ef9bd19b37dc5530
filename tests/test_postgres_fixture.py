"""The suite's own PostgreSQL: found on the machine, skipped without it, never skipped in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import _postgres
from ._postgres import PostgresUnavailable, TempPostgres
from .conftest import postgres_unavailable


def test_without_binaries_the_tests_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no PostgreSQL"):
        postgres_unavailable(PostgresUnavailable("no PostgreSQL binaries"))


def test_under_ci_they_fail_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        postgres_unavailable(PostgresUnavailable("no PostgreSQL binaries"))


def test_binaries_are_looked_for_in_debians_folder_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for version in ("13", "15"):
        folder = tmp_path / version / "bin"
        folder.mkdir(parents=True)
        (folder / "pg_ctl").touch()
        (folder / "initdb").touch()
    monkeypatch.setattr(_postgres.shutil, "which", lambda name: None)
    monkeypatch.setattr(
        _postgres.glob,
        "glob",
        lambda pattern: [str(tmp_path / "13" / "bin"), str(tmp_path / "15" / "bin")],
    )
    assert _postgres.find_pg_bin() == tmp_path / "15" / "bin"
    monkeypatch.setattr(_postgres.glob, "glob", lambda pattern: [])
    with pytest.raises(PostgresUnavailable):
        _postgres.find_pg_bin()


def test_the_server_listens_on_loopback_and_a_socket_as_an_unprivileged_user(
    postgres: TempPostgres,
) -> None:
    import psycopg

    for dsn in (postgres.dsn, postgres.socket_dsn):
        with psycopg.connect(dsn) as conn:
            row = conn.execute("SELECT current_user, inet_server_addr()").fetchone()
        assert row is not None and row[0] == "postgres"
        assert row[1] is None or str(row[1]) == "127.0.0.1"
    assert (postgres.root / "data").stat().st_uid != 0 or not postgres._as_root
