"""Saved logins: one profile per base URL, refreshes shared between processes, private files."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from easyink_ext.cli._config import load_config, resolve_settings, write_config
from easyink_sandbox import SandboxThread
from tests.cli.conftest import Cli, Server, isolated_env, run, server

__all__ = ["isolated_env", "run", "server"]  # fixtures shared with tests/cli

pytestmark = pytest.mark.integration


def _token_requests(server: Server) -> int:
    return sum(1 for r in server.sandbox.request_log if r[1] == "/connect/token")


def test_four_processes_refresh_one_expired_login(
    run: Cli, server: Server, isolated_env: Path
) -> None:
    assert run("--base-url", server.url, "login").exit_code == 0
    server.sandbox.advance_time(2 * server.sandbox.config.token_ttl)  # the saved token expired
    before = _token_requests(server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EASYINK_")}
    env["EASYINK_CONFIG"] = str(isolated_env)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "easyink_ext.cli", "sessions", "list"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for child in children:
        _, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        assert "invalid_grant" not in stderr
    assert _token_requests(server) - before == 1  # one refresh, shared by all four
    assert stat.S_IMODE(isolated_env.stat().st_mode) == 0o600


def test_a_login_to_a_second_base_url_uses_its_own_identity_provider(
    run: Cli, server: Server, isolated_env: Path
) -> None:
    with SandboxThread() as other:
        assert run("--base-url", server.url, "login").exit_code == 0
        first = load_config(isolated_env).profile(server.url)
        result = run("--base-url", other.url, "login", "--user", "bob")
        assert result.exit_code == 0, result.output
        assert sum(1 for r in other.sandbox.request_log if r[1] == "/connect/token") == 1
        data = load_config(isolated_env)
        assert data.profile(other.url)["identity_url"] == other.url
        assert data.profile(server.url) == first  # the first server's login is kept
        assert data.base_url == other.url
        listed = run("sessions", "list")  # the new default, with its own token
        assert listed.exit_code == 0, listed.output
        back = run("--base-url", server.url, "sessions", "list")
        assert back.exit_code == 0, back.output


def test_one_servers_client_secret_is_not_sent_to_another(
    run: Cli, server: Server, isolated_env: Path
) -> None:
    write_config(
        isolated_env,
        {
            "base_url": server.url,
            "token": "a-token",
            "client_id": "local-client",
            "client_secret": "local-secret-123",
            "identity_url": server.url,
        },
    )
    result = run("--base-url", "https://api-staging.easyink.io", "login", "--client-id", "mine")
    assert "https://identity-staging.easyink.io/connect/authorize?" in result.stdout
    assert "local-client" not in result.stdout and server.url not in result.stdout
    staging = resolve_settings(base_url="https://api-staging.easyink.io", token=None, config=None)
    assert staging.values == {} and staging.token is None


def test_a_flat_config_of_older_versions_is_read_as_its_servers_profile(
    isolated_env: Path,
) -> None:
    isolated_env.parent.mkdir(parents=True)
    isolated_env.write_text('base_url = "http://127.0.0.1:1"\ntoken = "old"\n', encoding="utf-8")
    assert load_config(isolated_env).profile("http://127.0.0.1:1/") == {"token": "old"}
    assert resolve_settings(base_url=None, token=None, config=None).token == "old"


def test_a_new_config_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "home" / "easyink" / "config.toml"
    write_config(path, {"base_url": "http://127.0.0.1:1", "token": "t"})
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_dangling_config_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "config.toml"
    target = tmp_path / "elsewhere" / "secret.toml"
    link.symlink_to(target)
    with pytest.raises(ValueError, match="does not exist"):
        write_config(link, {"base_url": "http://127.0.0.1:1", "token": "t"})
    assert not target.exists() and not target.parent.exists()
    target.parent.mkdir()
    target.write_text("", encoding="utf-8")
    write_config(link, {"base_url": "http://127.0.0.1:1", "token": "t"})
    assert link.is_symlink() and "token" in target.read_text(encoding="utf-8")


def test_login_keeps_the_code_out_of_debug_logs(
    run: Cli, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = run("--base-url", server.url, "login")
    assert result.exit_code == 0, result.output
    wire = [r.getMessage() for r in caplog.records if r.name.startswith(("httpcore", "httpx"))]
    assert any("location" in m.lower() for m in wire)  # the redirect was logged...
    assert not [m for m in wire if "code=" in m and "code=[REDACTED]" not in m]  # ...redacted
