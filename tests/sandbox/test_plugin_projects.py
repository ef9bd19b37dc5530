"""The pytest plugin as a user gets it: ``pytest`` run in a project outside this repository.

Each project is a temporary folder with one test file and a ``pytest.ini``; pytest runs in a
subprocess of this interpreter, where the package is installed with its ``pytest11`` entry
point, so nothing of this repository (its conftest files, its pyproject settings) takes part.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

USER_TESTS = Path(__file__).with_name("plugin_project_tests.py")

_LOOP_SCOPE = "asyncio_default_fixture_loop_scope = function"
# What runs an async test in each setup, and its pytest.ini.
RUNNERS = {
    "strict": ("pytest.mark.asyncio", f"asyncio_mode = strict\n{_LOOP_SCOPE}"),
    "auto": ("lambda test: test", f"asyncio_mode = auto\n{_LOOP_SCOPE}"),
    # anyio's plugin alone: pytest-asyncio is installed here, so it is turned off.
    "anyio": ("pytest.mark.anyio", "addopts = -p no:asyncio"),
}


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "PYTEST_ADDOPTS",
        "PYTEST_PLUGINS",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
        "PYTHONPATH",
    ):
        env.pop(name, None)
    return env


def _project(root: Path, test_file: str, ini: str) -> Path:
    root.mkdir()
    (root / "test_user.py").write_text(test_file)
    (root / "pytest.ini").write_text(f"[pytest]\n{ini}\n")
    return root


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=project,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_a_user_project_passes_with_the_plugins_fixtures(tmp_path: Path, runner: str) -> None:
    mark, ini = RUNNERS[runner]
    source = USER_TESTS.read_text()
    assert "\nRUNNER = " in source
    lines = [f"RUNNER = {mark}" if s.startswith("RUNNER = ") else s for s in source.splitlines()]
    project = _project(tmp_path / "project", "\n".join(lines) + "\n", ini)

    done = _pytest(
        project, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error::pytest.PytestWarning"
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout, done.stdout
    assert str(project) in done.stdout  # rootdir: the project, not this repository


_COLLECT_AND_LIST_MODULES = """
import json, sys, pytest
code = pytest.main(["--co", "-q", "-p", "no:cacheprovider"])
print(json.dumps({"exit": int(code), "modules": sorted(sys.modules)}))
"""


def test_collecting_a_project_without_the_fixtures_loads_no_server(tmp_path: Path) -> None:
    test_file = "def test_plain() -> None:\n    assert 1 + 1 == 2\n"
    project = _project(tmp_path / "project", test_file, "")

    done = _pytest(project, "-c", _COLLECT_AND_LIST_MODULES)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 test collected" in done.stdout
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit"] == 0
    modules = {name.split(".")[0] for name in report["modules"]}
    assert "easyink_sandbox.testing.plugin" in report["modules"]  # registered...
    assert not {"starlette", "uvicorn", "pypdf", "reportlab", "easyink_ext"} & modules  # ...light
