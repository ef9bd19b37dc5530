"""The root command: help without the network stack, plain-http refusal, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import click
import pytest

from easyink_ext.cli._runtime import CliError
from easyink_ext.cli.app import _one_line
from easyink_ext.errors import EasyInkError

from .conftest import Cli

# What a request needs, none of which help should load.
NETWORK_STACK = (
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "ssl",
    "authlib",
    "aiohttp",
    "easyink_client",
    "easyink_sandbox",
    "starlette",
    "uvicorn",
)
COMMANDS = [
    [],
    ["demo"],
    ["send"],
    ["sessions"],
    ["sessions", "list"],
    ["sessions", "show"],
    ["download"],
    ["void"],
    ["batch"],
    ["login"],
]


def _help_imports(args: list[str]) -> tuple[str, list[str]]:
    """The help text of ``easyink ARGS --help`` and the modules loaded to print it."""
    probe = (
        "import json, sys\n"
        "from easyink_ext.cli import main\n"
        "try:\n"
        f"    main({[*args, '--help']!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    *text, modules = result.stdout.splitlines()
    return "\n".join(text), json.loads(modules)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "easyink")
def test_help_imports_no_network_stack(args: list[str]) -> None:
    text, modules = _help_imports(args)
    assert "Usage: " in text
    assert [m for m in modules if m.split(".")[0] in NETWORK_STACK] == []
    assert "easyink_ext._client" not in modules


def test_help_lists_every_command_and_the_insecure_http_flag(run: Cli) -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("demo", "send", "sessions", "download", "void", "batch", "login"):
        assert f"  {command} " in result.stdout
    assert "--allow-insecure-http" in result.stdout


def test_plain_http_to_another_machine_is_refused_in_the_clis_words(run: Cli) -> None:
    result = run("--base-url", "http://192.0.2.10", "--token", "t", "sessions", "list")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "easyink: refusing plain http:// to 192.0.2.10: the access token would travel in "
        "clear; use https:// or pass --allow-insecure-http"
    )
    assert "allow_insecure_http" not in result.output


def test_allow_insecure_http_reaches_the_client(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from easyink_ext import _client

    seen: list[dict[str, Any]] = []

    def refuse(**options: Any) -> Any:
        seen.append(options)
        raise CliError("stopped before connecting")

    monkeypatch.setattr(_client, "EasyInk", refuse)
    result = run(
        "--allow-insecure-http",
        "--base-url",
        "http://192.0.2.10",
        "--token",
        "t",
        "void",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "--reason",
        "r",
    )
    assert result.stderr.strip() == "easyink: stopped before connecting"
    assert seen[0]["allow_insecure_http"] is True
    assert seen[0]["base_url"] == "http://192.0.2.10"


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (
            FileExistsError("1 file(s) already exist (e.g. out/a.pdf): nothing downloaded"),
            "1 file(s) already exist (e.g. out/a.pdf): nothing downloaded",
        ),
        (PermissionError(13, "Permission denied", "out/a.pdf"), "out/a.pdf: Permission denied"),
        (
            IsADirectoryError(21, "Is a directory", "a.part", None, "out/a.pdf"),
            "a.part -> out/a.pdf: Is a directory",
        ),
        (ValueError("bad\nvalue"), "bad value"),
        (click.BadParameter("nope"), "Invalid value: nope"),
        (EasyInkError("gone\n"), "gone"),
    ],
)
def test_expected_errors_are_one_line_without_class_names(error: BaseException, line: str) -> None:
    assert _one_line(error) == line


def test_an_unexpected_error_keeps_its_class_name() -> None:
    assert _one_line(KeyError("x")) == "KeyError: 'x'"
