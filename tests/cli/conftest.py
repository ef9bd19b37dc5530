"""Fixtures of the CLI tests: an isolated environment, a runner and a sandbox on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

from easyink_ext.cli.app import cli
from easyink_sandbox import Sandbox, SandboxThread, simple_pdf


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No user config or environment leaks into a test; returns the config file path."""
    for name in (
        "EASYINK_BASE_URL",
        "EASYINK_TOKEN",
        "EASYINK_CLIENT_ID",
        "EASYINK_CLIENT_SECRET",
        "EASYINK_IDENTITY_URL",
        "EASYINK_REDIRECT_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("EASYINK_CONFIG", str(config))
    return config


@attrs.frozen
class Cli:
    """Runs ``easyink`` commands in process."""

    runner: CliRunner

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def run() -> Cli:
    return Cli(CliRunner())


@attrs.frozen
class Server:
    """A sandbox served on 127.0.0.1 and the global flags to reach it."""

    url: str
    sandbox: Sandbox
    token: str

    @property
    def flags(self) -> list[str]:
        return ["--base-url", self.url, "--token", self.token]


@pytest.fixture
def server(sandbox_server: SandboxThread) -> Server:
    """The sandbox on 127.0.0.1 (``sandbox_server`` of tests/conftest.py) with a token."""
    sandbox = sandbox_server.sandbox
    return Server(sandbox_server.url, sandbox, sandbox.issue_token())


@pytest.fixture
def pdf_file(tmp_path: Path) -> Path:
    path = tmp_path / "Contract.pdf"
    path.write_bytes(simple_pdf(["Contract", "Between the parties."], pages=2))
    return path
