""".github/workflows/regenerate.yml: valid, triggered by spec changes, runs only suite commands."""

from __future__ import annotations

import shlex
from typing import Any

import yaml

from tests._regen import CHECK, REPO, REPORT, SCRIPT, SUITE_COMMANDS

_WORKFLOW = REPO / ".github" / "workflows" / "regenerate.yml"
_INSTALL = ("python", "-m", "pip", "install", "-e", ".[dev]")  # README's install command


def _workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(_WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _steps() -> list[dict[str, Any]]:
    [job] = _workflow()["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def _commands(script: str) -> list[list[str]]:
    """The commands of a ``run`` script: ``a || b`` is two, redirections dropped."""
    commands: list[list[str]] = []
    for line in script.splitlines():
        for part in line.split("||"):
            words = shlex.split(part, comments=True)
            while ">>" in words:
                index = words.index(">>")
                del words[index : index + 2]
            if words:
                commands.append(words)
    return commands


def test_runs_on_pull_requests_touching_the_spec() -> None:
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true

    assert triggers["pull_request"]["paths"] == ["openapi/**"]
    checkout = next(s for s in _steps() if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0


def test_runs_the_check_the_report_and_the_tests_in_that_order() -> None:
    runs = [tuple(c) for s in _steps() if "run" in s for c in _commands(s["run"])]
    order = [(c[0], c[1]) if c[0] == SCRIPT else c[:1] for c in runs if c != _INSTALL]

    assert order == [(SCRIPT, REPORT), ("test",), (SCRIPT, CHECK), ("pytest",)]
    report_step = next(s for s in _steps() if REPORT in s.get("run", ""))
    assert '>> "$GITHUB_STEP_SUMMARY"' in report_step["run"]


def test_calls_only_commands_the_suite_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for step in _steps():
        for command in _commands(step.get("run", "")):
            if tuple(command) == _INSTALL:
                assert "pip install -e '.[dev]'" in readme
            elif command[0] == "test":  # the shell's exit-status test of the report step
                assert command == ["test", "$?", "-eq", "3"]
            else:
                key = (command[0], command[1]) if command[0] == SCRIPT else (command[0],)
                assert key in SUITE_COMMANDS, command
